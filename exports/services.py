"""Starting, running and cleaning up background exports.

The job is queued in the transaction that records it; the worker claims it with a
conditional UPDATE (QUEUED -> RUNNING), writes the file next to its final name and
renames it when complete, so a download never sees half a file. Progress is written
every PROGRESS_EVERY rows and doubles as the job's heartbeat: `exports_recover` queues
again a job whose worker stopped beating for KRK_JOB_LEASE_SECONDS (it died), and
deletes jobs and files older than KRK_EXPORT_KEEP_HOURS.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.exports import write_export
from units.scoping import deployment_wide, user_scope

from .models import ExportJob, ExportState
from .sources import SOURCES, export_for

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000


def export_path(job: ExportJob) -> Path:
    """Under MEDIA_ROOT/private/: never served as media, only by the owner's download view."""
    return Path(settings.MEDIA_ROOT) / "private" / "exports" / f"{job.pk}.{job.file_format}"


def expired_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.KRK_EXPORT_KEEP_HOURS)


@task(queue_name="exports")
def run_export(job_id: str) -> None:
    export_job_run(job_id=job_id)


@transaction.atomic
def export_job_start(*, owner, source: str, query: str, file_format: str) -> ExportJob:
    """Record the export and queue its job (in this transaction)."""
    if source not in SOURCES:
        raise ValueError(f"unknown export {source!r}")
    job = ExportJob(
        owner=owner, unit_id=getattr(owner, "unit_id", None), source=source, query=query, file_format=file_format
    )
    job.full_clean(exclude=["unit"])  # the owner's, in hand: no lookup
    job.save()
    run_export.enqueue(str(job.pk))
    return job


def _progress(job: ExportJob, rows: Iterable) -> Iterator:
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=timezone.now())
    ExportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=timezone.now())


@deployment_wide()  # the job's own row; the export's rows are read in the owner's scope, below
def export_job_run(*, job_id: str) -> None:
    """Write the job's file as its owner sees the data; at most one worker runs a job at a time."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, heartbeat_at=now, rows_done=0
    ):
        return
    job = ExportJob.objects.select_related("owner__unit").get(pk=job_id)
    path = export_path(job)
    partial = path.with_suffix(".part")
    try:
        # The owner's unit subtree, as on their list page: a job has no request to scope it.
        with user_scope(job.owner):
            export = export_for(job.source, owner=job.owner, query=job.query)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=export.count, filename=export.filename)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            write_export(partial, job.file_format, replace(export, rows=_progress(job, export.rows)))
        partial.replace(path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error_type=type(error).__name__, finished_at=timezone.now()
        )
        logger.exception("export %s failed", job.pk)
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.READY, finished_at=timezone.now())


@deployment_wide()
@transaction.atomic
def exports_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again the exports whose worker died; delete expired jobs with their files."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.KRK_JOB_LEASE_SECONDS)
    running = ExportJob.objects.filter(state=ExportState.RUNNING, heartbeat_at__lt=stale)
    abandoned = list(running.values_list("pk", flat=True))
    # Conditional on the state read: a job that finished meanwhile keeps its file.
    running.filter(pk__in=abandoned).update(state=ExportState.QUEUED, rows_done=0)
    for pk in abandoned:
        run_export.enqueue(str(pk))
    expired = list(ExportJob.objects.filter(created_at__lt=expired_before(now)))
    for job in expired:
        export_path(job).unlink(missing_ok=True)
        export_path(job).with_suffix(".part").unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return {"restarted": len(abandoned), "expired": len(expired)}
