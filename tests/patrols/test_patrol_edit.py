import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from patrols.models import Patrol, PatrolEdit, PatrolPhoto
from tests.conftest import client_for
from tests.patrols.conftest import local, log, stored_files
from tests.photos import photo_upload

pytestmark = pytest.mark.django_db


def url(patrol: Patrol) -> str:
    return reverse("patrols:patrol_edit", kwargs={"pk": patrol.pk})


def as_posted(patrol: Patrol, **changes) -> dict:
    """The edit form's data for `patrol` as stored, with `changes`."""
    data = {
        "patrol_type": patrol.patrol_type,
        "mode": patrol.mode,
        "village": patrol.village_id,
        "place": patrol.place,
        "started_at": local(patrol.started_at),
        "ended_at": local(patrol.ended_at),
        "leader": patrol.leader_id,
        "members": [m.pk for m in patrol.members.all()],
        "partners": patrol.partners,
        "residents_met": patrol.residents_met,
        "topics": [t.pk for t in patrol.topics.all()],
        "situation": patrol.situation,
        "summary": patrol.summary,
        "findings": patrol.findings,
        "actions": patrol.actions,
        "latitude": patrol.latitude or "",
        "longitude": patrol.longitude or "",
    }
    data.update(changes)
    return data


def whole_minutes(patrol: Patrol) -> Patrol:
    """The form works in minutes; line the stored times up so "unchanged" really is."""
    Patrol.objects.filter(pk=patrol.pk).update(
        started_at=patrol.started_at.replace(second=0, microsecond=0),
        ended_at=patrol.ended_at.replace(second=0, microsecond=0),
    )
    patrol.refresh_from_db()
    return patrol


def age(patrol: Patrol, **delta) -> None:
    Patrol.objects.filter(pk=patrol.pk).update(created_at=timezone.now() - datetime.timedelta(**delta))


class TestPatrolEdit:
    def test_form_shows_the_stored_report(self, bhabin):
        patrol = log(bhabin, place="Masjid Jami")
        response = client_for(bhabin).get(url(patrol))
        assert response.status_code == 200
        assert response.context["form"]["place"].value() == "Masjid Jami"
        assert "Ubah patroli" in response.content.decode()

    def test_leader_saves_a_change_and_it_is_recorded(self, bhabin):
        patrol = whole_minutes(log(bhabin))
        response = client_for(bhabin).post(url(patrol), as_posted(patrol, residents_met=40), follow=True)
        assert response.redirect_chain == [(patrol.get_absolute_url(), 302)]
        html = response.content.decode()
        assert "Patroli diperbarui." in html
        assert f"Diubah oleh {bhabin.display_name}" in html
        edit = PatrolEdit.objects.get()
        assert (edit.editor, edit.changed_fields) == (bhabin, ["residents_met"])
        patrol.refresh_from_db()
        assert patrol.residents_met == 40
        audit = AuditEntry.objects.get(action=AuditAction.PATROL_CHANGED)
        assert (audit.actor, audit.target_id, audit.summary) == (bhabin, str(patrol.pk), "residents_met")
        assert audit.ip_hash

    def test_saving_unchanged_records_nothing(self, bhabin):
        patrol = whole_minutes(log(bhabin))
        response = client_for(bhabin).post(url(patrol), as_posted(patrol), follow=True)
        assert "Tidak ada yang diubah." in response.content.decode()
        assert not PatrolEdit.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.PATROL_CHANGED).exists()

    def test_invalid_change_shows_the_form_again(self, bhabin):
        patrol = log(bhabin)
        data = as_posted(patrol, ended_at=local(patrol.started_at - datetime.timedelta(hours=1)))
        response = client_for(bhabin).post(url(patrol), data)
        assert response.status_code == 200
        assert "ended_at" in response.context["form"].errors

    def test_leader_after_seven_days_gets_403(self, bhabin):
        patrol = log(bhabin)
        age(patrol, days=8)
        client = client_for(bhabin)
        assert client.get(url(patrol)).status_code == 403
        assert client.post(url(patrol), as_posted(patrol, residents_met=1)).status_code == 403
        assert not PatrolEdit.objects.exists()

    def test_command_edits_an_old_patrol(self, bhabin, commander):
        patrol = whole_minutes(log(bhabin))
        age(patrol, days=60)
        response = client_for(commander).post(url(patrol), as_posted(patrol, situation="kejadian"))
        assert response.status_code == 302
        assert PatrolEdit.objects.get().editor == commander

    def test_operator_reads_but_gets_403(self, bhabin, operator):
        patrol = log(bhabin)
        assert client_for(operator).get(patrol.get_absolute_url()).status_code == 200
        assert client_for(operator).post(url(patrol), as_posted(patrol, residents_met=1)).status_code == 403

    def test_outsider_gets_404(self, bhabin, other_bhabin):
        patrol = log(bhabin)
        assert client_for(other_bhabin).get(url(patrol)).status_code == 404
        assert client_for(other_bhabin).post(url(patrol), as_posted(patrol)).status_code == 404

    def test_member_who_did_not_log_it_gets_403(self, bhabin, other_bhabin):
        patrol = log(bhabin, members=[other_bhabin])
        assert client_for(other_bhabin).get(url(patrol)).status_code == 403

    def test_removes_and_adds_photos(self, media_storage, bhabin, django_capture_on_commit_callbacks):
        patrol = whole_minutes(log(bhabin, photos=2))
        doomed = patrol.photos.first()
        data = as_posted(patrol, remove_photos=[doomed.pk], photos=[photo_upload("baru.jpg")])
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(bhabin).post(url(patrol), data)
        assert response.status_code == 302
        assert patrol.photos.count() == 2
        assert not PatrolPhoto.objects.filter(pk=doomed.pk).exists()
        assert len(stored_files()) == 4
        assert PatrolEdit.objects.get().changed_fields == ["photos"]

    def test_photo_limit_counts_the_photos_kept(self, bhabin):
        patrol = log(bhabin, photos=4)
        data = as_posted(patrol, photos=[photo_upload("a.jpg"), photo_upload("b.jpg")])
        response = client_for(bhabin).post(url(patrol), data)
        assert response.status_code == 200
        assert "paling banyak 5 foto" in " ".join(response.context["form"].errors["photos"])
        assert patrol.photos.count() == 4
        assert len(stored_files()) == 8

    def test_removal_checkboxes_show_thumbnails_through_the_checked_view(self, bhabin):
        patrol = log(bhabin, photos=1)
        html = client_for(bhabin).get(url(patrol)).content.decode()
        assert patrol.photos.get().get_thumbnail_url() in html
        assert "/media/" not in html
