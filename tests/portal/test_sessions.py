"""Cookies' flags, the session key at sign-in, and idle and absolute session expiry."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from core.session_lifetime import LAST_SEEN_AT, SIGNED_IN_AT
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def sign_in(client: Client, user, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, **extra)


@pytest.fixture
def production_cookies(settings):
    """The cookie settings settings.py derives from DJANGO_HTTPS=true (see test_production_settings)."""
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.CSRF_COOKIE_SECURE = True


class TestCookies:
    def test_over_https_session_cookie_is_host_prefixed_secure_httponly_lax(self, production_cookies, bhabin):
        response = sign_in(Client(), bhabin, secure=True)
        cookie = response.cookies["__Host-sessionid"]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        # __Host- cookies are only accepted with Path=/ and without Domain.
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
        assert "sessionid" not in response.cookies

    def test_over_https_csrf_cookie_is_host_prefixed_secure_lax(self, production_cookies):
        response = Client().get(reverse("login"), secure=True)
        cookie = response.cookies["__Host-csrftoken"]
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""

    def test_plain_http_rigs_use_plain_names(self, bhabin):
        assert settings.SESSION_COOKIE_NAME == "sessionid"  # tests run with DJANGO_HTTPS=false
        response = sign_in(Client(), bhabin)
        cookie = response.cookies["sessionid"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"

    def test_session_cookie_lives_as_long_as_the_idle_limit(self, bhabin):
        response = sign_in(Client(), bhabin)
        assert response.cookies["sessionid"]["max-age"] == settings.KRK_SESSION_IDLE_SECONDS == 30 * 60


class TestSessionKeyAtSignIn:
    def test_key_changes_and_the_old_one_is_gone(self, bhabin):
        client = Client()
        session = client.session
        session["before_sign_in"] = True
        session.save()
        old_key = session.session_key
        client.cookies[settings.SESSION_COOKIE_NAME] = old_key

        response = sign_in(client, bhabin)

        assert response.status_code == 302
        new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert new_key != old_key
        assert not Session.objects.filter(session_key=old_key).exists()
        assert client.session["_auth_user_id"] == str(bhabin.pk)


def age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


class TestIdleExpiry:
    def test_thirty_minutes_without_a_request_signs_out(self, bhabin):
        client = client_for(bhabin)
        age_session(client, **{SIGNED_IN_AT: 31 * 60, LAST_SEEN_AT: 30 * 60 + 5})

        response = client.get(reverse("password_change"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        assert AuditEntry.objects.filter(action=AuditAction.SESSION_EXPIRED, summary="idle").count() == 1

    def test_activity_keeps_the_session(self, bhabin):
        client = client_for(bhabin)
        age_session(client, **{SIGNED_IN_AT: 3 * 3600, LAST_SEEN_AT: 29 * 60})

        assert client.get(reverse("password_change")).status_code == 200
        assert time.time() - client.session[LAST_SEEN_AT] < 5  # renewed

    def test_a_recent_stamp_is_not_rewritten_on_every_request(self, bhabin):
        client = client_for(bhabin)
        age_session(client, **{SIGNED_IN_AT: 600, LAST_SEEN_AT: 10})
        stamp = client.session[LAST_SEEN_AT]
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("password_change"))
        # The session is read (from the database, or from Redis), never written.
        writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        assert writes == []
        assert client.session[LAST_SEEN_AT] == stamp

    def test_the_stored_session_expires_with_the_idle_limit(self, bhabin):
        client = Client()
        sign_in(client, bhabin)
        assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60

    def test_the_message_says_to_sign_in_again(self, bhabin):
        client = client_for(bhabin)
        age_session(client, **{LAST_SEEN_AT: 31 * 60})
        response = client.get(reverse("password_change"), follow=True)
        assert "Sesi Anda telah berakhir" in response.content.decode()


class TestAbsoluteExpiry:
    def test_twelve_hours_after_sign_in_signs_out_even_when_active(self, bhabin):
        client = client_for(bhabin)
        age_session(client, **{SIGNED_IN_AT: 12 * 3600 + 60, LAST_SEEN_AT: 10})

        response = client.get(reverse("password_change"))

        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
        assert AuditEntry.objects.filter(action=AuditAction.SESSION_EXPIRED, summary="absolute").count() == 1

    def test_sign_in_starts_the_clock(self, bhabin):
        client = Client()
        sign_in(client, bhabin)
        assert time.time() - client.session[SIGNED_IN_AT] < 5

    def test_limits_are_settings(self, settings, bhabin):
        settings.KRK_SESSION_MAX_SECONDS = 60
        client = client_for(bhabin)
        age_session(client, **{SIGNED_IN_AT: 61, LAST_SEEN_AT: 1})
        assert client.get(reverse("password_change")).status_code == 302
