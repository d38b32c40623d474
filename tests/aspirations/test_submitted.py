"""The success page: the ticket code just created, to this browser only."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from aspirations.models import Aspiration
from tests.aspirations.conftest import form_data, identified_data

URL = reverse("aspirations:submitted")
pytestmark = pytest.mark.django_db


def submit(client, data=None):
    response = client.post(reverse("aspirations:submit"), data or form_data())
    assert response.status_code == 302
    return Aspiration.objects.latest("submitted_at")


class TestSubmittedPage:
    def test_shows_the_new_code_large_with_how_to_use_it(self, client):
        aspiration = submit(client)
        response = client.get(URL)
        html = response.content.decode()
        assert response.status_code == 200
        assert re.search(rf'class="ticket-code ticket-code-large[^"]*"[^>]*>{aspiration.code}<', html)
        assert "Kode Tiket Anda" in html
        assert "Cek Status" in html
        # "Check status now" is a POST of the code (no code in any URL), no script needed.
        assert re.search(r'<form method="post" action="/aspirasi/status/"', html)
        assert f'<input type="hidden" name="kode" value="{aspiration.code}">' in html
        assert "?kode=" not in html
        assert "Terima kasih: aspirasi Anda sudah kami terima." in html

    def test_copy_code_and_save_to_whatsapp_with_the_plain_status_page(self, client, settings):
        settings.KRK_SITE_URL = "https://aspirasi.example"
        aspiration = submit(client)
        html = client.get(URL).content.decode()
        assert f'data-krk-copy="{aspiration.code}"' in html and "Salin kode" in html
        link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"[^>]*>Simpan ke WhatsApp<', html).group(1)
        text = parse_qs(urlsplit(unescape(link)).query)["text"][0]
        assert aspiration.code in text  # only in the resident's own WhatsApp
        assert "https://aspirasi.example/aspirasi/status/" in text
        assert "kode=" not in text  # the portal link carries no code

    def test_names_the_verification_deadline_as_a_long_date(self, client):
        submit(client)
        html = client.get(URL).content.decode()
        assert re.search(r"paling lambat (Senin|Selasa|Rabu|Kamis|Jumat), \d{1,2} \w+ \d{4}", html)

    def test_is_printable_and_the_print_button_needs_no_inline_script(self, client):
        submit(client)
        html = client.get(URL).content.decode()
        assert 'id="print-ticket"' in html and "js-only" in html
        assert "aspirations/print.js" in html
        assert "onclick" not in html and "<script>" not in html
        # Buttons and links are left off the printout.
        assert 'class="d-grid gap-2 d-sm-flex no-print"' in html

    def test_says_so_when_the_code_was_also_emailed(self, client):
        submit(client, identified_data())
        assert "juga sudah kami kirim ke email" in client.get(URL).content.decode()

    def test_is_never_cached_nor_named_to_other_sites(self, client):
        submit(client)
        response = client.get(URL)
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"

    def test_another_browser_sees_nothing(self, client):
        aspiration = submit(client)
        stranger = Client()
        response = stranger.get(URL)
        assert response.status_code == 302
        assert response["Location"] == reverse("aspirations:submit")
        assert aspiration.code not in stranger.get(URL, follow=True).content.decode()

    def test_the_code_is_not_in_any_url(self, client):
        aspiration = submit(client)
        response = client.post(reverse("aspirations:submit"), form_data())
        assert aspiration.code not in response["Location"]

    def test_shows_the_latest_code_after_a_second_submission(self, client):
        submit(client)
        second = submit(client, form_data(title="Jalan gelap di dekat sekolah"))
        assert second.code in client.get(URL).content.decode()

    def test_needs_no_query(self, client, django_assert_num_queries):
        submit(client)
        with django_assert_num_queries(0):  # no session row: a signed cookie
            client.get(URL)


class TestTicketCookie:
    """The success page's memory of the ticket: this browser, this page, signed."""

    def test_is_httponly_lax_and_sent_only_to_the_success_page(self, client, settings):
        response = client.post(reverse("aspirations:submit"), form_data())
        cookie = response.cookies["krk_ticket"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert cookie["path"] == URL
        assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session was made

    def test_over_https_it_is_secure_prefixed(self, client, settings):
        settings.SESSION_COOKIE_SECURE = True
        response = client.post(reverse("aspirations:submit"), form_data(), secure=True)
        cookie = response.cookies["__Secure-krk_ticket"]
        assert cookie["secure"]
        assert "krk_ticket" not in response.cookies

    def test_a_forged_cookie_shows_nothing(self, client):
        ticket = {"code": "KRK-AAAA-AAAA-A", "due": "2030-01-01T23:59:59+07:00", "emailed": False}
        client.cookies["krk_ticket"] = signing.dumps(ticket, salt="aspirations.last-ticket", key="not-the-secret-key")
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == reverse("aspirations:submit")

    def test_an_old_cookie_shows_nothing(self, client, settings, monkeypatch):
        submit(client)
        later = time.time() + settings.SESSION_COOKIE_AGE + 1
        monkeypatch.setattr(signing.time, "time", lambda: later)
        assert client.get(URL).status_code == 302
