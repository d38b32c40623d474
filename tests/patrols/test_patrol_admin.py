import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from patrols.models import ImbauanTopic, Patrol, PatrolEdit
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

    def test_an_edit_in_the_admin_is_recorded(self, site_admin, bhabin):
        patrol = log(bhabin)
        client = client_for(site_admin)
        url = reverse("admin:patrols_patrol_change", args=[patrol.pk])
        form = client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if name not in ("started_at", "ended_at")}
        data = {key: "" if value is None else value for key, value in data.items()}
        data["residents_met"] = 99
        # The admin splits datetimes into a date and a time input (shown in WIB).
        for field in ("started_at", "ended_at"):
            shown = timezone.localtime(getattr(patrol, field))
            data[f"{field}_0"] = shown.strftime("%Y-%m-%d")
            data[f"{field}_1"] = shown.strftime("%H:%M:%S")
        for prefix in ("photos", "edits"):
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert PatrolEdit.objects.get().changed_fields == ["residents_met"]
        assert PatrolEdit.objects.get().editor == site_admin

    def test_topics_are_editable(self, site_admin):
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
