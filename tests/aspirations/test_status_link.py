"""Status links in messages: a one-time token instead of the ticket code."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from aspirations import services
from aspirations.status_links import LINK_MAX_AGE, link_path, link_token
from tests.aspirations.builders import in_status
from tests.aspirations.conftest import status_link_in
from tests.factories import AspirationFactory
from tests.jobs import run_jobs

STATUS = reverse("aspirations:status")
pytestmark = pytest.mark.django_db
DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def press(client, path):
    """Press the link page's button: POST to the link, follow to the status page."""
    return client.post(path, follow=True)


class TestTheLink:
    def test_a_mailed_link_carries_no_code_and_shows_the_status_once(self, client, bhabin, mailoutbox):
        aspiration = in_status(
            "ditindaklanjuti",
            officer=bhabin,
            reporter_email="siti@example.org",
            consent_given_at=timezone.now(),
            notify_channel="email",
        )
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Petugas sudah ke lokasi.")
        run_jobs()
        path = urlsplit(status_link_in(mailoutbox[0].body)).path
        assert aspiration.code not in path
        response = press(client, path)
        assert response.redirect_chain == [(STATUS, 302)]
        html = response.content.decode()
        assert aspiration.code in html and "Petugas sudah ke lokasi." in html

    def test_opening_the_link_uses_nothing_up_and_shows_no_code(self, client):
        aspiration = AspirationFactory()
        path = link_path(aspiration)
        for _ in range(3):  # a mail scanner, a link preview, the resident
            response = client.get(path)
            html = response.content.decode()
            assert response.status_code == 200 and 'id="status-link-form"' in html
            assert aspiration.code not in html
            assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "same-origin"
        assert aspiration.code in press(client, path).content.decode()

    def test_a_used_link_says_so_and_offers_the_look_up(self, client):
        aspiration = AspirationFactory()
        path = link_path(aspiration)
        press(client, path)
        for response in (Client().post(path), Client().get(path)):
            html = response.content.decode()
            assert response.status_code == 410
            assert aspiration.code not in html and "krk_status" not in response.cookies
            assert 'id="link-unusable"' in html and f'action="{STATUS}"' in html

    def test_every_message_gets_its_own_link(self):
        aspiration = AspirationFactory()
        assert link_token(aspiration) != link_token(aspiration)

    @pytest.mark.parametrize(
        "token",
        [
            lambda aspiration: signing.dumps([aspiration.pk, "nonce"], salt="another-salt"),
            lambda aspiration: signing.dumps(aspiration.code, salt="aspirations.status-link"),
            lambda aspiration: "not-a-token",
        ],
        ids=["foreign-signature", "old-shape", "garbage"],
    )
    def test_a_forged_link_opens_nothing(self, client, token):
        path = reverse("aspirations:status_link", args=[token(AspirationFactory())])
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410

    def test_a_link_expires(self, client, monkeypatch):
        aspiration = AspirationFactory()
        path = link_path(aspiration)
        later = time.time() + LINK_MAX_AGE + 1
        monkeypatch.setattr(signing.time, "time", lambda: later)
        assert client.get(path).status_code == 410
        assert aspiration.code not in client.post(path).content.decode()

    def test_a_link_to_a_deleted_aspiration_opens_nothing(self, client):
        aspiration = AspirationFactory()
        path = link_path(aspiration)
        aspiration.events.all().delete()
        aspiration.delete()
        assert client.post(path).status_code == 410

    def test_pressing_is_rate_limited(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_status": (1, 600)}
        aspiration = AspirationFactory()
        assert client.post(link_path(aspiration)).status_code == 302
        assert client.post(link_path(aspiration)).status_code == 429

    def test_without_a_cache_a_link_still_works_but_is_not_single_use(self, client):
        aspiration = AspirationFactory()
        path = link_path(aspiration)
        with override_settings(CACHES=DEAD_CACHE):
            responses = [client.post(path) for _ in range(2)]
        assert [response.status_code for response in responses] == [302, 302]
