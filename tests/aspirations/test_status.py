"""Cek Status: look-up by ticket code, no oracle, nothing personal."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aspirations import deadlines, tickets
from aspirations.models import AspirationEvent, EventKind, RejectionReason, Status
from aspirations.services import aspiration_submit
from core import roles
from tests.aspirations.conftest import look_up_status as look_up
from tests.factories import AspirationFactory, OfficerFactory, category, neighbour_village, village

URL = reverse("aspirations:status")
pytestmark = pytest.mark.django_db


def unknown_code() -> str:
    return tickets.format_code("ZZZZZZZZ")


def wrong_check(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("0" if last != "0" else "1")


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


class TestLookup:
    def test_the_empty_page_asks_for_the_code(self, client):
        response = client.get(URL)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'name="kode"' in html and 'id="status-result"' not in html
        assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in html

    def test_a_right_code_shows_the_public_status(self, client):
        aspiration = AspirationFactory(village=village("Tanjakan"), category=category("narkoba"), type="keluhan")
        html = look_up(client, aspiration.code).content.decode()
        assert aspiration.code in html
        assert "Menunggu Verifikasi" in html
        assert "Keluhan" in html and "Narkoba" in html and "Tanjakan" in html
        assert "Batas Waktu Verifikasi" in html
        assert "Aspirasi diterima" in html

    @pytest.mark.parametrize(
        "sloppy",
        [
            lambda code: code.lower(),
            lambda code: code.replace("-", " "),
            lambda code: code.replace("-", "")[3:].lower(),
            lambda code: f"  {code}  ",
        ],
        ids=["lower", "spaces", "no-prefix-no-dashes", "padded"],
    )
    def test_a_sloppy_code_is_forgiven(self, client, sloppy):
        aspiration = AspirationFactory()
        html = look_up(client, sloppy(aspiration.code)).content.decode()
        assert "Menunggu Verifikasi" in html
        assert aspiration.code in html

    def test_look_alike_letters_are_read_as_digits(self, client):
        aspiration = AspirationFactory(code=tickets.format_code("10AB0CD1"))
        typed = aspiration.code.replace("0", "O").replace("1", "I")
        assert "Menunggu Verifikasi" in look_up(client, typed).content.decode()

    def test_a_wrong_check_character_says_check_the_code(self, client):
        aspiration = AspirationFactory()
        html = look_up(client, wrong_check(aspiration.code)).content.decode()
        assert "salah ketik" in html and "periksa kembali" in html
        assert "Menunggu Verifikasi" not in html

    def test_a_malformed_code_says_what_a_code_looks_like(self, client):
        html = look_up(client, "12345").content.decode()
        assert tickets.EXAMPLE in html and "periksa kembali" in html

    def test_what_was_typed_goes_back_into_the_field_escaped(self, client):
        html = look_up(client, '"><script>alert(1)</script>').content.decode()
        assert "<script>alert(1)" not in html
        assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html

    def test_shows_the_residents_title(self, client):
        aspiration = AspirationFactory(title="Balap liar tiap malam Minggu")
        html = look_up(client, aspiration.code).content.decode()
        assert "Balap liar tiap malam Minggu" in html

    def test_a_code_that_cannot_be_read_is_said_once(self, client):
        html = look_up(client, "12345").content.decode()
        assert html.count("periksa kembali") == 1

    def test_an_unknown_code_says_nothing_was_found(self, client):
        AspirationFactory()
        html = look_up(client, unknown_code()).content.decode()
        assert "Tidak ada aspirasi dengan kode tiket ini" in html

    def test_dates_are_shown_in_wib(self, client):
        submitted = datetime.datetime(2025, 12, 8, 12, 30, tzinfo=datetime.UTC)
        aspiration = AspirationFactory(submitted_at=submitted)
        html = look_up(client, aspiration.code).content.decode()
        assert "Senin, 8 Desember 2025 19.30 WIB" in html
        assert "Kamis, 11 Desember 2025" in html  # verification due, three working days on


class TestNoOracle:
    def test_right_unknown_and_malformed_codes_get_the_same_page_shape(self, client):
        aspiration = AspirationFactory()
        responses = {
            "right": look_up(client, aspiration.code),
            "unknown": look_up(client, unknown_code()),
            "wrong-check": look_up(client, wrong_check(aspiration.code)),
            "malformed": look_up(client, "KRK-????"),
        }
        shapes = {
            name: (
                response.status_code,
                [template.name for template in response.templates],
                response["Cache-Control"],
                response["Referrer-Policy"],
            )
            for name, response in responses.items()
        }
        assert len(set(map(repr, shapes.values()))) == 1, shapes
        assert ids_in(responses["right"].content.decode()) == ids_in(responses["unknown"].content.decode())

    @pytest.mark.parametrize("kind", ["right", "unknown", "wrong-check", "malformed"])
    def test_every_look_up_costs_the_same_two_queries(self, client, django_assert_num_queries, kind):
        aspiration = AspirationFactory()
        code = {
            "right": aspiration.code,
            "unknown": unknown_code(),
            "wrong-check": wrong_check(aspiration.code),
            "malformed": "xx",
        }[kind]
        # With the cache cold, every kind also reads the villages and categories.
        with django_assert_num_queries(4):
            look_up(client, code)
        with django_assert_num_queries(2):
            look_up(client, code)

    def test_the_cost_does_not_grow_with_the_timeline(self, client, django_assert_num_queries):
        aspiration = AspirationFactory()
        look_up(client, unknown_code())  # the villages and categories, kept
        with django_assert_num_queries(2):
            look_up(client, aspiration.code)
        for number in range(30):
            AspirationEvent.objects.create(
                aspiration=aspiration, kind=EventKind.PUBLIC_REPLY, body=f"Tanggapan {number}", is_public=True
            )
        with django_assert_num_queries(2):
            html = look_up(client, aspiration.code).content.decode()
        assert "Tanggapan 29" in html

    @pytest.mark.parametrize("code", [None, "x", unknown_code()])
    def test_responses_are_never_stored_nor_named_to_other_sites(self, client, code):
        responses = [client.get(URL)] if code is None else [client.post(URL, {"kode": code}), client.get(URL)]
        for response in responses:
            assert "no-store" in response["Cache-Control"]
            assert response["Referrer-Policy"] == "same-origin"


SECRETS = {
    "name": "Wiranata Kusumawardhani",
    "phone": "081299887766",
    "email": "wiranata.k@contoh.id",
    "description": "URAIAN-RAHASIA rumah nomor 17 milik pak Darsono",
    "place": "TEMPAT-RAHASIA gang Melati",
    "internal": "CATATAN-INTERNAL pelapor adalah kerabat terlapor",
    "officer_first": "Zulkarnaen",
    "officer_last": "Mahardika",
    "officer_phone": "081377766655",
    "officer_username": "zulkarnaen.m",
    "officer_nrp": "87051234",
    "officer_email": "zulkarnaen@polri.example",
    "rejection_internal": "ALASAN-INTERNAL-PENOLAKAN",
}


@pytest.fixture
def identified_aspiration():
    return aspiration_submit(
        type="laporan_kejadian",
        category=category(),
        title="Pencurian di gang",  # the resident's own title is shown them (test_shows_the_residents_title)
        description=SECRETS["description"],
        village=village("Krangkeng"),
        place=SECRETS["place"],
        reporter_name=SECRETS["name"],
        reporter_phone=SECRETS["phone"],
        reporter_email=SECRETS["email"],
        consent=True,
        ip_hash="f" * 64,
    )


class TestNoPersonalData:
    def test_nothing_personal_or_internal_appears_in_any_status(self, client, identified_aspiration):
        aspiration = identified_aspiration
        officer = OfficerFactory(
            username=SECRETS["officer_username"],
            first_name=SECRETS["officer_first"],
            last_name=SECRETS["officer_last"],
            phone=SECRETS["officer_phone"],
            nrp=SECRETS["officer_nrp"],
            email=SECRETS["officer_email"],
            role=roles.OFFICER,
        )
        AspirationEvent.objects.create(
            aspiration=aspiration, kind=EventKind.INTERNAL_NOTE, body=SECRETS["internal"], author=officer
        )
        now = timezone.now()

        def change(status, *, public_body="", **fields):
            for name, value in fields.items():
                setattr(aspiration, name, value)
            aspiration.status = status
            aspiration.save()
            AspirationEvent.objects.create(
                aspiration=aspiration,
                kind=EventKind.STATUS_CHANGE,
                to_status=status,
                body=public_body,
                author=officer,
                is_public=True,
            )

        steps = [
            (Status.BARU, {}, "Menunggu Verifikasi", ""),
            (
                Status.TERVERIFIKASI,
                {"verified_at": now, "followup_due": deadlines.followup_due(now)},
                "Terverifikasi",
                "Laporan Anda sudah kami verifikasi.",
            ),
            (
                Status.DITINDAKLANJUTI,
                {"assigned_to": officer, "first_response_at": now},
                "Dalam Tindak Lanjut",
                "Bhabinkamtibmas desa sudah mendatangi lokasi.",
            ),
            (Status.SELESAI, {"resolved_at": now}, "Selesai", "Pelaku sudah diamankan. Terima kasih."),
            (
                Status.DITOLAK,
                {"rejection_reason": RejectionReason.NOT_AUTHORITY, "rejection_note": "Silakan lapor ke SP4N-LAPOR!"},
                "Ditolak",
                "Bukan wewenang kepolisian.",
            ),
        ]
        AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.ASSIGNMENT,
            body=f"Ke {officer.display_name}",
            author=officer,
            assignee=officer,
        )
        for status, fields, label, public_body in steps:
            if status != Status.BARU:
                change(status, public_body=public_body, **fields)
            html = look_up(client, aspiration.code).content.decode()
            assert label in html
            if public_body:
                assert public_body in html  # the page does show what is public
            for what, secret in SECRETS.items():
                assert secret not in html, f"{what} leaked on the status page ({status})"
            assert officer.display_name not in html
            assert "f" * 64 not in html
        assert "Silakan lapor ke SP4N-LAPOR!" in html
        assert "Bukan wewenang kepolisian" in html

    def test_no_photos_are_ever_shown(self, client, identified_aspiration):
        html = look_up(client, identified_aspiration.code).content.decode()
        main = html.split('id="main"', 1)[1]  # the header carries the unit's emblem
        assert "<img" not in main and "/media/" not in html

    def test_only_public_events_newest_first(self, client):
        aspiration = AspirationFactory()
        base = aspiration.submitted_at
        AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.PUBLIC_REPLY,
            body="Kedua",
            is_public=True,
            created_at=base + datetime.timedelta(hours=2),
        )
        AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.PUBLIC_REPLY,
            body="Pertama",
            is_public=True,
            created_at=base + datetime.timedelta(hours=1),
        )
        AspirationEvent.objects.create(
            aspiration=aspiration, kind=EventKind.PUBLIC_REPLY, body="Draf belum dikirim", is_public=False
        )
        html = look_up(client, aspiration.code).content.decode()
        # The newest news first: the latest reply at the top.
        assert html.index("Kedua") < html.index("Pertama") < html.index("Aspirasi diterima")
        assert "Draf belum dikirim" not in html
        assert "Tanggapan dari Polsek Krangkeng" in html

    def test_a_reply_is_signed_by_the_polsek_handling_the_report(self, client):
        """A Polres deployment: Polsek Karangampel answered, not "the portal" (KRK_UNIT_NAME)."""
        aspiration = AspirationFactory(village=neighbour_village())
        AspirationEvent.objects.create(
            aspiration=aspiration, kind=EventKind.PUBLIC_REPLY, body="Sudah kami datangi.", is_public=True
        )
        html = look_up(client, aspiration.code).content.decode()
        assert "Tanggapan dari Polsek Karangampel" in html

    def test_an_overdue_verification_is_shown_plainly(self, client):
        submitted = timezone.now() - datetime.timedelta(days=20)
        aspiration = AspirationFactory(submitted_at=submitted)
        assert "Terlambat" in look_up(client, aspiration.code).content.decode()


class TestLookupRateLimit:
    def test_look_ups_are_limited_per_address_and_the_page_stays_private(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_status": (3, 600)}
        codes = [unknown_code(), "x", unknown_code()]
        assert [look_up(client, code).status_code for code in codes] == [200, 200, 200]
        response = look_up(client, unknown_code())
        assert response.status_code == 429
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert "Kami menerima banyak permintaan" in response.content.decode()
        # Opening the empty page is not a look-up and is never limited.
        assert client.get(URL).status_code == 200
        assert look_up(client, unknown_code(), REMOTE_ADDR="198.51.100.9").status_code == 200


class TestNoCodeInAnyURL:
    """The look-up is a POST; the page it leads to holds the code in a cookie, never in its URL."""

    def test_the_look_up_redirects_to_the_bare_page(self, client):
        aspiration = AspirationFactory()
        response = look_up(client, aspiration.code)
        assert response.redirect_chain == [(URL, 302)]
        assert aspiration.code in response.content.decode()
        assert response.request["QUERY_STRING"] == ""

    def test_the_cookie_is_signed_httponly_short_lived_and_only_for_the_status_page(self, client, settings):
        response = client.post(URL, {"kode": AspirationFactory().code})
        cookie = response.cookies["krk_status"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert cookie["path"] == URL and cookie["max-age"] == 600
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session row either

    def test_the_page_reloads_with_the_same_result_without_counting_a_look_up(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_status": (1, 600)}
        aspiration = AspirationFactory()
        look_up(client, aspiration.code)
        assert all(aspiration.code in client.get(URL).content.decode() for _ in range(3))

    def test_after_ten_minutes_the_page_is_empty_again(self, client, monkeypatch):
        aspiration = AspirationFactory()
        look_up(client, aspiration.code)
        later = time.time() + 601
        monkeypatch.setattr(signing.time, "time", lambda: later)
        html = client.get(URL).content.decode()
        assert aspiration.code not in html and 'id="status-result"' not in html

    def test_a_forged_cookie_looks_up_nothing(self, client, django_assert_num_queries):
        aspiration = AspirationFactory()
        client.cookies["krk_status"] = signing.dumps(aspiration.code, salt="aspirations.status-code", key="other-key")
        with django_assert_num_queries(0):
            html = client.get(URL).content.decode()
        assert aspiration.code not in html

    def test_over_https_the_cookie_is_secure_prefixed(self, client, settings):
        settings.SESSION_COOKIE_SECURE = True
        response = client.post(URL, {"kode": unknown_code()}, secure=True)
        assert response.cookies["__Secure-krk_status"]["secure"]
        assert "krk_status" not in response.cookies

    def test_a_look_up_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        assert client.post(URL, {"kode": unknown_code()}).status_code == 403
        html = client.get(URL).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert client.post(URL, {"kode": unknown_code(), "csrfmiddlewaretoken": token}).status_code == 302

    def test_an_old_link_with_the_code_is_not_read(self, client, django_assert_num_queries):
        aspiration = AspirationFactory()
        with django_assert_num_queries(0):
            response = client.get(URL, {"kode": aspiration.code})
        assert response.status_code == 302 and response["Location"] == URL
        assert "krk_status" not in response.cookies
        html = client.get(URL).content.decode()
        assert aspiration.code not in html and 'id="status-result"' not in html
        assert "kode tiket tidak lagi dibaca dari alamat" in html

    def test_only_get_and_post(self, client):
        assert client.put(URL).status_code == 405
