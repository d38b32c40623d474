"""Catat Patroli: the form page, its defaults, its validation and its photo handling."""

import datetime
import io
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from patrols.models import ImbauanTopic, Patrol, PatrolPhoto
from tests.conftest import client_for
from tests.factories import village
from tests.patrols.conftest import local, log, stored_files
from tests.photos import (
    HTML_PAYLOAD,
    jpeg_bytes,
    png_header_only,
    png_html_polyglot,
    upload,
)

pytestmark = pytest.mark.django_db

URL = reverse("patrols:patrol_create")


class TestPatrolCreatePage:
    def test_defaults_to_me_my_village_and_now(self, bhabin):
        response = client_for(bhabin).get(URL)
        assert response.status_code == 200
        form = response.context["form"]
        assert form["leader"].value() == bhabin.pk
        assert form["village"].value() == village("Krangkeng").pk
        assert form["duration"].value() == "60"  # started an hour ago, ended now
        assert form["started_at"].value() is None
        assert form["situation"].value() == "aman"

    def test_the_times_sit_under_the_other_duration(self, bhabin):
        html = client_for(bhabin).get(URL).content.decode()
        assert html.index('name="duration"') < html.index('data-krk-shown-for="lain"') < html.index('name="started_at"')

    def test_is_a_phone_form_with_photo_upload_and_optional_gps(self, bhabin):
        response = client_for(bhabin).get(URL)
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert 'type="datetime-local"' in html
        assert 'accept="image/jpeg,image/png,image/webp"' in html
        assert "data-krk-gps" in html and "d-none" in html  # hidden until the script shows it
        assert "patrols/patrol_form.js" in html
        assert "geolocation=(self)" in response["Permissions-Policy"]
        assert "Catat Patroli" in html

    def test_only_roles_that_log_patrols(self, operator, commander):
        assert client_for(operator).get(URL).status_code == 403
        assert client_for(commander).get(URL).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_retired_topics_are_not_offered(self, bhabin):
        ImbauanTopic.objects.filter(slug="pemilu").update(is_active=False)
        html = client_for(bhabin).get(URL).content.decode()
        assert "Pemilu" not in html
        assert "Judi online" in html


class TestPatrolCreateDuration:
    @pytest.mark.parametrize(("duration", "minutes"), [("30", 30), ("60", 60), ("120", 120)])
    def test_a_duration_makes_a_patrol_that_ended_now(self, bhabin, patrol_post, duration, minutes):
        before = timezone.now()
        data = patrol_post(duration=duration, started_at=None, ended_at=None)
        response = client_for(bhabin).post(URL, data)
        patrol = Patrol.objects.get()
        assert response.status_code == 302
        assert patrol.ended_at.replace(second=0) <= before <= patrol.ended_at + datetime.timedelta(minutes=1)
        assert patrol.ended_at - patrol.started_at == datetime.timedelta(minutes=minutes)

    def test_given_times_win_over_the_duration(self, bhabin, patrol_post):
        client_for(bhabin).post(
            URL, patrol_post(duration="30", started_at="2024-05-20T08:00", ended_at="2024-05-20T10:30")
        )
        patrol = Patrol.objects.get()
        assert patrol.ended_at - patrol.started_at == datetime.timedelta(hours=2, minutes=30)

    def test_other_needs_both_times(self, bhabin, patrol_post):
        response = client_for(bhabin).post(URL, patrol_post(duration="lain", started_at=None, ended_at=None))
        errors = response.context["form"].errors
        assert errors["started_at"] == errors["ended_at"] == ["Bidang ini tidak boleh kosong."]
        assert not Patrol.objects.exists()

    def test_problems_are_summed_up_above_the_form_with_links(self, bhabin, patrol_post):
        html = (
            client_for(bhabin).post(URL, patrol_post(duration="lain", started_at=None, ended_at=None)).content.decode()
        )
        summary = html.split("data-krk-error-summary", 1)[1].split("</div>", 1)[0]
        assert 'href="#id_started_at"' in summary and 'href="#id_ended_at"' in summary

    def test_one_time_alone_is_not_enough(self, bhabin, patrol_post):
        response = client_for(bhabin).post(URL, patrol_post(duration="60", ended_at=None))
        assert "ended_at" in response.context["form"].errors
        assert not Patrol.objects.exists()


