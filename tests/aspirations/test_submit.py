"""The public Sampaikan Aspirasi form: validation, identity, spam signals, photos, limits."""

import io
import re
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation
from PIL import Image

from aspirations import views
from aspirations.forms import ANONYMOUS, IDENTIFIED, OUTSIDE_KRANGKENG, started_token
from aspirations.models import (
    Aspiration,
    AspirationEvent,
    Attachment,
    Category,
    Channel,
    EventKind,
    Notification,
    Status,
)
from core.images import MAX_UPLOAD_BYTES
from tests.aspirations.conftest import form_data, identified_data, status_link_in, stored_files
from tests.jobs import run_jobs
from tests.photos import (
    GPS_IFD,
    HTML_PAYLOAD,
    jpeg_bytes,
    png_header_only,
    png_html_polyglot,
    png_zero_bomb,
    upload,
)

URL = reverse("aspirations:submit")
pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    return response.context["form"].errors


def field_error_shown(html: str, field: str) -> bool:
    """crispy renders each error right under its field, with an id tied to it."""
    return f'id="error_1_id_{field}"' in html


class TestFormPage:
    def test_shows_the_form_in_indonesian_with_the_other_channels(self, client):
        response = client.get(URL)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Sampaikan Aspirasi" in html
        assert 'href="tel:110"' in html
        assert "dumaspresisi.polri.go.id" in html and "Dumas Presisi" in html
        assert "lapor.go.id" in html and "SP4N-LAPOR!" in html
        # The notice comes before the form.
        assert html.index("Dumas Presisi") < html.index('id="aspiration-form"')
        assert 'enctype="multipart/form-data"' in html

    def test_anonymous_is_the_default_and_the_purpose_notice_is_shown(self, client):
        html = client.get(URL).content.decode()
        assert re.search(rf'value="{ANONYMOUS}"[^>]*checked', html)
        assert not re.search(rf'value="{IDENTIFIED}"[^>]*checked', html)
        assert 'id="privacy-notice"' in html
        assert "27 Tahun 2022" in html
        assert 'name="consent"' in html

    def test_the_honeypot_is_hidden_without_inline_style(self, client):
        html = client.get(URL).content.decode()
        assert 'class="krk-hp"' in html and 'aria-hidden="true"' in html
        assert 'name="website"' in html
        assert "style=" not in html and "<script>" not in html

    def test_offers_the_villages_and_outside_krangkeng(self, client):
        html = client.get(URL).content.decode()
        assert html.count("<option") == 1 + 11 + 1 + 1 + Category.objects.filter(is_active=True).count()
        assert f'value="{OUTSIDE_KRANGKENG}"' in html
        assert "Luar Kecamatan Krangkeng" in html

    def test_english_is_available(self, client):
        client.post(reverse("set_language"), {"language": "en", "next": URL})
        html = client.get(URL).content.decode()
        assert "Send an Aspiration" in html and "Keep my identity secret (anonymous)" in html
        assert "Neighbourhood security and theft" in html
        translation.activate("id")

    def test_retired_categories_are_not_offered(self, client):
        Category.objects.filter(slug="narkoba").update(is_active=False)
        assert "Narkoba" not in client.get(URL).content.decode()

    def test_reads_the_choices_once_whatever_their_number(self, client, django_assert_num_queries):
        with django_assert_num_queries(3):  # the kecamatan, categories and the kecamatan's villages, then kept
            client.get(URL)
        with django_assert_num_queries(0):
            client.get(URL)
        for number in range(20):
            Category.objects.create(slug=f"extra-{number}", name=f"Tambahan {number}")
        with django_assert_num_queries(3):  # an edit drops the kept lists
            html = client.get(URL).content.decode()
        assert "Tambahan 19" in html
        with django_assert_num_queries(0):
            client.get(URL)


