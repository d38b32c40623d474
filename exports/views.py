"""A background export's page (progress, then the download link) and its download.

Both look the job up among the user's own (`owned_by`): anyone else, even with the
link, gets 404. Expired jobs are gone for everyone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import ExportFormat, ExportJob, ExportState
from .services import expired_before, export_name

REFRESH_SECONDS = 2


def export_format(data) -> str:
    """The format asked for (?format= or a form field), Excel unless CSV is asked."""
    return ExportFormat.CSV if data.get("format") == ExportFormat.CSV else ExportFormat.XLSX


def export_start_page(request: HttpRequest, *, action: str, back: str, file_format: str) -> HttpResponse:
    """Asked on GET for an export too big for the request: a button (POST to `action`) starts the job.

    A GET link must not start work that writes a row and a file; the button does.
    """
    context = {"action": action, "back": back, "file_format": file_format, "count": settings.KRK_EXPORT_IMMEDIATE_ROWS}
    return render(request, "exports/export_start.html", context)


def _own_job(request: HttpRequest, pk) -> ExportJob:
    try:
        return ExportJob.objects.owned_by(request.user).get(pk=pk, created_at__gte=expired_before())
    except ExportJob.DoesNotExist:
        raise Http404 from None


@login_required
@require_safe
def export_job(request: HttpRequest, pk) -> HttpResponse:
    """The job's progress; the page reloads itself (meta refresh, no JavaScript) until it is done."""
    job = _own_job(request, pk)
    running = job.state in (ExportState.QUEUED, ExportState.RUNNING)
    response = render(
        request,
        "exports/export_job.html",
        {"job": job, "running": running, "refresh_seconds": REFRESH_SECONDS if running else None},
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_safe
def export_download(request: HttpRequest, pk) -> FileResponse:
    """The file, streamed from the media storage (whichever server's worker wrote it)."""
    job = _own_job(request, pk)
    if job.state != ExportState.READY:
        raise Http404
    try:
        handle = default_storage.open(export_name(job), "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.download_name)
    response["Cache-Control"] = "no-store, private"
    return response
