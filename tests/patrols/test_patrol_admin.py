import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from patrols.models import ImbauanTopic, Patrol, PatrolEdit
from tests.admin_forms import change_form_data
from tests.conftest import client_for
from tests.patrols.conftest import log

pytestmark = pytest.mark.django_db


class TestPatrolAdmin:
    def test_changelist_with_filters(self, site_admin, bhabin):
        log(bhabin)
        response = client_for(site_admin).get(reverse("admin:patrols_patrol_changelist"), {"situation__exact": "aman"})
        assert response.status_code == 200
        assert "Krangkeng" in response.content.decode()

    def test_change_page_shows_photos_through_the_checked_view(self, site_admin, bhabin):
        patrol = log(bhabin, photos=1)
        response = client_for(site_admin).get(reverse("admin:patrols_patrol_change", args=[patrol.pk]))
        assert response.status_code == 200
        assert patrol.photos.get().get_thumbnail_url() in response.content.decode()

    def test_an_edit_in_the_admin_goes_through_the_service(self, site_admin, bhabin):
        patrol = log(bhabin)
        client = client_for(site_admin)
        url = reverse("admin:patrols_patrol_change", args=[patrol.pk])
        response = client.post(url, change_form_data(client.get(url), residents_met="99"), REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302, response.context["adminform"].form.errors
        edit = PatrolEdit.objects.get()
        assert (edit.changed_fields, edit.editor) == (["residents_met"], site_admin)
        entry = AuditEntry.objects.get(action=AuditAction.PATROL_CHANGED)
        assert (entry.actor, entry.target_id, entry.summary) == (site_admin, str(patrol.pk), "residents_met")
        assert entry.ip_hash

    def test_saving_without_a_change_records_no_edit(self, site_admin, bhabin):
        patrol = log(bhabin)
        client = client_for(site_admin)
        url = reverse("admin:patrols_patrol_change", args=[patrol.pk])
        assert client.post(url, change_form_data(client.get(url))).status_code == 302
        assert not PatrolEdit.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.PATROL_CHANGED).exists()

    def test_removing_a_photo_is_an_edit_of_the_patrol(self, site_admin, bhabin):
        patrol = log(bhabin, photos=2)
        client = client_for(site_admin)
        url = reverse("admin:patrols_patrol_change", args=[patrol.pk])
        response = client.post(url, change_form_data(client.get(url), **{"photos-0-DELETE": "on"}))
        assert response.status_code == 302
        assert patrol.photos.count() == 1
        assert PatrolEdit.objects.get().changed_fields == ["photos"]

    def test_patrols_are_logged_only_through_the_portal(self, site_admin):
        assert client_for(site_admin).get(reverse("admin:patrols_patrol_add")).status_code == 403

    def test_admin_reads_the_topics(self, site_admin):  # only a superuser changes them (test_access_matrix)
        response = client_for(site_admin).get(reverse("admin:patrols_imbauantopic_changelist"))
        assert response.status_code == 200
        assert ImbauanTopic.objects.first().name in response.content.decode()

    def test_officers_have_no_admin(self, bhabin):
        assert client_for(bhabin).get(reverse("admin:patrols_patrol_changelist")).status_code == 302

    def test_deleting_a_patrol_removes_its_photo_files_once_committed(
        self, site_admin, bhabin, django_capture_on_commit_callbacks
    ):
        patrol = log(bhabin, photos=2)
        files = [name for photo in patrol.photos.all() for name in (photo.image.name, photo.thumbnail.name)]
        assert len(files) == 4 and all(default_storage.exists(name) for name in files)
        url = reverse("admin:patrols_patrol_delete", args=[patrol.pk])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(site_admin).post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Patrol.objects.filter(pk=patrol.pk).exists()
        assert all(default_storage.exists(name) for name in files)  # nothing goes before the commit
        for callback in callbacks:
            callback()
        assert not any(default_storage.exists(name) for name in files)