class TestAnonymousSubmission:
    def test_costs_one_transaction_of_two_inserts(self, client, django_assert_num_queries):
        client.get(URL)  # the villages and categories, kept
        data = form_data()
        # full_clean() checks 9 CheckConstraints (7 of the aspiration, 2 of its first event), a
        # query each, in a savepoint here (tests run in a transaction); then the insert's
        # savepoint (a transaction outside tests), 2 INSERTs and the release. An anonymous
        # report asks for no messages: no notification, no job.
        with django_assert_num_queries(9 * 3 + 4):
            response = client.post(URL, data)
        assert response.status_code == 302
        assert Aspiration.objects.count() == 1

    def test_is_stored_and_redirects_to_the_ticket_page(self, client):
        response = client.post(URL, form_data())
        assert response.status_code == 302
        assert response["Location"] == reverse("aspirations:submitted")
        aspiration = Aspiration.objects.get()
        assert aspiration.status == Status.BARU
        assert aspiration.channel == Channel.WEB
        assert aspiration.type == "keluhan"
        assert aspiration.village.name == "Krangkeng"
        assert aspiration.is_anonymous
        assert aspiration.consent_given_at is None
        assert aspiration.created_by is None
        assert not aspiration.is_spam_suspected
        assert aspiration.verification_due > aspiration.submitted_at

    def test_writes_the_first_public_timeline_event(self, client):
        client.post(URL, form_data())
        event = AspirationEvent.objects.get()
        assert (event.kind, event.to_status, event.is_public, event.author) == (EventKind.CREATED, "baru", True, None)

    def test_stores_only_a_keyed_hash_of_the_address(self, client):
        client.post(URL, form_data(), REMOTE_ADDR="203.0.113.45")
        aspiration = Aspiration.objects.get()
        assert re.fullmatch(r"[0-9a-f]{64}", aspiration.ip_hash)
        assert "203.0.113.45" not in str(Aspiration.objects.values().get())

    def test_outside_krangkeng_leaves_the_village_empty(self, client):
        client.post(URL, form_data(village=OUTSIDE_KRANGKENG))
        assert Aspiration.objects.get().village is None

    def test_reads_the_time_it_happened_in_wib(self, client):
        client.post(URL, form_data(occurred_at="2025-12-06T21:30"))
        occurred = Aspiration.objects.get().occurred_at
        assert occurred.isoformat() == "2025-12-06T14:30:00+00:00"

    def test_sends_nothing(self, client):
        client.post(URL, form_data())
        assert not Notification.objects.exists()


class TestIdentifiedSubmission:
    def test_stores_identity_with_the_consent_time(self, client):
        client.post(URL, identified_data())
        aspiration = Aspiration.objects.get()
        assert aspiration.reporter_name == "Siti Aminah"
        assert aspiration.reporter_phone == "081234567890"
        assert aspiration.reporter_email == "siti@example.org"
        assert aspiration.consent_given_at is not None

    def test_emails_the_ticket_code_by_the_job(self, client, mailoutbox):
        client.post(URL, identified_data(notify_channel="email"))
        assert mailoutbox == []  # nothing leaves in the request
        run_jobs()
        code = Aspiration.objects.get().code
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["siti@example.org"]
        assert code in mail.subject and code in mail.body
        assert code not in status_link_in(mail.body)  # a one-time token, never the code
        assert "Kode tiket" in mail.body  # Indonesian by default

    def test_records_the_channel_and_the_language_of_the_form(self, client, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.post(URL, identified_data(notify_channel="whatsapp"))
        aspiration = Aspiration.objects.get()
        assert (aspiration.notify_channel, aspiration.notify_language) == ("whatsapp", "en")
        assert Notification.objects.get().channel == "whatsapp"

    def test_no_messages_unless_asked(self, client, mailoutbox):
        client.post(URL, identified_data())
        run_jobs()
        assert Aspiration.objects.get().reporter_email == "siti@example.org"
        assert mailoutbox == [] and not Notification.objects.exists()

    def test_email_messages_need_an_email_address(self, client):
        response = client.post(URL, identified_data(notify_channel="email", reporter_email=""))
        assert "notify_channel" in response.context["form"].errors
        assert not Aspiration.objects.exists()

    def test_anonymous_reporters_get_no_messages(self, client):
        # Anonymous means anonymous: a channel picked while the contact fields were hidden is dropped.
        response = client.post(URL, form_data(notify_channel="whatsapp", reporter_phone="081234567890"))
        assert response.status_code == 302
        aspiration = Aspiration.objects.get()
        assert (aspiration.notify_channel, aspiration.reporter_phone, aspiration.consent_given_at) == ("", "", None)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"consent": ""}, "consent", "Centang kotak ini"),
            ({"reporter_name": ""}, "reporter_name", "Tulis nama Anda"),
            ({"reporter_phone": ""}, "reporter_phone", "Tulis nomor telepon Anda"),
            ({"reporter_phone": "call me"}, "reporter_phone", "nomor telepon"),
            ({"reporter_email": "siti@"}, "reporter_email", "Masukkan alamat email yang valid."),
        ],
    )
    def test_contact_needs_name_phone_and_consent(self, client, overrides, field, message):
        data = identified_data()
        data.update(overrides)
        response = client.post(URL, data)
        assert response.status_code == 200
        assert field in errors_of(response)
        html = response.content.decode()
        assert field_error_shown(html, field)
        assert message in html
        assert Aspiration.objects.count() == 0

    def test_anonymous_with_identity_typed_in_stays_anonymous_without_an_error(self, client):
        data = form_data(reporter_name="Siti Aminah", reporter_phone="081234567890", consent="on")
        response = client.post(URL, data)
        assert response.status_code == 302
        aspiration = Aspiration.objects.get()
        assert (aspiration.reporter_name, aspiration.reporter_phone, aspiration.consent_given_at) == ("", "", None)

    def test_the_contact_fields_sit_under_i_want_to_be_contacted(self, client):
        html = client.get(URL).content.decode()
        contact = html.split('id="krk-contact"', 1)[1]
        assert html.index(f'value="{IDENTIFIED}"') < html.index('id="krk-contact"')
        assert 'data-krk-shown-for="kontak"' in html
        assert "Hanya jika Anda ingin dihubungi" in contact[:400]
        for name in ("reporter_name", "reporter_phone", "reporter_email", "consent"):
            assert f'name="{name}"' in contact

    def test_consent_is_not_needed_when_anonymous(self, client):
        client.post(URL, form_data(consent=""))
        assert Aspiration.objects.get().consent_given_at is None


