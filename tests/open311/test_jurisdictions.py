"""Every unit of the deployment is an Open311 jurisdiction, under its code: a request for it reads
and writes that unit's subtree only, and a key sends reports to its own unit or a unit below it.

The deployment is Polres Indramayu (the tests' KRK_HOME_UNIT) with Polsek Krangkeng and
Polsek Karangampel below it.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from aspirations.models import Aspiration
from audit.models import AuditAction, AuditEntry
from tests.factories import AspirationFactory, category, neighbour_village, unit, village
from tests.open311.conftest import error_descriptions, json_of, new_client, report, url
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():
    """One public report in Krangkeng (Tanjakan) and one in Karangampel (Tanjungpura)."""
    neighbour = neighbour_village()
    kind = category("geng-motor-tawuran")
    return {
        "krangkeng": AspirationFactory(village=village("Tanjakan"), category=kind),
        "karangampel": AspirationFactory(village=neighbour, category=kind),
    }


def listed(**params) -> dict[str, str]:
    """GET requests.json: {service_request_id: agency_responsible}."""
    response = Client().get(url("requests", "json"), params)
    assert response.status_code == 200, response.content
    return {row["service_request_id"]: row["agency_responsible"] for row in json_of(response)}


def send(key: str, **params):
    return Client(enforce_csrf_checks=True).post(url("requests", "json"), {"api_key": key, **report(**params)})


class TestReading:
    def test_a_polsek_reads_its_own_reports_only(self, reports):
        krangkeng, karangampel = reports["krangkeng"], reports["karangampel"]
        assert listed(jurisdiction_id="krangkeng") == {krangkeng.public_id: "Polsek Krangkeng"}
        assert listed(jurisdiction_id="karangampel") == {karangampel.public_id: "Polsek Karangampel"}

    def test_the_polres_and_no_jurisdiction_read_every_polsek(self, reports):
        both = {
            reports["krangkeng"].public_id: "Polsek Krangkeng",
            reports["karangampel"].public_id: "Polsek Karangampel",
        }
        assert listed(jurisdiction_id="indramayu") == both
        assert listed() == both

    def test_another_polseks_report_is_not_found(self, reports):
        other = reports["karangampel"].public_id
        response = Client().get(url("request", "json", service_request_id=other), {"jurisdiction_id": "krangkeng"})
        assert response.status_code == 404
        response = Client().get(url("request", "json", service_request_id=other), {"jurisdiction_id": "karangampel"})
        assert json_of(response)[0]["service_request_id"] == other

    def test_a_service_offers_the_jurisdictions_villages(self, reports):
        def villages(**params) -> set[str]:
            document = json_of(Client().get(url("service_definition", "json", code="narkoba"), params))
            attribute = next(item for item in document["attributes"] if item["code"] == "village")
            return {value["key"] for value in attribute["values"]}

        assert villages(jurisdiction_id="karangampel") == {"32.12.10.2008", "luar"}
        krangkeng = villages(jurisdiction_id="krangkeng")
        assert len(krangkeng) == 12 and "32.12.10.2008" not in krangkeng and "luar" in krangkeng
        assert villages() == krangkeng | {"32.12.10.2008"}

    @pytest.mark.parametrize("code", ["jabar", "polsek-lain"])
    def test_a_unit_outside_the_deployment_is_a_404(self, code):
        response = Client().get(url("requests", "json"), {"jurisdiction_id": code})
        assert response.status_code == 404
        assert error_descriptions(response) == ["jurisdiction_id: tidak ditemukan."]

    def test_a_jurisdiction_costs_one_query(self, reports):
        with page_queries() as queries:
            listed(jurisdiction_id="krangkeng")
        assert len(queries) == 2  # the unit by its code; the rows with their unit in the same query


class TestSending:
    def test_without_a_jurisdiction_a_report_goes_to_the_keys_unit(self, key_admin):
        _client, key = new_client(key_admin)
        response = send(key, **{"attribute[village]": "luar"})  # a place no village names
        assert response.status_code == 200, response.content
        assert Aspiration.objects.get().unit == unit("krangkeng")  # not the Polres above it

    def test_a_polsek_key_names_only_its_own_villages(self, key_admin):
        neighbour_village()
        _client, key = new_client(key_admin)
        response = send(key, **{"attribute[village]": "32.12.10.2008"})
        assert response.status_code == 400
        assert error_descriptions(response) == ["attribute[village]: Tidak ada desa Polsek Krangkeng dengan kode ini."]
        assert not Aspiration.objects.exists()

    def test_a_village_named_in_the_address_is_looked_for_in_the_jurisdiction(self, key_admin):
        neighbour_village()
        _client, key = new_client(key_admin)
        body = report(address_string="Jl. Raya Tanjungpura no. 3")
        del body["attribute[village]"]
        assert Client().post(url("requests", "json"), {"api_key": key, **body}).status_code == 200
        aspiration = Aspiration.objects.get()
        assert (aspiration.village, aspiration.unit) == (None, unit("krangkeng"))

    def test_a_point_in_another_polseks_village_is_no_village_of_this_one(self, key_admin):
        neighbour = neighbour_village()
        neighbour.latitude, neighbour.longitude = "-6.4900", "108.4700"  # within 4 km of Krangkeng's
        neighbour.save()
        _client, key = new_client(key_admin)
        body = report(lat="-6.4900", long="108.4700")
        del body["attribute[village]"]
        assert Client().post(url("requests", "json"), {"api_key": key, **body}).status_code == 200
        aspiration = Aspiration.objects.get()
        assert (aspiration.village, aspiration.unit) == (None, unit("krangkeng"))

    def test_a_polseks_request_does_not_narrow_the_kept_village_names(self, key_admin):
        """The names are kept for every jurisdiction: the first read, inside one Polsek's scope,
        must still keep the whole deployment's."""
        cache.clear()
        neighbour_village()
        _client, krangkeng_key = new_client(key_admin)
        _client, polres_key = new_client(key_admin, name="Sistem Kabupaten", unit=unit("indramayu"))
        for key, place in ((krangkeng_key, "Desa Tanjakan"), (polres_key, "Jl. Raya Tanjungpura")):
            body = report(address_string=place)
            del body["attribute[village]"]
            assert Client().post(url("requests", "json"), {"api_key": key, **body}).status_code == 200
        placed = Aspiration.objects.order_by("pk").values_list("village__name", "unit__code")
        assert list(placed) == [("Tanjakan", "krangkeng"), ("Tanjungpura", "karangampel")]

    def test_a_polsek_key_cannot_send_to_another_polsek(self, key_admin):
        neighbour_village()
        _client, key = new_client(key_admin)
        response = send(key, jurisdiction_id="karangampel", **{"attribute[village]": "32.12.10.2008"})
        assert response.status_code == 403
        assert error_descriptions(response) == ["api_key: tidak berlaku untuk jurisdiction_id ini."]
        assert not Aspiration.objects.exists()
        entry = AuditEntry.objects.get(action=AuditAction.API_REQUEST)
        assert entry.summary.endswith("refused: jurisdiction_id")

    def test_nor_to_the_polres_above_it(self, key_admin):
        _client, key = new_client(key_admin)
        assert send(key, jurisdiction_id="indramayu").status_code == 403

    def test_a_polres_key_sends_to_each_of_its_polsek(self, key_admin):
        neighbour_village()
        _client, key = new_client(key_admin, name="Sistem Kabupaten", unit=unit("indramayu"))
        assert send(key, jurisdiction_id="karangampel", **{"attribute[village]": "32.12.10.2008"}).status_code == 200
        assert send(key, **{"attribute[village]": "32.12.09.2010"}).status_code == 200
        assert send(key, jurisdiction_id="krangkeng", **{"attribute[village]": "luar"}).status_code == 200
        placed = Aspiration.objects.order_by("pk").values_list("unit__code", flat=True)
        assert list(placed) == ["karangampel", "krangkeng", "krangkeng"]
        # Read back in the client's Polsek, its report is there, as the staff of that Polsek see it.
        assert len(listed(jurisdiction_id="karangampel")) == 1


def test_the_developer_page_names_the_units(reports):
    page = Client().get(reverse("open311:developer")).content.decode()
    for code, name in (("indramayu", "Polres Indramayu"), ("krangkeng", "Polsek Krangkeng")):
        assert f"<code>{code}</code> {name}" in page
    assert "<code>karangampel</code> Polsek Karangampel" in page
