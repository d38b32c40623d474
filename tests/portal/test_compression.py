"""Pages leave gzip-compressed for browsers that accept it (GZipMiddleware)."""

import gzip

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.portal import dashboard_world

pytestmark = pytest.mark.django_db


def test_the_dashboard_travels_compressed(commander, bhabin, other_bhabin):
    dashboard_world.build(bhabin, other_bhabin)
    client = client_for(commander)
    plain = client.get(reverse("dashboard:dashboard"))
    packed = client.get(reverse("dashboard:dashboard"), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert b"Dasbor" in html
    assert len(packed.content) < len(html) / 5  # measured on this world: 44.7 KB -> 6.2 KB


def test_the_home_page_too(client):
    assert client.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