class TestPatrolCreateSubmit:
    def test_saves_and_redirects_to_the_patrol(self, bhabin, other_bhabin, patrol_post):
        topic = ImbauanTopic.objects.get(slug="narkoba")
        data = patrol_post(members=[other_bhabin.pk, bhabin.pk], topics=[topic.pk], latitude="-6.487612")
        data["longitude"] = "108.503145"
        response = client_for(bhabin).post(URL, data, follow=True)
        patrol = Patrol.objects.get()
        assert response.redirect_chain == [(patrol.get_absolute_url(), 302)]
        assert "Patroli tersimpan" in response.content.decode()
        assert patrol.created_by == patrol.leader == bhabin
        assert list(patrol.members.all()) == [other_bhabin]
        assert list(patrol.topics.all()) == [topic]
        assert str(patrol.latitude) == "-6.487612"
        assert patrol.residents_met == 12

    def test_times_are_read_as_wib(self, bhabin, patrol_post):
        client_for(bhabin).post(URL, patrol_post(started_at="2024-05-20T08:00", ended_at="2024-05-20T10:30"))
        patrol = Patrol.objects.get()
        assert patrol.started_at == datetime.datetime(2024, 5, 20, 1, 0, tzinfo=datetime.UTC)
        assert patrol.duration == datetime.timedelta(hours=2, minutes=30)

    def test_end_before_start_is_explained_in_indonesian(self, bhabin, patrol_post):
        now = timezone.now()
        data = patrol_post(
            started_at=local(now - datetime.timedelta(hours=1)), ended_at=local(now - datetime.timedelta(hours=2))
        )
        response = client_for(bhabin).post(URL, data)
        assert response.status_code == 200
        assert response.context["form"].errors["ended_at"] == ["Waktu selesai harus setelah waktu mulai."]
        assert not Patrol.objects.exists()

    def test_future_is_refused(self, bhabin, patrol_post):
        now = timezone.now()
        data = patrol_post(
            started_at=local(now + datetime.timedelta(hours=1)), ended_at=local(now + datetime.timedelta(hours=2))
        )
        response = client_for(bhabin).post(URL, data)
        assert "Waktu mulai tidak boleh di masa depan." in response.context["form"].errors["started_at"]
        assert not Patrol.objects.exists()

    def test_at_least_one_officer_leads(self, bhabin, patrol_post):
        response = client_for(bhabin).post(URL, patrol_post(leader=""))
        assert response.context["form"].errors["leader"] == ["Bidang ini tidak boleh kosong."]
        assert not Patrol.objects.exists()

    def test_the_leader_must_be_an_officer_of_the_unit(self, bhabin, operator, patrol_post):
        response = client_for(bhabin).post(URL, patrol_post(leader=operator.pk))
        assert "leader" in response.context["form"].errors
        assert not Patrol.objects.exists()

    def test_english_users_get_english_errors(self, bhabin, patrol_post):
        client = client_for(bhabin)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = client.post(URL, patrol_post(summary=""))
        assert response.context["form"].errors["summary"] == ["This field is required."]

    def test_photo_is_stored_upright_without_exif_or_gps(self, bhabin, patrol_post):
        photo = upload(jpeg_bytes(200, 100, orientation=6, gps=True), "IMG_2041.jpg")
        client_for(bhabin).post(URL, patrol_post(photos=[photo]))
        stored = PatrolPhoto.objects.get()
        with stored.image.open("rb") as handle:
            raw = handle.read()
        image = Image.open(io.BytesIO(raw))
        assert image.size == (100, 200)
        assert not image.getexif()
        assert b"Exif" not in raw and b"Galaxy" not in raw
        assert "IMG_2041" not in stored.image.name

    def test_polyglot_is_stored_only_as_a_clean_jpeg(self, bhabin, patrol_post):
        client_for(bhabin).post(URL, patrol_post(photos=[upload(png_html_polyglot(), "foto.png", "image/png")]))
        stored = PatrolPhoto.objects.get()
        for field in (stored.image, stored.thumbnail):
            with field.open("rb") as handle:
                raw = handle.read()
            assert raw.startswith(b"\xff\xd8")
            assert HTML_PAYLOAD not in raw and b"<script" not in raw


