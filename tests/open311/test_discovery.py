"""Service Discovery: /open311/discovery.xml and .json."""

import pytest

from tests.open311 import shapes
from tests.open311.conftest import json_of, url, xml_of

pytestmark = pytest.mark.django_db


def test_xml_has_the_specifications_shape(client):
    root = xml_of(client.get(url("discovery")))
    shapes.assert_shape(root, shapes.DISCOVERY)
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [item.text for item in endpoint.find("formats")] == ["text/xml", "application/json"]


def test_json(client):
    discovery = json_of(client.get(url("discovery", "json")))
    assert list(discovery) == ["changeset", "contact", "key_service", "endpoints"]
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert "http://testserver/open311/" in discovery["key_service"]


def test_the_endpoint_url_leads_to_the_developer_page(client):
    response = client.get("/open311/v2/")
    assert response.status_code == 302
    assert response["Location"] == "/open311/"
