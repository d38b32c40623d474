"""Background photo uploads (core.uploads, krangkeng_portal.uploads): the endpoint, owner
scoping, expiry, limits, their use by the public form and the clean-up command."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aspirations.models import Aspiration
from core.models import PendingUpload
from tests.aspirations.conftest import form_data
from tests.conftest import client_for
from tests.photos import jpeg_bytes, png_html_polyglot, upload
from tests.s3 import media_names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


UPLOAD = reverse("pending_upload_create")
SUBMIT = reverse("aspirations:submit")


def send(client: Client, content: bytes | None = None, **extra):
    return client.post(UPLOAD, {"photo": upload(content or jpeg_bytes(3000, 2000))}, **extra)


def thumbnail(client: Client, pk) -> int:
    return client.get(reverse("pending_upload_thumbnail", args=[pk])).status_code


class TestUploadCreate:
    def test_stores_a_re_encoded_photo_for_the_visitor_and_sets_their_key(self, media_storage):
        client = Client()
        response = send(client)
        assert response.status_code == 201
        pending = PendingUpload.objects.get(pk=response.json()["id"])
        assert max(pending.width, pending.height) == 1600
        assert pending.owner.startswith("key:") and response.cookies["krk_uploads"]["httponly"]
        assert response.cookies["krk_uploads"].value not in pending.owner  # only its hash is stored
        assert len(media_names()) == 2  # photo and thumbnail
        assert thumbnail(client, pending.pk) == 200

    def test_a_signed_in_officer_owns_theirs_by_account(self, bhabin):
        response = send(client_for(bhabin))
        assert PendingUpload.objects.get(pk=response.json()["id"]).owner == f"user:{bhabin.pk}"

    def test_refuses_what_is_not_a_photo_with_the_message_in_indonesian(self):
        response = send(Client(), png_html_polyglot()[:40])
        assert response.status_code == 400
        assert "foto" in response.json()["error"].lower()
        assert not PendingUpload.objects.exists()

    def test_refuses_a_file_over_the_limit(self):
        response = send(Client(), jpeg_bytes() + bytes(10 * 1024 * 1024))
        assert response.status_code == 400 and not PendingUpload.objects.exists()

    def test_needs_csrf(self):
        client = Client(enforce_csrf_checks=True)
        assert send(client).status_code == 403

    def test_is_rate_limited(self, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "photo_upload": (2, 3600)}
        client = Client()
        assert [send(client).status_code for _ in range(3)] == [201, 201, 429]


class TestThumbnail:
    def test_another_visitor_or_officer_gets_404(self, bhabin, other_bhabin):
        visitor = Client()
        pk = send(visitor).json()["id"]
        assert thumbnail(Client(), pk) == 404
        assert thumbnail(client_for(bhabin), pk) == 404
        officer_pk = send(client_for(bhabin)).json()["id"]
        assert thumbnail(client_for(other_bhabin), officer_pk) == 404
        assert thumbnail(client_for(bhabin), officer_pk) == 200

    def test_an_expired_upload_is_gone(self):
        client = Client()
        pk = send(client).json()["id"]
        PendingUpload.objects.update(expires_at=timezone.now())
        assert thumbnail(client, pk) == 404


class TestPublicFormWithPendingUploads:
    def test_the_form_sends_only_ids_and_the_photos_end_on_the_aspiration(
        self, media_storage, django_capture_on_commit_callbacks
    ):
        client = Client()
        ids = [send(client).json()["id"] for _ in range(2)]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SUBMIT, form_data(uploads=ids))
        assert response.status_code == 302
        aspiration = Aspiration.objects.get()
        assert [(a.width, a.height) for a in aspiration.attachments.all()] == [(1600, 1067)] * 2
        assert not PendingUpload.objects.exists()
        assert len(media_names()) == 4  # the pending copies are gone after commit

    def test_another_visitors_ids_are_refused_and_the_text_kept(self):
        pk = send(Client()).json()["id"]
        response = Client().post(SUBMIT, form_data(uploads=[pk]))
        assert response.status_code == 200
        assert "sudah kedaluwarsa atau bukan milik Anda" in response.content.decode()
        assert "Balap liar tiap malam Minggu" in response.content.decode()
        assert not Aspiration.objects.exists() and PendingUpload.objects.count() == 1

    def test_expired_ids_are_refused(self):
        client = Client()
        pk = send(client).json()["id"]
        PendingUpload.objects.update(expires_at=timezone.now())
        assert client.post(SUBMIT, form_data(uploads=[pk])).status_code == 200
        assert not Aspiration.objects.exists()

    def test_uploads_count_towards_the_limit_of_three(self):
        client = Client()
        ids = [send(client).json()["id"] for _ in range(3)]
        response = client.post(SUBMIT, form_data(uploads=ids, photos=upload(jpeg_bytes())))
        assert "Kirim paling banyak 3 foto." in response.content.decode()
        assert not Aspiration.objects.exists()

    def test_a_form_error_shows_the_uploaded_photos_again(self):
        client = Client()
        pk = send(client).json()["id"]
        response = client.post(SUBMIT, form_data(uploads=[pk], village=""))
        html = response.content.decode()
        assert f'name="uploads" value="{pk}"' in html
        assert reverse("pending_upload_thumbnail", args=[pk]) in html


class TestPurgeCommand:
    def test_deletes_expired_uploads_and_their_files_and_keeps_the_rest(self, media_storage):
        client = Client()
        old, fresh = (send(client).json()["id"] for _ in range(2))
        PendingUpload.objects.filter(pk=old).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        call_command("purge_pending_uploads", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert [str(pk) for pk in PendingUpload.objects.values_list("pk", flat=True)] == [fresh]
        assert len(media_names()) == 2
