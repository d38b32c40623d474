"""base.html and its partials: what every page shares, without sharing anything personal."""

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


class TestSharedParts:
    def test_every_visitor_gets_their_own_csrf_token(self):
        first, second = client_for(None), client_for(None)
        tokens = csrf_tokens(first.get(reverse("home")).content.decode())
        other = csrf_tokens(second.get(reverse("home")).content.decode())
        assert len(tokens) == len(other) == 1 and tokens != other

    def test_the_language_form_returns_to_this_page(self, client):
        client.get(reverse("directory"))
        html = client.get(reverse("directory"), {"desa": '"><b>x'}).content.decode()
        assert 'name="next" type="hidden" value="/direktori/?desa=%22%3E%3Cb%3Ex"' in html

    def test_a_signed_in_page_after_a_public_one_shows_its_own_bar(self, bhabin):
        client_for(None).get(reverse("home"))
        html = client_for(bhabin).get(reverse("home")).content.decode()
        assert bhabin.display_name in html and "Keluar" in html
        assert ">Masuk<" not in html.split("</nav>", 1)[0]

    def test_two_officers_never_share_the_name_in_the_bar(self, bhabin, other_bhabin):
        assert bhabin.display_name in client_for(bhabin).get(reverse("home")).content.decode()
        html = client_for(other_bhabin).get(reverse("home")).content.decode()
        assert other_bhabin.display_name in html and bhabin.display_name not in html

    def test_the_unit_name_follows_the_setting(self, client, settings):
        client.get(reverse("home"))
        settings.KRK_UNIT_NAME = "Polsek Contoh"
        html = client.get(reverse("home")).content.decode()
        assert 'class="navbar-brand fw-semibold" href="/">Polsek Contoh</a>' in html
