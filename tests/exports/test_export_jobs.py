"""Exports too big for a request: started by a button, made by the job, downloaded by their owner only."""

import csv
import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from exports.models import ExportJob, ExportState
from exports.services import export_name
from tests.aspirations.builders import in_status
from tests.conftest import client_for
from tests.factories import PatrolFactory
from tests.jobs import run_jobs

pytestmark = pytest.mark.django_db

PATROLS = reverse("patrols:patrol_export")
PATROLS_START = reverse("patrols:patrol_export_start")
INBOX = reverse("aspirations:inbox_export")


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.KRK_EXPORT_IMMEDIATE_ROWS = 2


def three_patrols(leader):
    return [PatrolFactory(leader=leader, place=f"Pos {n}") for n in range(3)]


def finished_job(client, url: str, file_format: str = "csv") -> ExportJob:
    response = client.post(url, {"format": file_format})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_jobs()
    job.refresh_from_db()
    return job


class TestStarting:
    def test_a_small_export_stays_immediate(self, bhabin, settings):
        settings.KRK_EXPORT_IMMEDIATE_ROWS = 5
        three_patrols(bhabin)
        response = client_for(bhabin).get(PATROLS, {"format": "csv"})
        assert response["Content-Type"].startswith("text/csv")
        assert not ExportJob.objects.exists()

    def test_a_big_one_asks_for_the_button_and_starts_nothing_on_get(self, bhabin):
        three_patrols(bhabin)
        response = client_for(bhabin).get(PATROLS, {"format": "csv", "village": ""})
        assert response.status_code == 200
        assert f'action="{PATROLS_START}?format=csv&amp;village="' in response.content.decode()
        assert not ExportJob.objects.exists()

    def test_the_button_starts_the_job_with_the_lists_filters(self, bhabin):
        three_patrols(bhabin)
        client_for(bhabin).post(f"{PATROLS_START}?q=Pos&format=xlsx", {"format": "csv"})
        job = ExportJob.objects.get()
        assert (job.owner, job.source, job.query, job.file_format) == (bhabin, "patrols", "q=Pos", "csv")
        assert job.state == ExportState.QUEUED
        assert job.unit == bhabin.unit, "the requester's unit"


class TestTheJob:
    def test_the_file_holds_what_the_owner_may_see_with_the_filters(self, media_storage, bhabin, other_bhabin):
        mine = three_patrols(bhabin)
        PatrolFactory(leader=other_bhabin, village=other_bhabin.assignments.get().village)
        job = finished_job(client_for(bhabin), PATROLS_START)
        assert job.state == ExportState.READY
        assert (job.rows_total, job.rows_done, job.percent) == (3, 3, 100)
        with default_storage.open(export_name(job), "rb") as stored:
            rows = list(csv.reader(io.StringIO(stored.read().decode("utf-8-sig"))))
        assert rows[0][0] == "No. patroli"
        assert sorted(int(row[0]) for row in rows[1:]) == sorted(patrol.pk for patrol in mine)

    def test_the_page_refreshes_itself_until_ready_then_links_the_file(self, bhabin):
        three_patrols(bhabin)
        client = client_for(bhabin)
        client.post(PATROLS_START, {"format": "csv"})
        job = ExportJob.objects.get()
        waiting = client.get(job.get_absolute_url()).content.decode()
        assert 'http-equiv="refresh"' in waiting and reverse("exports:download", args=[job.pk]) not in waiting
        run_jobs()
        ready = client.get(job.get_absolute_url()).content.decode()
        assert 'http-equiv="refresh"' not in ready and reverse("exports:download", args=[job.pk]) in ready

    def test_only_the_owner_downloads(self, media_storage, bhabin, commander):
        three_patrols(bhabin)
        job = finished_job(client_for(bhabin), PATROLS_START)
        url = reverse("exports:download", args=[job.pk])
        response = client_for(bhabin).get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
        assert response["Content-Disposition"].startswith('attachment; filename="patroli-')
        downloaded = b"".join(response.streaming_content)
        assert downloaded.decode("utf-8-sig").startswith("No. patroli") and downloaded.count(b"Pos ") == 3
        if media_storage:  # written by the worker into the bucket every app server reads
            assert media_storage.object_keys() == [export_name(job)]
            assert media_storage.read(export_name(job)) == downloaded
        assert client_for(commander).get(url).status_code == 404
        assert client_for(commander).get(job.get_absolute_url()).status_code == 404

    def test_kept_a_day_then_gone_with_its_file(self, media_storage, bhabin):
        three_patrols(bhabin)
        job = finished_job(client_for(bhabin), PATROLS_START)
        ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
        assert client_for(bhabin).get(reverse("exports:download", args=[job.pk])).status_code == 404
        call_command("recover_jobs", verbosity=0)
        assert not ExportJob.objects.exists() and not default_storage.exists(export_name(job))

    def test_a_user_who_lost_the_permission_gets_no_file(self, media_storage, bhabin):
        three_patrols(bhabin)
        client_for(bhabin).post(PATROLS_START, {"format": "csv"})
        bhabin.groups.clear()
        run_jobs()
        job = ExportJob.objects.get()
        assert (job.state, job.error_type) == (ExportState.FAILED, "PermissionDenied")
        assert not default_storage.exists(export_name(job))


class TestInbox:
    def test_with_identities_it_is_audited_and_made_by_the_job(self, commander, operator):
        for _ in range(3):
            in_status("baru", reporter_name="Siti", consent_given_at=timezone.now())
        job = finished_job(client_for(commander), INBOX, "xlsx")
        assert job.source == "aspirations_identity" and job.state == ExportState.READY
        assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).count() == 1

    def test_without_identities_the_button_starts_it(self, operator):
        for _ in range(3):
            in_status("baru")
        response = client_for(operator).get(INBOX, {"format": "csv"})
        assert reverse("aspirations:inbox_export_start") in response.content.decode()
        job = finished_job(client_for(operator), reverse("aspirations:inbox_export_start"))
        assert (job.source, job.rows_total) == ("aspirations", 3)
