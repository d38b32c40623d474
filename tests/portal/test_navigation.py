"""Each role sees its own links in the navigation bar, in the words of DESIGN.md."""

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Links every persona sees / must not see (Indonesian labels, the default language).
EXPECTED = {
    "anonymous": ({"Beranda", "Direktori Bhabinkamtibmas", "Masuk"}, {"Keluar", "Administrasi"}),
    "officer": ({"Beranda", "Keluar"}, {"Masuk", "Administrasi"}),
    "operator": ({"Beranda", "Keluar"}, {"Masuk", "Administrasi"}),
    "command": ({"Beranda", "Keluar"}, {"Masuk", "Administrasi"}),
    "admin": ({"Beranda", "Keluar", "Administrasi"}, {"Masuk"}),
}


def nav_labels(html: str) -> set[str]:
    nav = html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    return {re.sub(r"\s+", " ", label).strip() for label in re.findall(r">([^<>]+)</(?:a|button)>", nav)}


@pytest.fixture
def personas(bhabin, operator, commander, site_admin):
    return {"anonymous": None, "officer": bhabin, "operator": operator, "command": commander, "admin": site_admin}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_navigation_per_role(persona, personas):
    html = client_for(personas[persona]).get(reverse("home")).content.decode()
    labels = nav_labels(html)
    shown, hidden = EXPECTED[persona]
    assert shown <= labels, f"{persona} misses {shown - labels}"
    assert not hidden & labels, f"{persona} should not see {hidden & labels}"


def test_current_page_is_marked(client):
    html = client.get(reverse("directory")).content.decode()
    assert 'aria-current="page"' in html.split('id="mainnav"', 1)[1].split("Direktori Bhabinkamtibmas", 1)[0]


def test_footer_says_emergencies_go_to_110(client):
    html = client.get(reverse("home")).content.decode()
    assert 'href="tel:110"' in html
    assert "gratis, 24 jam" in html
