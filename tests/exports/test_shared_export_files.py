"""Several servers: the job worker on one machine writes the export, another app server serves it.

The worker is `manage.py db_worker` in a process of its own, configured only by the
KRK_S3_* environment (as on a separate machine), with a MEDIA_ROOT of its own that
must stay empty; this process serves the download from the bucket.
"""

import pytest
from django.urls import reverse

from exports.models import ExportJob, ExportState
from exports.services import export_name
from tests.conftest import client_for
from tests.factories import PatrolFactory
from tests.jobs import WorkerProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_export_written_by_a_worker_elsewhere_downloads_here(s3_media, bhabin, settings, tmp_path):
    settings.KRK_EXPORT_IMMEDIATE_ROWS = 2
    for number in range(3):
        PatrolFactory(leader=bhabin, place=f"Pos {number}")
    worker_media = tmp_path / "worker-media"
    worker = WorkerProcess(MEDIA_ROOT=str(worker_media), **s3_media.environment()).start()
    try:
        client = client_for(bhabin)
        client.post(reverse("patrols:patrol_export_start"), {"format": "csv"})
        job = ExportJob.objects.get()

        def ready() -> bool:
            job.refresh_from_db()
            assert job.state != ExportState.FAILED, job.error_type
            return job.state == ExportState.READY

        wait_for(ready, timeout=60, step=0.1)
    finally:
        worker.stop()
    assert s3_media.object_keys() == [export_name(job)]
    assert not worker_media.exists() or not any(path.is_file() for path in worker_media.rglob("*"))
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_media.read(export_name(job))
    assert client_for(None).get(reverse("exports:download", args=[job.pk])).status_code == 302  # sign in first
