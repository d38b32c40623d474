import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from patrols.services import assignment_start
from tests.factories import OfficerFactory, unit, village
from tests.portal import polres_world
from units.models import Unit, UnitKind
from units.selectors import NATIONAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers():
    public = OfficerFactory(first_name="Publik", last_name="Satu", phone="081200001111", phone_public=True)
    private = OfficerFactory(first_name="Rahasia", last_name="Dua", phone="081299998888", phone_public=False)
    assignment_start(officer=public, village=village("Srengseng"), start_date=datetime.date(2024, 1, 1))
    assignment_start(officer=private, village=village("Kalianyar"), start_date=datetime.date(2024, 1, 1))
    return public, private


def rows(html: str) -> list[str]:
    listing = html.split('class="list-group directory', 1)[1].split("</ul>", 1)[0]
    return listing.split("<li")[1:]


def test_one_row_per_officer_with_initials_and_villages(client, officers):
    public, _ = officers
    assignment_start(officer=public, village=village("Tanjakan"), start_date=datetime.date(2024, 1, 1))
    html = client.get(reverse("directory")).content.decode()
    listed = rows(html)
    assert len(listed) == 2
    assert ">PS<" in listed[0] and "Publik Satu" in listed[0] and "Srengseng, Tanjakan" in listed[0]
    assert "Rahasia Dua" in listed[1] and "Kalianyar" in listed[1]
    unserved = html.split("Belum ditetapkan", 1)[1]  # villages without an officer say so
    assert "Purwajaya" in unserved and "Srengseng" not in unserved


def test_phone_and_whatsapp_only_where_public(client, officers):
    html = client.get(reverse("directory")).content.decode()
    assert 'href="tel:081200001111"' in html
    assert 'href="https://wa.me/6281200001111"' in html
    assert "081299998888" not in html


def test_the_units_number_stands_in_for_an_officer_without_a_public_one(client, officers, settings):
    settings.KRK_UNIT_PHONE = "0234-123456"
    settings.KRK_UNIT_ADDRESS = "Jl. Raya Krangkeng No. 1"
    html = client.get(reverse("directory")).content.decode()
    private_row = rows(html)[1]
    assert 'href="tel:0234-123456"' in private_row and "wa.me" not in private_row
    assert "Jl. Raya Krangkeng No. 1" in html


def test_ended_assignment_is_not_shown(client):
    old = OfficerFactory(first_name="Lama", last_name="Pensiun")
    assignment_start(officer=old, village=village("Srengseng"), start_date=datetime.date(2020, 1, 1))
    assignment_start(
        officer=OfficerFactory(first_name="Baru"), village=village("Srengseng"), start_date=datetime.date(2024, 1, 1)
    )
    html = client.get(reverse("directory")).content.decode()
    assert "Lama Pensiun" not in html


def test_query_count_does_not_grow_with_officers(client, django_assert_num_queries, officers):
    # The deployment's Polsek (is there one only?), then its officers and its villages.
    with django_assert_num_queries(3):
        client.get(reverse("directory"))
    for name in ("Tanjakan", "Krangkeng", "Purwajaya"):
        assignment_start(officer=OfficerFactory(), village=village(name), start_date=datetime.date(2024, 1, 1))
    with django_assert_num_queries(3):
        client.get(reverse("directory"))


class TestAboveOnePolsek:
    """A Polres has some 320 Bhabinkamtibmas, the country 80,000: the directory sends residents to
    their Polsek's page, which lists its own."""

    @pytest.fixture(autouse=True)
    def _fresh_figures(self):
        """The Polsek come with the home page's figures, kept for minutes: start and end without them."""
        cache.clear()
        yield
        cache.clear()

    def test_a_polres_with_several_polsek_lists_them_by_kecamatan(self, client, officers):
        polres_world.polsek(1)
        html = client.get(reverse("directory")).content.decode()
        assert 'class="list-group directory' not in html  # no officer rows
        assert "Publik Satu" not in html
        assert f'href="{reverse("polsek", args=["krangkeng"])}">Polsek Krangkeng</a>' in html
        assert f'href="{reverse("polsek", args=["sektor1"])}">Polsek Sektor 1</a>' in html
        # Its Polsek's page has the officers.
        assert "Publik Satu" in client.get(reverse("polsek", args=["krangkeng"])).content.decode()

    def test_nationwide_it_lists_the_polres_by_polda(self, client, settings, officers):
        settings.KRK_HOME_UNIT = NATIONAL
        polres_world.polsek(1)
        html = client.get(reverse("directory")).content.decode()
        assert "Publik Satu" not in html
        assert f'href="{reverse("polres", args=["indramayu"])}">Polres Indramayu</a>' in html

    def test_a_polsek_of_another_polres_is_not_counted_as_this_deployments(self, client, officers):
        outside = Unit.objects.create(kind=UnitKind.POLRES, code="cirebon", name="Polres Cirebon", parent=unit("jabar"))
        polres_world.polsek(1, parent=outside)
        html = client.get(reverse("directory")).content.decode()
        assert "Publik Satu" in html  # Indramayu still has one Polsek: its officers are listed
        assert "Sektor 1" not in html
