"""POST requests: a report from a client system, with the web form's rules and the portal's privacy."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from aspirations import deadlines, tickets
from aspirations.models import Aspiration, AspirationEvent, Channel, EventKind, Status
from audit.models import AuditAction, AuditEntry
from open311.models import ApiClient, ApiSubmission
from open311.services import api_client_revoke
from tests.jobs import run_jobs
from tests.open311 import shapes
from tests.open311.conftest import BALAP_LIAR, error_descriptions, json_of, post, report, url, xml_of
from tests.photos import photo_upload

pytestmark = pytest.mark.django_db


def the_aspiration() -> Aspiration:
    return Aspiration.objects.get()


class TestCreated:
    def test_xml_answer_has_the_public_id_and_the_ticket_code(self, api_client):
        response = post(api_client.key)
        assert response.status_code == 200
        root = xml_of(response)
        shapes.assert_shape(root, shapes.POST_RESPONSE)
        request = root.find("request")
        aspiration = the_aspiration()
        assert request.findtext("service_request_id") == aspiration.public_id
        assert request.findtext("ticket_code") == aspiration.code
        assert request.find("token") is None
        assert response["Cache-Control"] == "no-store"

    def test_json_answer(self, api_client):
        answer = json_of(post(api_client.key, "json"))
        aspiration = the_aspiration()
        assert answer == [
            {
                "service_request_id": aspiration.public_id,
                "service_notice": answer[0]["service_notice"],
                "account_id": None,
                "ticket_code": aspiration.code,
            }
        ]
        due = timezone.localtime(aspiration.verification_due).strftime("%Y-%m-%d")
        assert due in answer[0]["service_notice"]

    def test_the_aspiration_is_stored_like_one_from_the_web_form(self, api_client):
        before = timezone.now()
        post(api_client.key)
        aspiration = the_aspiration()
        assert aspiration.channel == Channel.API
        assert aspiration.sent_via == "Aplikasi Desa Krangkeng"
        assert aspiration.status == Status.BARU
        assert aspiration.category.slug == "geng-motor-tawuran"
        assert aspiration.village.name == "Krangkeng"
        assert aspiration.type == "keluhan"
        assert aspiration.description == BALAP_LIAR
        assert aspiration.title == BALAP_LIAR  # short enough to be its own title
        assert aspiration.is_anonymous
        assert aspiration.consent_given_at is None
        assert aspiration.verification_due == deadlines.verification_due(aspiration.submitted_at)
        assert aspiration.submitted_at >= before
        assert tickets.is_valid(aspiration.code)
        assert aspiration.ip_hash
        assert not aspiration.is_spam_suspected
        assert AspirationEvent.objects.filter(aspiration=aspiration, kind=EventKind.CREATED).exists()
        submission = ApiSubmission.objects.get()
        assert submission.client == api_client
        api_client.refresh_from_db()
        assert api_client.last_used_at == aspiration.submitted_at

    def test_the_staff_timeline_says_via_api(self, api_client, operator):
        post(api_client.key)
        client = Client()
        client.force_login(operator)
        aspiration = the_aspiration()
        page = client.get(aspiration.get_absolute_url()).content.decode()
        assert "melalui API: Aplikasi Desa Krangkeng" in page
        assert f"dari Aplikasi Desa Krangkeng, id API {aspiration.public_id}" in page  # what the client calls it

    def test_is_audited_with_the_key_used(self, api_client):
        post(api_client.key)
        entry = AuditEntry.objects.get(action=AuditAction.API_REQUEST)
        aspiration = the_aspiration()
        assert entry.actor is None
        assert entry.actor_username == "API: Aplikasi Desa Krangkeng"
        assert entry.target_id == str(aspiration.pk)
        assert api_client.key_prefix in entry.summary
        assert aspiration.public_id in entry.summary
        assert api_client.key not in entry.summary
        assert entry.ip_hash

    def test_title_type_and_time_from_attributes(self, api_client):
        occurred = (timezone.now() - datetime.timedelta(hours=3)).replace(microsecond=0)
        post(
            api_client.key,
            **{
                "attribute[title]": "Balap liar",
                "attribute[type]": "laporan_kejadian",
                "attribute[occurred_at]": timezone.localtime(occurred).isoformat(),
            },
        )
        aspiration = the_aspiration()
        assert (aspiration.title, aspiration.type, aspiration.occurred_at) == (
            "Balap liar",
            "laporan_kejadian",
            occurred,
        )

    def test_a_long_description_gives_a_cut_title(self, api_client):
        description = "Kata " * 60
        post(api_client.key, description=description)
        title = the_aspiration().title
        assert len(title) <= 120
        assert title.endswith("…")

    def test_without_a_type_it_is_a_complaint(self, api_client):
        body = report()
        del body["attribute[type]"]
        Client().post(url("requests"), {"api_key": api_client.key, **body})
        assert the_aspiration().type == "keluhan"

    def test_the_jurisdiction_may_be_named(self, api_client):
        assert post(api_client.key, jurisdiction_id="krangkeng").status_code == 200


class TestLocation:
    def test_village_from_the_nearest_centre(self, api_client):
        body = report(lat="-6.47371234", long="108.50149876")
        del body["attribute[village]"]
        Client().post(url("requests"), {"api_key": api_client.key, **body})
        aspiration = the_aspiration()
        assert aspiration.village.name == "Tanjakan"
        # Staff see the point the client sent (six decimals); the API never shows it.
        assert str(aspiration.latitude) == "-6.473712"
        assert str(aspiration.longitude) == "108.501499"

    def test_a_point_far_from_every_village_is_outside(self, api_client):
        body = report(lat="-6.2", long="106.8")  # Jakarta
        del body["attribute[village]"]
        Client().post(url("requests"), {"api_key": api_client.key, **body})
        assert the_aspiration().village is None

    def test_village_named_in_the_address(self, api_client):
        body = report(address_string="Blok Pasar, Desa Dukuh Jati, Krangkeng")
        del body["attribute[village]"]
        Client().post(url("requests"), {"api_key": api_client.key, **body})
        aspiration = the_aspiration()
        assert aspiration.village.name == "Dukuhjati"
        assert aspiration.place == "Blok Pasar, Desa Dukuh Jati, Krangkeng"

    def test_outside_krangkeng(self, api_client):
        post(api_client.key, **{"attribute[village]": "luar"})
        assert the_aspiration().village is None


def refused(response, status: int) -> list[str]:
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    shapes.assert_shape(xml_of(response), shapes.ERRORS)
    assert [error.findtext("code") for error in xml_of(response)] == [str(status)] * len(xml_of(response))
    assert not Aspiration.objects.exists()
    return error_descriptions(response)


class TestRefused:
    @pytest.mark.parametrize("key", ["", "krk311_not-a-real-key"])
    def test_a_missing_or_wrong_key_is_a_403(self, api_client, key):
        assert refused(post(key), 403) == ["api_key: tidak ada atau tidak sah."]

    def test_a_revoked_key_is_a_403(self, api_client, key_admin):
        api_client_revoke(actor=key_admin, client=api_client)
        refused(post(api_client.key), 403)

    def test_a_refused_key_is_audited_without_the_key(self, api_client):
        post("krk311_guess")
        entry = AuditEntry.objects.get(action=AuditAction.API_REQUEST)
        assert "refused: api_key" in entry.summary
        assert "krk311_guess" not in entry.summary

    def test_an_invalid_post_is_audited_with_the_key_but_not_the_data(self, api_client):
        post(api_client.key, description="<b>x</b>", phone="081234567890")
        entry = AuditEntry.objects.get(action=AuditAction.API_REQUEST)
        assert api_client.key_prefix in entry.summary
        assert "refused: description, attribute[identity]" in entry.summary
        assert "081234567890" not in entry.summary

    def test_a_json_post_is_refused_in_json(self, api_client):
        response = post("", "json")
        assert response.status_code == 403
        assert json_of(response) == [{"code": 403, "description": "api_key: tidak ada atau tidak sah."}]

    def test_missing_service_code_is_a_400(self, api_client):
        assert refused(post(api_client.key, service_code=""), 400) == ["service_code: Bidang ini tidak boleh kosong."]

    def test_unknown_service_code_is_a_404(self, api_client):
        assert refused(post(api_client.key, service_code="tidak-ada"), 404) == ["service_code: Layanan tidak ada."]

    def test_unknown_jurisdiction_is_a_404(self, api_client):
        refused(post(api_client.key, jurisdiction_id="polsek-lain"), 404)

    def test_no_location_is_a_400(self, api_client):
        body = report()
        del body["attribute[village]"]
        response = Client().post(url("requests"), {"api_key": api_client.key, **body})
        assert len(refused(response, 400)) == 1

    def test_address_id_alone_is_a_400(self, api_client):
        body = report(address_id="545483")
        del body["attribute[village]"]
        response = Client().post(url("requests"), {"api_key": api_client.key, **body})
        assert "address_id" in refused(response, 400)[0]

    def test_lat_without_long_is_a_400(self, api_client):
        refused(post(api_client.key, lat="-6.49"), 400)

    def test_lat_out_of_range_is_a_400(self, api_client):
        assert refused(post(api_client.key, lat="91", long="108.5"), 400)[0].startswith("lat: ")

    def test_unknown_village_code_is_a_400(self, api_client):
        descriptions = refused(post(api_client.key, **{"attribute[village]": "32.12.09.9999"}), 400)
        assert descriptions[0].startswith("attribute[village]: ")

    def test_unknown_report_type_is_a_400(self, api_client):
        assert refused(post(api_client.key, **{"attribute[type]": "gosip"}), 400)[0].startswith("attribute[type]: ")

    def test_html_in_the_description_is_a_400(self, api_client):
        assert refused(post(api_client.key, description="Lihat <script>alert(1)</script> ini"), 400)[0].startswith(
            "description: "
        )

    def test_a_description_over_4000_characters_is_a_400(self, api_client):
        refused(post(api_client.key, description="a" * 4001), 400)

    def test_a_missing_description_is_a_400(self, api_client):
        refused(post(api_client.key, description=""), 400)

    def test_a_future_time_is_a_400(self, api_client):
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        refused(post(api_client.key, **{"attribute[occurred_at]": tomorrow}), 400)

    def test_the_post_body_must_be_form_data(self, api_client):
        response = Client().post(
            url("requests"), data=f'{{"api_key": "{api_client.key}"}}', content_type="application/json"
        )
        assert response.status_code == 403  # no api_key parameter in a form body


class TestIdentity:
    def test_contact_details_with_consent_are_stored(self, api_client):
        post(
            api_client.key,
            first_name="Siti",
            last_name="Aminah",
            phone="0812-3456-7890",
            email="siti@contoh.id",
            **{"attribute[identity]": "kontak", "attribute[consent]": "ya"},
        )
        aspiration = the_aspiration()
        assert (aspiration.reporter_name, aspiration.reporter_phone, aspiration.reporter_email) == (
            "Siti Aminah",
            "081234567890",
            "siti@contoh.id",
        )
        assert aspiration.consent_given_at == aspiration.submitted_at

    def test_the_ticket_code_is_emailed_to_a_resident_who_gave_an_address(self, api_client):
        post(
            api_client.key,
            first_name="Siti",
            phone="081234567890",
            email="siti@contoh.id",
            **{"attribute[identity]": "kontak", "attribute[consent]": "ya"},
        )
        run_jobs()
        assert [message.to for message in mail.outbox] == [["siti@contoh.id"]]
        assert the_aspiration().code in mail.outbox[0].body

    def test_contact_details_without_the_identified_choice_are_refused(self, api_client):
        descriptions = refused(post(api_client.key, first_name="Siti", phone="081234567890"), 400)
        assert descriptions[0].startswith("attribute[identity]: ")

    def test_identified_without_consent_is_refused(self, api_client):
        descriptions = refused(
            post(api_client.key, first_name="Siti", phone="081234567890", **{"attribute[identity]": "kontak"}), 400
        )
        assert descriptions[0].startswith("attribute[consent]: ")

    def test_identified_needs_a_name_and_a_phone(self, api_client):
        descriptions = refused(
            post(api_client.key, **{"attribute[identity]": "kontak", "attribute[consent]": "ya"}), 400
        )
        assert [text.split(":")[0] for text in descriptions] == ["first_name", "phone"]

    def test_a_bad_phone_is_refused(self, api_client):
        body = {"attribute[identity]": "kontak", "attribute[consent]": "ya"}
        refused(post(api_client.key, first_name="Siti", phone="tel. rumah", **body), 400)

    def test_device_and_account_ids_are_ignored(self, api_client):
        post(api_client.key, device_id="tt222111", account_id="123456")
        assert the_aspiration().is_anonymous


class TestMedia:
    def test_a_photo_goes_through_the_image_pipeline(self, api_client):
        response = Client().post(url("requests"), {"api_key": api_client.key, **report(), "media": photo_upload()})
        assert response.status_code == 200
        attachment = the_aspiration().attachments.get()
        assert attachment.content_type == "image/jpeg"
        assert attachment.image.name.endswith(".jpg")

    def test_a_file_that_is_not_a_photo_is_a_400(self, api_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
        response = Client().post(url("requests"), {"api_key": api_client.key, **report(), "media": fake})
        assert refused(response, 400)[0].startswith("media: ")

    def test_media_url_is_never_fetched(self, api_client, monkeypatch):
        import socket

        def no_network(*args, **kwargs):
            raise AssertionError("the server tried to open a connection")

        monkeypatch.setattr(socket, "create_connection", no_network)
        monkeypatch.setattr(socket.socket, "connect", no_network)
        response = post(api_client.key, media_url="http://192.0.2.1/foto.jpg")
        assert response.status_code == 200
        assert not the_aspiration().attachments.exists()


class TestModeration:
    def test_a_link_holds_the_report_and_answers_with_a_token(self, api_client):
        response = post(api_client.key, description="Lihat videonya di https://contoh.id/video balap liar")
        request = xml_of(response).find("request")
        submission = ApiSubmission.objects.get()
        assert request.find("service_request_id") is None
        assert request.findtext("token") == submission.token
        assert request.findtext("ticket_code") == submission.aspiration.code
        aspiration = the_aspiration()
        assert aspiration.is_spam_suspected
        assert aspiration.spam_signals == "api_link"

    def test_the_same_text_twice_in_a_day_is_held(self, api_client):
        post(api_client.key)
        second = json_of(post(api_client.key, "json"))[0]
        assert "token" in second
        assert Aspiration.objects.filter(spam_signals="api_repeat").count() == 1


class TestRateLimits:
    def test_per_key(self, api_client, settings):
        ApiClient.objects.filter(pk=api_client.pk).update(rate_limit_per_hour=2)
        assert [post(api_client.key).status_code for _ in range(2)] == [200, 200]
        response = post(api_client.key, description="Laporan ketiga dalam satu jam dari klien ini.")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        shapes.assert_shape(xml_of(response), shapes.ERRORS)
        assert Aspiration.objects.count() == 2

    def test_per_key_not_per_address(self, api_client, key_admin):
        from tests.open311.conftest import new_client

        _other, other_key = new_client(key_admin, name="Sistem Kecamatan")
        ApiClient.objects.filter(pk=api_client.pk).update(rate_limit_per_hour=1)
        assert post(api_client.key).status_code == 200
        assert post(other_key).status_code == 200

    def test_per_address(self, api_client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "open311_post": (2, 3600)}
        assert [post("krk311_guess").status_code for _ in range(2)] == [403, 403]
        assert post(api_client.key).status_code == 429

    def test_reads_per_address(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "open311_read": (1, 600)}
        assert client.get(url("services")).status_code == 200
        assert client.get(url("services")).status_code == 429
