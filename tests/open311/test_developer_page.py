"""/open311/: the page for developers, in Indonesian and English."""

import pytest
from django.conf import settings

from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def test_indonesian_by_default(client):
    with page_queries() as queries:
        response = client.get("/open311/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "API Open311 untuk pengembang" in page
    assert "http://testserver/open311/v2/" in page
    assert "<code>geng-motor-tawuran</code>" in page
    assert "tidak pernah dipublikasikan" in page  # the sensitive categories are marked
    assert "ticket_code" in page
    assert "<code>krangkeng</code> Polsek Krangkeng" in page  # the jurisdictions
    assert len(queries) == 2  # the services; the deployment's unit and the units right below it


def test_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/open311/").content.decode()
    assert "Open311 API for developers" in page
    assert "never published" in page


def test_says_what_the_unit_publishes(client, settings):
    settings.KRK_OPEN311_PUBLIC_LIST = False
    settings.KRK_OPEN311_PUBLISH_DESCRIPTIONS = True
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/open311/").content.decode()
    assert "The list of reports is not public" in page
    assert "Residents' descriptions are published." in page
