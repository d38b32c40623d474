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


def test_lists_all_villages_with_their_current_officer(client, officers):
    html = client.get(reverse("directory")).content.decode()
    for name in ("Purwajaya", "Krangkeng", "Tanjakan", "Srengseng"):
        assert name in html
    assert "Publik Satu" in html
    assert "Rahasia Dua" in html
    assert "Belum ditetapkan" in html  # villages without an officer say so


def test_phone_only_where_public(client, officers):
    html = client.get(reverse("directory")).content.decode()
    assert "081200001111" in html
    assert "081299998888" not in html


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
