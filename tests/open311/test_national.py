"""Open311 on a nationwide deployment (KRK_HOME_UNIT = "*"): a report must name a village that a
Polsek serves (there is no unit of the deployment's own for the rest); elsewhere such a report
goes to the deployment's unit, as from the web form."""

import pytest

from aspirations.models import Aspiration
from tests.factories import unit, unserved_village
from tests.open311.conftest import error_descriptions, post
from units.selectors import NATIONAL

pytestmark = pytest.mark.django_db

UNSERVED = {"attribute[village]": "32.12.13.2001"}


def test_nationwide_a_report_needs_a_served_village(settings, api_client):
    settings.KRK_HOME_UNIT = NATIONAL
    unserved_village()
    for place in ({"attribute[village]": "luar"}, UNSERVED):
        response = post(api_client.key, fmt="json", **place)
        assert response.status_code == 400
        assert error_descriptions(response) == [
            "attribute[village]: Kirim desa yang dilayani Polsek: attribute[village], atau lat dan long di dalamnya."
        ]
    assert not Aspiration.objects.exists()
    assert post(api_client.key, fmt="json").status_code == 200  # a village of Polsek Krangkeng
    assert Aspiration.objects.get().unit == unit("krangkeng")


def test_a_polres_deployment_takes_a_village_no_polsek_serves_yet(settings, api_client):
    settings.KRK_HOME_UNIT = "indramayu"
    unserved_village()
    assert post(api_client.key, fmt="json", **UNSERVED).status_code == 200
    assert Aspiration.objects.get().unit == unit("indramayu")
