"""A nationwide deployment (KRK_HOME_UNIT = "*") has no unit of its own: every report on the
public form names a village that a Polsek serves (Open311: tests/open311/test_national.py);
elsewhere a report from outside goes to the deployment's unit, as before."""

import pytest
from django.urls import reverse

from aspirations.forms import OUTSIDE_KRANGKENG
from aspirations.models import Aspiration
from tests.aspirations.conftest import form_data
from tests.factories import unit, unserved_village, village
from units.selectors import NATIONAL

pytestmark = pytest.mark.django_db


def send(client, **overrides):
    return client.post(reverse("aspirations:submit"), form_data(**overrides))


class TestNationwide:
    def test_the_form_offers_no_outside(self, client, settings):
        settings.KRK_HOME_UNIT = NATIONAL
        html = client.get(reverse("aspirations:submit"), {"kecamatan": "32.12.09"}).content.decode()
        assert 'value="Krangkeng"' not in html  # names are labels, not values
        assert f'<option value="{village("Krangkeng").pk}"' in html
        assert f'value="{OUTSIDE_KRANGKENG}"' not in html

    def test_outside_is_refused_and_nothing_is_stored(self, client, settings):
        settings.KRK_HOME_UNIT = NATIONAL
        response = send(client, village=OUTSIDE_KRANGKENG)
        assert response.status_code == 200
        assert not Aspiration.objects.exists()

    def test_a_village_no_polsek_serves_is_not_offered(self, client, settings):
        settings.KRK_HOME_UNIT = NATIONAL
        unserved = unserved_village()
        response = send(client, kecamatan="32.12.13", village=str(unserved.pk))
        assert response.status_code == 200
        assert not Aspiration.objects.exists()

    def test_a_served_village_goes_to_its_polsek(self, client, settings):
        settings.KRK_HOME_UNIT = NATIONAL
        assert send(client).status_code == 302
        assert Aspiration.objects.get().unit == unit("krangkeng")


class TestPolresDeployment:
    def test_outside_goes_to_the_deployments_unit(self, client, settings):
        settings.KRK_HOME_UNIT = "indramayu"
        assert send(client, village=OUTSIDE_KRANGKENG).status_code == 302
        assert Aspiration.objects.get().unit == unit("indramayu")
