"""Each role sees its own links in the navigation bar, in the words of DESIGN.md."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from krangkeng_portal import navigation
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


def test_links_follow_the_chosen_language(client):
    client.get(reverse("home"))  # the Indonesian links first
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    labels = nav_labels(client.get(reverse("home")).content.decode())
    assert {"Home", "Check Status", "Sign in"} <= labels
    assert not {"Beranda", "Masuk"} & labels
    translation.activate("id")


@pytest.mark.parametrize("name", ["home", "aspirations:submit", "aspirations:status", "directory"])
def test_exactly_the_current_page_is_marked(client, name):
    nav = client.get(reverse(name)).content.decode().split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert nav.count('aria-current="page"') == 1
    assert re.search(rf'class="nav-link active" href="{re.escape(reverse(name))}" aria-current="page"', nav)


class TestItemsFor:
    def test_visibility_is_checked_for_each_user(self, site_admin):
        admin_urls = [link["url"] for link in navigation.items_for(site_admin, navigation.STAFF_ITEMS, None)]
        assert reverse("admin:index") in admin_urls
        assert navigation.items_for(AnonymousUser(), navigation.STAFF_ITEMS, None) == []

    def test_only_the_current_page_is_active(self):
        links = navigation.items_for(AnonymousUser(), navigation.PUBLIC_ITEMS, "directory")
        assert [link["url"] for link in links if link["active"]] == [reverse("directory")]
