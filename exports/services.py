"""Starting, running and cleaning up background exports.

The job is queued in the transaction that records it; the worker claims it with a
conditional UPDATE (QUEUED -> RUNNING), writes the file to a local temporary file and
then stores it in the media storage (the local disk, or the bucket every app server
shares: the download may reach another server than the worker's). The job is READY
only once the file is stored, so a download never sees half a file. Progress is written
every PROGRESS_EVERY rows and doubles as the job's heartbeat: `exports_recover` queues
again a job whose worker stopped beating for KRK_JOB_LEASE_SECONDS (it died), and
deletes jobs and files older than KRK_EXPORT_KEEP_HOURS.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.exports import write_export
from units.scoping import deployment_wide, user_scope

from .models import ExportJob, ExportState
from .sources import SOURCES, export_for

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000


def export_name(job: ExportJob) -> str:
    """The file's name in the media storage: never served as media, only by the owner's download view."""
    return f"private/exports/{job.pk}.{job.file_format}"


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
    try:
        # The owner's unit subtree, as on their list page: a job has no request to scope it.
        with user_scope(job.owner):
            export = export_for(job.source, owner=job.owner, query=job.query)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=export.count, filename=export.filename)
            with tempfile.TemporaryFile() as scratch:
                write_export(scratch, job.file_format, replace(export, rows=_progress(job, export.rows)))
                _store(export_name(job), scratch)
    except Exception as error:
        default_storage.delete(export_name(job))  # a failed job leaves no file behind
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error_type=type(error).__name__, finished_at=timezone.now()
        )
        logger.exception("export %s failed", job.pk)
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.READY, finished_at=timezone.now())


def _store(name: str, content: IO[bytes]) -> None:
    """Store `content` as `name`, replacing what a run that died may have left there."""
    default_storage.delete(name)
    content.seek(0)
    stored = default_storage.save(name, File(content, name=name))
    if stored != name:  # another writer took the name meanwhile: never serve its file
        default_storage.delete(stored)
        raise RuntimeError(f"export file {name} was written by another run")


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
        default_storage.delete(export_name(job))
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return {"restarted": len(abandoned), "expired": len(expired)}
