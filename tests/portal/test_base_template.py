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
        brand = html.split('class="navbar-brand', 1)[1].split("</a>", 1)[0]
        assert '<span class="d-block fw-semibold">Polsek Contoh</span>' in brand

    def test_the_header_shows_the_emblem_a_deployment_chooses(self, client, settings):
        html = client.get(reverse("home")).content.decode()
        assert '<img src="/static/img/emblem.svg" alt=""' in html  # the neutral default
        settings.KRK_UNIT_EMBLEM = "/media/lambang-polres.png"
        assert '<img src="/media/lambang-polres.png" alt=""' in client.get(reverse("home")).content.decode()

    def test_staff_links_sit_under_the_officers_name(self, bhabin):
        html = client_for(bhabin).get(reverse("home")).content.decode()
        account = html.split('<details class="krk-account">', 1)[1].split("</details>", 1)[0]
        # The name, then the outbox badge that outbox.js fills in for those who log patrols.
        assert f'<summary class="nav-link">{bhabin.display_name} <span class="badge' in account
        assert reverse("patrols:patrol_create") in account and "Keluar" in account
        assert reverse("patrols:outbox") in account and "data-krk-signout" in account  # the outbox's hooks
        public = html.split('id="mainnav"', 1)[1].split('<details class="krk-account">', 1)[0]
        assert reverse("patrols:patrol_create") not in public

    def test_no_framework_javascript_on_any_page(self, client):
        html = client.get(reverse("home")).content.decode()
        assert re.findall(r'<script src="([^"]+)"', html) == ["/static/js/portal.js"]

    def test_the_units_contact_is_in_the_footer_and_on_the_home_page(self, client, settings):
        settings.KRK_UNIT_ADDRESS = "Jl. Raya Krangkeng No. 1"
        settings.KRK_UNIT_PHONE = "0234-123456"
        settings.KRK_WHATSAPP_CHANNEL_URL = "https://whatsapp.com/channel/contoh"
        html = client.get(reverse("home")).content.decode()
        footer = html.split("<footer", 1)[1]
        for shown in (
            "Jl. Raya Krangkeng No. 1",
            'href="tel:0234-123456"',
            'href="https://whatsapp.com/channel/contoh"',
        ):
            assert shown in footer
            assert shown in html.split('id="main"', 1)[1].split("<footer", 1)[0]

    def test_the_emergency_line_is_near_the_top_of_the_home_page(self, client):
        html = client.get(reverse("home")).content.decode()
        main = html.split('id="main"', 1)[1]
        assert main.index("Keadaan darurat?") < main.index("<h1")
