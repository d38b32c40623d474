import datetime

import pytest
from django.urls import reverse

from patrols.services import assignment_start
from tests.factories import OfficerFactory, village

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
    with django_assert_num_queries(2):
        client.get(reverse("directory"))
    for name in ("Tanjakan", "Krangkeng", "Purwajaya"):
        assignment_start(officer=OfficerFactory(), village=village(name), start_date=datetime.date(2024, 1, 1))
    with django_assert_num_queries(2):
        client.get(reverse("directory"))