def six_photos():
    return [upload(jpeg_bytes(64, 64), f"{n}.jpg") for n in range(6)]


BAD_UPLOADS = {
    "decompression bomb": lambda: [upload(png_header_only(50_000, 50_000), "bom.png", "image/png")],
    "text file named .jpg": lambda: [upload(b"bukan foto\n" * 50, "foto.jpg")],
    "oversize file": lambda: [upload(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "besar.jpg")],
    "truncated photo": lambda: [upload(jpeg_bytes(800, 600)[:3000], "putus.jpg")],
    "sixth photo": six_photos,
    "one bad among good": lambda: [upload(jpeg_bytes(), "baik.jpg"), upload(b"x" * 100, "jahat.jpg")],
}
EXPECTED_ERROR = {
    "decompression bomb": "terlalu banyak piksel",
    "text file named .jpg": "bukan foto yang dapat dibaca",
    "oversize file": "terlalu besar",
    "truncated photo": "rusak atau tidak lengkap",
    "sixth photo": "paling banyak 5 foto",
    "one bad among good": "jahat.jpg: Berkas ini bukan foto",
}


class TestPatrolCreateRefusesBadPhotos:
    @pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
    def test_form_error_and_nothing_stored(self, bhabin, patrol_post, case):
        response = client_for(bhabin).post(URL, patrol_post(photos=BAD_UPLOADS[case]()))
        assert response.status_code == 200
        errors = response.context["form"].errors["photos"]
        assert any(EXPECTED_ERROR[case] in error for error in errors), errors
        assert EXPECTED_ERROR[case] in response.content.decode()
        assert not Patrol.objects.exists()
        assert not PatrolPhoto.objects.exists()
        assert stored_files() == []


class TestPatrolSentTwice:
    """Catat Patroli's idempotency key: a retry (a lost answer, an outbox sending again) stores one patrol."""

    def test_the_form_carries_a_fresh_key_and_the_edit_form_none(self, bhabin):
        client = client_for(bhabin)
        keys = [
            re.search(r'name="idempotency_key" value="([^"]+)"', client.get(URL).content.decode()).group(1)
            for _ in range(2)
        ]
        assert keys[0] != keys[1] and all(uuid.UUID(key) for key in keys)
        patrol = log(bhabin)
        assert "idempotency_key" not in client.get(reverse("patrols:patrol_edit", args=[patrol.pk])).content.decode()

    def test_the_same_key_stores_one_patrol_and_leads_to_it_twice(self, bhabin, patrol_post):
        client, data = client_for(bhabin), patrol_post(idempotency_key=str(uuid.uuid4()))
        first = client.post(URL, {**data, "photos": [upload(jpeg_bytes(), "a.jpg")]}, follow=True)
        again = client.post(URL, {**data, "photos": [upload(jpeg_bytes(), "b.jpg")]}, follow=True)
        patrol = Patrol.objects.get()
        assert first.redirect_chain == again.redirect_chain == [(patrol.get_absolute_url(), 302)]
        assert "Patroli tersimpan" in again.content.decode()
        assert PatrolPhoto.objects.count() == 1 and len(stored_files()) == 2  # the photo and its thumbnail

    def test_a_key_another_officer_used_gives_them_their_own_patrol(self, bhabin, other_bhabin, patrol_post):
        key = str(uuid.uuid4())
        client_for(bhabin).post(URL, patrol_post(idempotency_key=key))
        theirs = Patrol.objects.get()
        data = patrol_post(idempotency_key=key, leader=other_bhabin.pk, village=village("Tanjakan").pk)
        response = client_for(other_bhabin).post(URL, data)
        mine = Patrol.objects.exclude(pk=theirs.pk).get()
        assert mine.created_by == other_bhabin
        assert response["Location"] == mine.get_absolute_url() != theirs.get_absolute_url()

    def test_two_sends_racing_with_one_key_store_one_patrol(self, bhabin):
        # Both passed the view's look-up; the unique constraint refuses the second insert.
        key = uuid.uuid4()
        first = log(bhabin, idempotency_key=key)
        second = log(bhabin, idempotency_key=key, place="Dikirim lagi")
        assert second.pk == first.pk and Patrol.objects.count() == 1
