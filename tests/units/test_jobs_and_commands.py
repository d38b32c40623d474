"""Code without a request scopes itself: a background export reads its owner's subtree, a
notification job and the management commands work deployment-wide. Each runs here with
no scope active at all, as in the worker's or a shell's process."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.management import call_command

from aspirations.delivery import send_notification
from aspirations.models import Notification
from core import roles
from exports.models import ExportJob, ExportState
from exports.services import export_job_run, export_name
from patrols.models import Position
from tests.aspirations.builders import in_status
from tests.factories import OfficerFactory, PatrolFactory, neighbour_village
from units.scoping import user_scope

pytestmark = pytest.mark.django_db


def no_scope():
    """No scope at all: what a job worker or a management command starts with."""
    return user_scope(AnonymousUser())


def test_a_background_export_reads_its_owners_subtree(bhabin):
    PatrolFactory(leader=bhabin, place="Pos Krangkeng")
    outside = neighbour_village()
    command = OfficerFactory(unit=outside.unit, position=Position.KAPOLSEK, role=roles.COMMAND)
    PatrolFactory(village=outside, place="Pos Karangampel")
    job = ExportJob.objects.create(owner=command, unit=command.unit, source="patrols", file_format="csv")
    with no_scope():
        export_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.state == ExportState.READY
    text = default_storage.open(export_name(job)).read().decode("utf-8-sig")
    assert "Pos Karangampel" in text and "Pos Krangkeng" not in text


def test_the_notification_job_works_without_a_request(operator):
    aspiration = in_status("baru")
    notification = Notification.objects.create(
        aspiration=aspiration, event=aspiration.events.first(), kind="received", channel="email"
    )
    with no_scope():
        send_notification.call(notification.pk)
    notification.refresh_from_db()
    assert notification.attempts == 1 and notification.state != "queued"  # claimed and tried


@pytest.mark.parametrize("command", [["rebuild_patrol_tallies", "--check"], ["purge_personal_data"]])
def test_commands_work_without_a_request(command, bhabin):
    PatrolFactory(leader=bhabin)
    with no_scope():
        call_command(*command, stdout=io.StringIO())
