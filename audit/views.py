from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .filters import AuditEntryFilter
from .models import AuditEntry

PAGE_SIZE = 50


@never_cache
@login_required
@require_safe
@permission_required("audit.view_auditentry", raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    """The audit trail for command, newest first, filtered and paginated (a count and a page query)."""
    filterset = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.for_list())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"filter": filterset, "page": page})