class TestValidation:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"type": ""}, "type", "Bidang ini tidak boleh kosong."),
            ({"type": "gossip"}, "type", "Masukkan pilihan yang valid."),
            ({"category": ""}, "category", "Bidang ini tidak boleh kosong."),
            ({"category": "999999"}, "category", "Masukkan pilihan yang valid."),
            ({"title": ""}, "title", "Bidang ini tidak boleh kosong."),
            ({"title": "x" * 121}, "title", "paling banyak 120 karakter"),
            ({"description": ""}, "description", "Bidang ini tidak boleh kosong."),
            ({"description": "tolong"}, "description", "paling sedikit 10 karakter"),
            ({"description": "x" * 4001}, "description", "paling banyak 4000 karakter"),
            ({"village": ""}, "village", "Bidang ini tidak boleh kosong."),
            ({"village": "999999"}, "village", "Masukkan pilihan yang valid."),
            ({"place": "x" * 201}, "place", "paling banyak 200 karakter"),
            ({"occurred_at": "kemarin sore"}, "occurred_at", "Masukkan tanggal/waktu yang valid."),
            ({"occurred_at": "2099-01-01T10:00"}, "occurred_at", "Waktu ini belum terjadi."),
            ({"identity": "maybe"}, "identity", "Masukkan pilihan yang valid."),
        ],
    )
    def test_each_error_is_shown_next_to_its_field_in_indonesian(self, client, overrides, field, message):
        response = client.post(URL, form_data(**overrides))
        assert response.status_code == 200
        assert list(errors_of(response)) == [field]
        html = response.content.decode()
        assert field_error_shown(html, field)
        assert message in html
        assert Aspiration.objects.count() == 0

    def test_a_failed_submit_keeps_everything_typed(self, client):
        data = identified_data(
            title="",
            description="Ada pemuda mabuk setiap malam di pos ronda.",
            place="Pos ronda RT 03",
            occurred_at="2025-12-06T21:30",
            village=OUTSIDE_KRANGKENG,
        )
        html = client.post(URL, data).content.decode()
        assert "Ada pemuda mabuk setiap malam di pos ronda." in html
        assert 'value="Pos ronda RT 03"' in html
        assert 'value="2025-12-06T21:30"' in html
        assert re.search(rf'value="{OUTSIDE_KRANGKENG}"[^>]*selected', html)
        assert re.search(rf'value="{IDENTIFIED}"[^>]*checked', html)
        assert 'value="Siti Aminah"' in html and 'value="0812-3456-7890"' in html
        assert 'value="siti@example.org"' in html
        assert re.search(r'name="consent"[^>]*checked', html)
        assert re.search(r'value="keluhan"[^>]*checked', html)
        assert f'value="{data["started"]}"' in html  # the fill time still counts from the first view

    def test_a_summary_above_the_form_links_each_problem_to_its_field(self, client):
        html = client.post(URL, form_data(title="", type="", identity=IDENTIFIED)).content.decode()
        summary = html.split("data-krk-error-summary", 1)[1].split("</div>", 1)[0]
        assert html.index("data-krk-error-summary") < html.index('id="aspiration-form"')
        assert "Ada masalah" in summary
        assert 'href="#id_title">Judul: Bidang ini tidak boleh kosong.</a>' in summary
        assert 'href="#id_type_0"' in summary  # a choice links to its first option
        assert 'href="#id_reporter_name"' in summary and 'href="#id_consent"' in summary


