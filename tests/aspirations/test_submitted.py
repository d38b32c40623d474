"""The success page: the ticket code just created, to this browser only."""

import re

import pytest
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
        assert f"/aspirasi/status/?kode={aspiration.code}" in html
        assert "Terima kasih: aspirasi Anda sudah kami terima." in html

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

    def test_is_never_cached_and_sends_no_referrer(self, client):
        submit(client)
        response = client.get(URL)
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"

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

    def test_reads_only_the_session(self, client, django_assert_num_queries):
        submit(client)
        client.get(URL)  # the success message is consumed here
        with django_assert_num_queries(1):  # the session row
            client.get(URL)
