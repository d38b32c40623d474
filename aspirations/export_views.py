"""Ekspor from the inbox: the aspirations it shows, with its filters, as Excel or CSV.

GET exports without the reporters' identity. POST (a button, CSRF-protected)
exports with it, only for holders of `view_reporter_identity`, and is recorded in
the audit trail first: reading personal data out of the portal is an act someone
answers for, like a reveal.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import exports as writer
from exports.services import export_job_start
from exports.views import export_format, export_start_page
from patrols.access import OfficerRequest

from .exports import aspiration_export, aspiration_export_identity_record, inbox_rows


def _filters(request: HttpRequest) -> str:
    """The inbox's filters from the query string (without page and format)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def export_links(request: HttpRequest) -> dict:
    """What the inbox needs to offer the export: links, and the identity form when allowed."""
    base = reverse("aspirations:inbox_export")
    filters = _filters(request)
    separator = "&" if filters else ""
    return {
        "xlsx": f"{base}?{filters}{separator}format=xlsx",
        "csv": f"{base}?{filters}{separator}format=csv",
        "identity_action": f"{base}?{filters}" if filters else base,
        "can_export_identity": request.user.has_perm("aspirations.view_reporter_identity"),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("aspirations.view_all_aspirations", raise_exception=True)
def inbox_export(request: OfficerRequest) -> HttpResponseBase:
    """The inbox as a file (constant queries); with the reporters' identity on POST, audited.

    Beyond KRK_EXPORT_IMMEDIATE_ROWS rows the file is made by a background job: GET shows
    the button that starts it (inbox_export_start), the identity POST starts it at once.
    """
    identity = request.method == "POST"
    if identity and not request.user.has_perm("aspirations.view_reporter_identity"):
        raise PermissionDenied
    file_format = export_format(request.POST if identity else request.GET)
    rows = inbox_rows(request.user, request.GET)
    if writer.too_many(rows):
        messages.error(
            request,
            _("More than %(count)s aspirations match: narrow the filter (for example the dates) and export again.")
            % {"count": intcomma(writer.MAX_ROWS)},
        )
        filters = _filters(request)
        return redirect(f"{reverse('aspirations:inbox')}?{filters}" if filters else reverse("aspirations:inbox"))
    background = writer.too_big_for_a_request(rows)
    if background and not identity:
        return export_start_page(
            request,
            action=f"{reverse('aspirations:inbox_export_start')}?{_filters(request)}",
            back=reverse("aspirations:inbox"),
            file_format=file_format,
        )
    if identity:
        aspiration_export_identity_record(
            actor=request.user, count=rows.order_by().count(), filters=_filters(request), request=request
        )
    if background:
        return _start(request, source="aspirations_identity", file_format=file_format)
    return writer.export_response(file_format, aspiration_export(rows, identity=identity))


def _start(request: OfficerRequest, *, source: str, file_format: str) -> HttpResponse:
    job = export_job_start(owner=request.user, source=source, query=_filters(request), file_format=file_format)
    return redirect(job.get_absolute_url())


@login_required
@require_POST
@permission_required("aspirations.view_all_aspirations", raise_exception=True)
def inbox_export_start(request: OfficerRequest) -> HttpResponse:
    """Start a background export (without identities) of the inbox's filters (GET) in the format asked."""
    return _start(request, source="aspirations", file_format=export_format(request.POST))
