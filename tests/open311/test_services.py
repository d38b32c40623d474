"""GET services and GET services/{service_code}: the categories as Open311 services."""

import pytest
from django.test import Client

from aspirations.models import Category
from tests.open311 import shapes
from tests.open311.conftest import error_descriptions, json_of, url, xml_of
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


class TestServiceList:
    def test_xml_has_the_specifications_shape(self, client):
        root = xml_of(client.get(url("services")))
        shapes.assert_shape(root, shapes.SERVICES)
        codes = [service.findtext("service_code") for service in root]
        assert codes == list(Category.objects.filter(is_active=True).values_list("slug", flat=True))

    def test_a_service_in_xml(self, client):
        root = xml_of(client.get(url("services")))
        drugs = next(service for service in root if service.findtext("service_code") == "narkoba")
        assert drugs.findtext("service_name") == "Narkoba"
        assert drugs.findtext("metadata") == "true"
        assert drugs.findtext("type") == "realtime"
        assert "Drugs" in drugs.findtext("keywords")
        assert drugs.findtext("group") == "Kamtibmas"

    def test_json_is_the_same_list(self, client):
        services = json_of(client.get(url("services", "json")))
        assert isinstance(services, list)
        drugs = next(service for service in services if service["service_code"] == "narkoba")
        assert drugs["metadata"] is True
        assert list(drugs) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]

    def test_retired_categories_are_not_offered(self, client):
        Category.objects.filter(slug="bencana").update(is_active=False)
        services = json_of(client.get(url("services", "json")))
        assert "bencana" not in [service["service_code"] for service in services]

    def test_costs_one_query(self, client):
        with page_queries() as queries:
            response = client.get(url("services"))
        assert response.status_code == 200
        assert len(queries) == 1

    def test_an_unknown_format_is_a_400_in_xml(self, client):
        response = client.get(url("services", "html"))
        assert response.status_code == 400
        shapes.assert_shape(xml_of(response), shapes.ERRORS)

    def test_an_unknown_jurisdiction_is_a_404(self, client):
        response = client.get(url("services", "json"), {"jurisdiction_id": "polsek-lain"})
        assert response.status_code == 404
        assert error_descriptions(response) == ["jurisdiction_id: tidak ditemukan."]

    def test_answers_in_indonesian_whatever_the_visitor_chose(self, client):
        from django.conf import settings

        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(url("services", "json"), {"jurisdiction_id": "polsek-lain"})
        assert response["Content-Language"] == "id"
        assert error_descriptions(response) == ["jurisdiction_id: tidak ditemukan."]

    def test_the_jurisdiction_may_be_named(self, client):
        assert client.get(url("services"), {"jurisdiction_id": "krangkeng"}).status_code == 200

    def test_post_is_refused_with_405(self, client):
        response = client.post(url("services"))
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        shapes.assert_shape(xml_of(response), shapes.ERRORS)


class TestConditionalGet:
    def test_etag_gives_304_until_a_service_changes(self, client):
        first = client.get(url("services"))
        assert first["Cache-Control"] == "public, max-age=60"
        again = client.get(url("services"), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        Category.objects.filter(slug="narkoba").update(name="Narkotika")
        changed = client.get(url("services"), HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert changed["ETag"] != first["ETag"]

    def test_xml_and_json_have_different_etags(self, client):
        assert client.get(url("services"))["ETag"] != client.get(url("services", "json"))["ETag"]


class TestServiceDefinition:
    def test_xml_has_the_specifications_shape(self, client):
        root = xml_of(client.get(url("service_definition", code="geng-motor-tawuran")))
        shapes.assert_shape(root, shapes.SERVICE_DEFINITION)
        assert root.findtext("service_code") == "geng-motor-tawuran"
        codes = [attribute.findtext("code") for attribute in root.find("attributes")]
        assert codes == ["type", "village", "title", "occurred_at", "identity", "consent"]

    def test_the_villages_are_desa_codes(self, client):
        definition = json_of(client.get(url("service_definition", "json", code="geng-motor-tawuran")))
        village = next(attribute for attribute in definition["attributes"] if attribute["code"] == "village")
        assert village["datatype"] == "singlevaluelist"
        keys = {value["key"]: value["name"] for value in village["values"]}
        assert keys["32.12.09.2010"] == "Krangkeng"
        assert keys["32.12.09.2004"] == "Dukuhjati"
        assert "luar" in keys
        assert len(keys) == 12

    def test_report_types_and_the_identity_choice(self, client):
        definition = json_of(client.get(url("service_definition", "json", code="lalu-lintas")))
        by_code = {attribute["code"]: attribute for attribute in definition["attributes"]}
        assert [value["key"] for value in by_code["type"]["values"]] == [
            "aspirasi",
            "keluhan",
            "kebutuhan",
            "laporan_kejadian",
        ]
        assert [value["key"] for value in by_code["identity"]["values"]] == ["anonim", "kontak"]
        assert [value["key"] for value in by_code["consent"]["values"]] == ["ya"]
        assert all(attribute["required"] is False for attribute in definition["attributes"])
        assert [attribute["order"] for attribute in definition["attributes"]] == [1, 2, 3, 4, 5, 6]

    def test_a_sensitive_service_says_it_is_never_published(self, client):
        definition = json_of(client.get(url("service_definition", "json", code="kdrt-perlindungan-anak")))
        notice = definition["attributes"][-1]
        assert notice["code"] == "privacy_notice"
        assert notice["variable"] is False
        assert "tidak pernah dipublikasikan" in notice["description"]

    def test_costs_two_queries(self, client):
        with page_queries() as queries:
            client.get(url("service_definition", code="narkoba"))
        assert len(queries) == 2

    @pytest.mark.parametrize("fmt", ["xml", "json"])
    def test_an_unknown_service_is_a_404(self, client, fmt):
        response = client.get(url("service_definition", fmt, code="tidak-ada"))
        assert response.status_code == 404
        assert error_descriptions(response) == ["service_code: tidak ditemukan."]

    def test_a_retired_service_is_a_404(self, client):
        Category.objects.filter(slug="bencana").update(is_active=False)
        assert client.get(url("service_definition", code="bencana")).status_code == 404

    def test_conditional_get(self):
        client = Client()
        first = client.get(url("service_definition", code="narkoba"))
        assert (
            client.get(url("service_definition", code="narkoba"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        )