class TestSpamSignals:
    def test_an_ordinary_submission_is_not_flagged(self, client):
        client.post(URL, form_data())
        assert Aspiration.objects.get().spam_signals == ""

    @pytest.mark.parametrize(
        ("overrides", "signal"),
        [
            (lambda: {"website": "http://cheap-pills.example"}, "honeypot"),
            (lambda: {"started": started_token()}, "too_fast"),
            (lambda: {"started": started_token(time.time() - 2)}, "too_fast"),
            (lambda: {"started": ""}, "bad_token"),
            (lambda: {"started": signing.dumps(int(time.time()) - 60, salt="another-salt")}, "bad_token"),
            (lambda: {"started": "1700000000"}, "bad_token"),
        ],
        ids=["honeypot", "at-once", "two-seconds", "no-token", "foreign-signature", "unsigned"],
    )
    def test_suspected_spam_is_kept_and_flagged_never_dropped(self, client, overrides, signal):
        response = client.post(URL, form_data(**overrides()))
        # The sender sees the ordinary success: a bot learns nothing.
        assert response.status_code == 302
        assert response["Location"] == reverse("aspirations:submitted")
        aspiration = Aspiration.objects.get()
        assert aspiration.is_spam_suspected
        assert signal in aspiration.spam_signals.split(",")

    def test_minimum_fill_time_is_a_setting(self, client, settings):
        settings.KRK_MIN_FILL_SECONDS = 0
        client.post(URL, form_data(started=started_token()))
        assert not Aspiration.objects.get().is_spam_suspected


def photo(name="foto.jpg", **kwargs):
    return upload(jpeg_bytes(**kwargs), name)


