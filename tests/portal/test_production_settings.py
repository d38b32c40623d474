"""What settings.py derives for production (DJANGO_DEBUG off, HTTPS on) and for plain-HTTP rigs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT = """
import json
from krangkeng_portal import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "session_cookie": [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                       s.SESSION_COOKIE_SAMESITE],
    "csrf_cookie": [s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE],
    "session_age": s.SESSION_COOKIE_AGE,
    "session_max": s.KRK_SESSION_MAX_SECONDS,
    "img_src": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "axes": [s.AXES_LOCKOUT_PARAMETERS, s.KRK_LOCKOUT_LIMITS, s.AXES_COOLOFF_TIME.total_seconds()],
}))
"""


def production_settings(**extra: str) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "portal.polsek-krangkeng.example",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def production():
    return production_settings()


class TestProduction:
    def test_hsts_for_a_year_and_https_redirect(self, production):
        assert production["hsts"] == 31_536_000
        assert production["ssl_redirect"] is True

    def test_session_cookie(self, production):
        assert production["session_cookie"] == ["__Host-sessionid", True, True, "Lax"]

    def test_csrf_cookie(self, production):
        assert production["csrf_cookie"] == ["__Host-csrftoken", True, "Lax"]

    def test_session_lifetimes(self, production):
        assert production["session_age"] == 30 * 60
        assert production["session_max"] == 12 * 3600

    def test_lockout(self, production):
        assert production["axes"] == [[["username", "ip_address"], "ip_address"], [5, 20], 15 * 60]

    def test_no_tile_server_by_default(self, production):
        assert production["img_src"] == ["'self'", "data:"]


class TestVariants:
    def test_plain_http_rig_uses_plain_cookie_names(self):
        values = production_settings(DJANGO_HTTPS="false")
        assert values["session_cookie"][:2] == ["sessionid", False]
        assert values["csrf_cookie"][:2] == ["csrftoken", False]
        assert values["hsts"] == 0

    def test_tile_server_with_subdomains(self):
        values = production_settings(KRK_TILE_URL="https://{s}.tiles.example.id/{z}/{x}/{y}.png")
        assert values["img_src"][-1] == "https://*.tiles.example.id"

    def test_session_limits_from_the_environment(self):
        values = production_settings(KRK_SESSION_IDLE_MINUTES="15", KRK_SESSION_MAX_HOURS="8")
        assert (values["session_age"], values["session_max"]) == (15 * 60, 8 * 3600)

    def test_plain_http_tile_server_is_refused(self):
        env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "true", "KRK_TILE_URL": "http://tiles.example/{z}.png"}
        result = subprocess.run(
            [sys.executable, "-c", "import krangkeng_portal.settings"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "KRK_TILE_URL" in result.stderr
