"""Reports no Polsek takes: where a report with no village (or a village no Polsek covers yet) goes.

A key belongs to a unit, and such a report goes to the unit it was sent to: the key's own,
or the jurisdiction named. On a Polres deployment its own key takes villages no Polsek
covers yet, as the public form does. Nationwide (KRK_HOME_UNIT = "*") the whole country
has no unit of its own: there the service definition offers no "outside" without a
jurisdiction_id.
"""

import pytest
from django.test import Client

from aspirations.models import Aspiration
from tests.factories import unit, unserved_village
from tests.open311.conftest import error_descriptions, json_of, new_client, post, url
from units.selectors import NATIONAL

pytestmark = pytest.mark.django_db

UNSERVED = {"attribute[village]": "32.12.13.2001"}


def village_values(**params) -> set[str]:
    document = json_of(Client().get(url("service_definition", "json", code="narkoba"), params))
    attribute = next(item for item in document["attributes"] if item["code"] == "village")
    return {value["key"] for value in attribute["values"]}


def test_nationwide_a_report_with_no_village_goes_to_the_keys_unit(settings, api_client):
    settings.KRK_HOME_UNIT = NATIONAL
    assert post(api_client.key, fmt="json", **{"attribute[village]": "luar"}).status_code == 200
    assert Aspiration.objects.get().unit == unit("krangkeng")


def test_nationwide_the_country_offers_no_outside(settings):
    settings.KRK_HOME_UNIT = NATIONAL
    assert "luar" not in village_values()
    assert "luar" in village_values(jurisdiction_id="krangkeng")


def test_a_polsek_key_does_not_name_a_village_no_polsek_serves(settings, api_client):
    unserved_village()
    for home in (NATIONAL, "indramayu"):
        settings.KRK_HOME_UNIT = home
        response = post(api_client.key, fmt="json", **UNSERVED)
        assert response.status_code == 400
        assert error_descriptions(response) == ["attribute[village]: Tidak ada desa Polsek Krangkeng dengan kode ini."]
    assert not Aspiration.objects.exists()


def test_a_polres_deployments_own_key_takes_a_village_no_polsek_serves_yet(settings, key_admin):
    settings.KRK_HOME_UNIT = "indramayu"
    unserved_village()
    _client, key = new_client(key_admin, unit=unit("indramayu"))
    assert post(key, fmt="json", **UNSERVED).status_code == 200
    assert Aspiration.objects.get().unit == unit("indramayu")