class TestPhotos:
    def test_up_to_three_photos_are_stored_re_encoded_under_random_names(self, client, media_root):
        photos = [photo("IMG_0001.jpg", gps=True), photo("IMG_0002.jpg"), photo("IMG_0003.jpg")]
        response = client.post(URL, {**form_data(), "photos": photos})
        assert response.status_code == 302
        attachments = list(Aspiration.objects.get().attachments.all())
        assert len(attachments) == 3
        files = stored_files(media_root)
        assert len(files) == 6  # photo + thumbnail each
        assert all("IMG_" not in path.name for path in files)
        assert all(path.relative_to(media_root).parts[0] == "aspirations" for path in files)
        for attachment in attachments:
            with attachment.image.open("rb") as stored:
                image = Image.open(io.BytesIO(stored.read()))
                assert image.format == "JPEG"
                assert GPS_IFD not in image.getexif()
                assert not image.getexif()

    def test_a_png_html_polyglot_is_stored_only_as_a_plain_jpeg(self, client, media_root):
        response = client.post(URL, {**form_data(), "photos": [upload(png_html_polyglot(), "x.png", "image/png")]})
        assert response.status_code == 302
        for path in stored_files(media_root):
            content = path.read_bytes()
            assert content.startswith(b"\xff\xd8")
            assert b"<script" not in content and HTML_PAYLOAD not in content

    @pytest.mark.parametrize(
        ("files", "code", "texts"),
        [
            ([upload(b"Ini bukan foto, hanya teks.\n" * 20, "foto.jpg")], "not_an_image", ["foto.jpg", "bukan foto"]),
            (
                [upload(b"\x89PNG\r\n\x1a\n" + HTML_PAYLOAD, "foto.png", "image/png")],
                "not_an_image",
                ["foto.png", "bukan foto"],
            ),
            (
                [upload(png_header_only(30000, 30000), "bom.png", "image/png")],
                "too_many_pixels",
                ["bom.png", "terlalu banyak piksel"],
            ),
            (
                [upload(png_zero_bomb(9000), "bom2.png", "image/png")],
                "too_many_pixels",
                ["bom2.png", "terlalu banyak piksel"],
            ),
            (
                [upload(b"\xff\xd8\xff" + b"\x00" * (MAX_UPLOAD_BYTES + 1), "besar.jpg")],
                "too_large",
                ["besar.jpg", "terlalu besar"],
            ),
            (
                [photo("1.jpg"), photo("2.jpg"), photo("3.jpg"), photo("4.jpg")],
                "too_many_files",
                ["paling banyak 3 foto"],
            ),
            (
                [photo("baik.jpg"), upload(b"%PDF-1.4 not a photo", "dok.jpg")],
                "not_an_image",
                ["dok.jpg", "bukan foto"],
            ),
        ],
        ids=["text-named-jpg", "html-named-png", "bomb-header", "bomb-real", "oversize", "fourth-photo", "one-bad"],
    )
    def test_attacks_are_form_errors_in_indonesian_and_nothing_is_stored(self, client, media_root, files, code, texts):
        response = client.post(URL, {**form_data(), "photos": files})
        assert response.status_code == 200
        assert list(errors_of(response)) == ["photos"]
        assert [error.code for error in errors_of(response).as_data()["photos"]] == [code]
        html = response.content.decode()
        assert field_error_shown(html, "photos")
        shown = html[html.index('id="error_1_id_photos"') :][:400]
        for text in texts:
            assert text in shown
        assert Aspiration.objects.count() == 0
        assert Attachment.objects.count() == 0
        assert stored_files(media_root) == []

    def test_after_any_error_the_photos_must_be_chosen_again_and_it_says_so(self, client, media_root):
        response = client.post(URL, {**form_data(title=""), "photos": [photo()]})
        html = response.content.decode()
        help_text = html[html.index('id="id_photos_helptext"') :][:300]
        assert "silakan pilih lagi fotonya" in help_text
        assert stored_files(media_root) == []

    def test_no_note_about_photos_when_none_were_sent(self, client):
        html = client.post(URL, form_data(title="")).content.decode()
        assert "pilih lagi" not in html


class TestLimits:
    def test_submissions_are_rate_limited_per_address_with_a_polite_page(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_submit": (2, 3600)}
        assert client.post(URL, form_data()).status_code == 302
        assert client.post(URL, form_data(title="")).status_code == 200  # failed submits count too
        response = client.post(URL, form_data())
        assert response.status_code == 429
        assert "Kami menerima banyak permintaan" in response.content.decode()
        assert int(response["Retry-After"]) > 0
        assert Aspiration.objects.count() == 1
        # Another address is not affected, and showing the form is never limited.
        assert client.post(URL, form_data(), REMOTE_ADDR="198.51.100.9").status_code == 302
        assert client.get(URL).status_code == 200

    def test_the_benchmark_source_can_be_exempted(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_submit": (1, 3600)}
        settings.KRK_RATELIMIT_EXEMPT_IPS = ["127.0.0.1"]
        assert [client.post(URL, form_data()).status_code for _ in range(3)] == [302, 302, 302]

    def test_an_oversized_request_is_refused_unread(self, client):
        response = client.post(URL, form_data(), CONTENT_LENGTH=str(views.MAX_BODY_BYTES + 1))
        assert response.status_code == 413
        assert Aspiration.objects.count() == 0

    def test_request_size_settings_fit_three_ten_megabyte_photos(self, settings):
        assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= 4  # a fourth photo is a form error, not a 400
        assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024  # big photos go to disk
        assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
        assert views.MAX_BODY_BYTES >= 3 * MAX_UPLOAD_BYTES

    def test_only_get_and_post(self, client):
        assert client.put(URL).status_code == 405
