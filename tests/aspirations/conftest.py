import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from aspirations import ratelimit
from aspirations.forms import ANONYMOUS, IDENTIFIED, started_token
from tests.factories import category, village


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


# One minute into a rate-limit window of any length that divides an hour.
WINDOW_START = 1_800_000_000  # a multiple of 3,600


@pytest.fixture(autouse=True)
def _rate_limit_window_stays_put(monkeypatch):
    """Rate limits count in fixed windows of the wall clock: a test that ran across a
    window's end saw its counts reset halfway and failed (CI did). Every test runs one
    minute into a window; tests that move the clock set `ratelimit.now` themselves."""
    monkeypatch.setattr(ratelimit, "now", lambda: WINDOW_START + 60)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form_data(**overrides) -> dict:
    """A valid anonymous submission, filled in a minute ago."""
    data = {
        "type": "keluhan",
        "category": str(category().pk),
        "title": "Balap liar tiap malam Minggu",
        "description": "Setiap malam Minggu ada balap liar di jalan Pantura dekat SPBU, sangat berbahaya.",
        "village": str(village("Krangkeng").pk),
        "place": "Jalan Pantura dekat SPBU",
        "occurred_at": "",
        "identity": ANONYMOUS,
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
        "website": "",
        "started": started_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def look_up_status(client, code: str, **extra):
    """A Cek Status look-up as a browser makes it: POST the code, follow the redirect to the bare page."""
    return client.post(reverse("aspirations:status"), {"kode": code}, follow=True, **extra)


def status_link_in(body: str) -> str:
    """The status link a message carries (a one-time token, see aspirations/status_links.py)."""
    return re.search(r"\S+/aspirasi/status/tautan/[^/\s]+/", body).group(0)


def identified_data(**overrides) -> dict:
    identity = {
        "identity": IDENTIFIED,
        "reporter_name": "Siti Aminah",
        "reporter_phone": "0812-3456-7890",
        "reporter_email": "siti@example.org",
        "consent": "on",
    }
    return form_data(**{**identity, **overrides})
