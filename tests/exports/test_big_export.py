"""50,000 patrols to Excel through the real worker: a quick request, a correct file, little memory."""

import re
import time
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exports.models import ExportJob, ExportState
from exports.services import export_name
from patrols.models import Patrol, PatrolMode, PatrolType
from tests.conftest import client_for
from tests.factories import village
from tests.jobs import WorkerProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROWS = 50_000


def fifty_thousand_patrols(leader) -> None:
    krangkeng = village("Krangkeng")
    start = timezone.now() - timezone.timedelta(days=400)
    Patrol.objects.bulk_create(
        (
            Patrol(
                patrol_type=PatrolType.SAMBANG,
                mode=PatrolMode.MOTORBIKE,
                started_at=start + timezone.timedelta(minutes=10 * n),
                ended_at=start + timezone.timedelta(minutes=10 * n + 60),
                village=krangkeng,
                unit_id=krangkeng.unit_id,
                place=f"Pos {n}",
                leader=leader,
                created_by=leader,
                summary="Sambang warga, imbauan kamtibmas.",
            )
            for n in range(ROWS)
        ),
        batch_size=5000,
    )


def test_fifty_thousand_patrols_to_excel(commander, bhabin, settings):
    fifty_thousand_patrols(bhabin)
    worker = WorkerProcess().start()
    try:
        client = client_for(commander)
        # The page with the button, as the user sees it first (and the server is warm).
        button_page = client.get(reverse("patrols:patrol_export"), {"format": "xlsx"})
        assert reverse("patrols:patrol_export_start") in button_page.content.decode()
        started = time.perf_counter()
        response = client.post(reverse("patrols:patrol_export_start"), {"format": "xlsx"})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        assert elapsed < 0.2, f"starting the export took {elapsed:.3f} s"

        job = ExportJob.objects.get()

        def ready() -> bool:
            job.refresh_from_db()
            assert job.state != ExportState.FAILED, job.error_type
            return job.state == ExportState.READY

        wait_for(ready, timeout=240, step=0.5)
        peak_kb = worker.peak_rss_kb()
    finally:
        worker.stop()
    assert peak_kb < 200 * 1024, f"the worker peaked at {peak_kb / 1024:.0f} MB"
    assert (job.rows_total, job.rows_done) == (ROWS, ROWS)

    with default_storage.open(export_name(job), "rb") as stored:
        header = next(load_workbook(stored, read_only=True).active.iter_rows(max_row=1, values_only=True))
    assert header[:2] == ("No. patroli", "Mulai (WIB)")
    assert header[5:8] == ("Desa", "Satuan", "Tempat")
    # Every data row, in the list's order (newest first), read straight from the sheet's XML:
    # openpyxl would take longer to read the file than the worker took to write it.
    with default_storage.open(export_name(job), "rb") as stored, zipfile.ZipFile(stored) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    places = re.findall(r'<c r="H\d+" t="inlineStr"><is><t>([^<]*)</t>', sheet)
    assert places == [f"Pos {n}" for n in reversed(range(ROWS))]
