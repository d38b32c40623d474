from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.lists import filtered_list

from .filters import AuditEntryFilter
from .models import AuditEntry

PAGE_SIZE = 50


@never_cache
@login_required
@require_safe
@permission_required("audit.view_auditentry", raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    """The audit trail for command, newest first, filtered, a page at a time (one query for the page)."""
    listing = filtered_list(request, AuditEntryFilter, AuditEntry.objects.for_list(), per_page=PAGE_SIZE)
    return listing.render("audit/entry_list.html", {})
