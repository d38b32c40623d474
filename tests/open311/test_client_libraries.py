"""End to end: Open311 client libraries from PyPI, written by others, against a live server.

- civicbot (0.4.0, `civicbot.open311.Open311Client`): creates a report (JSON), the
  way a client system would, and reads it back.
- georeport (0.3.1, `georeport.GeoReport`): reads services, a definition and the
  report in XML (parsed by xmltodict) and in JSON. It cannot create reports.

(The older `open311` 1.1 and `three` 0.8.0 run only on Python 2.)
"""

from __future__ import annotations

import pytest
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from aspirations.models import Aspiration, Channel
from tests.open311.conftest import BALAP_LIAR, new_client

# The live server reads committed rows: a transactional test, which afterwards restores the
# rows of the data migrations (roles, villages, categories) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def api_key(key_admin) -> str:
    _client, key = new_client(key_admin, name="Aplikasi Uji Civicbot")
    return key


@pytest.fixture
def base_url(live_server) -> str:
    return f"{live_server.url}/open311/v2"


def civicbot_client(base_url: str) -> Open311Client:
    endpoint = Endpoint(id="krangkeng", name="Polsek Krangkeng", base_url=base_url, write=True)
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport, jurisdiction_id="krangkeng")


def test_civicbot_creates_a_report_and_reads_it_back(base_url, api_key):
    client = civicbot_client(base_url)
    codes = [service["service_code"] for service in client.list_services()]
    assert "geng-motor-tawuran" in codes

    sent = client.create_request(
        "geng-motor-tawuran",
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        validate_remote=True,  # checks the attributes against our service definition first
        address_string="Blok Pasar, Desa Krangkeng",
        description=BALAP_LIAR,
        attributes={"village": "32.12.09.2010", "type": "laporan_kejadian"},
    )
    [answer] = sent.response
    aspiration = Aspiration.objects.get()
    assert answer["service_request_id"] == aspiration.public_id
    assert answer["ticket_code"] == aspiration.code
    assert (aspiration.channel, aspiration.sent_via) == (Channel.API, "Aplikasi Uji Civicbot")
    assert (aspiration.village.name, aspiration.type) == ("Krangkeng", "laporan_kejadian")

    read = client.get_request(answer["service_request_id"])
    assert read["service_request_id"] == aspiration.public_id
    assert (read["status"], read["service_code"]) == ("open", "geng-motor-tawuran")
    assert aspiration.code not in str(read)
    listed = client.list_requests(service_request_ids=[aspiration.public_id])
    assert [row["service_request_id"] for row in listed] == [aspiration.public_id]


def test_georeport_reads_xml_and_json(base_url, api_key):
    civicbot_client(base_url).create_request(
        "lalu-lintas",
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        address_string="Jalan Pantura, Desa Tanjakan",
        description="Lampu lalu lintas di simpang Tanjakan mati sejak tiga hari.",
    )
    aspiration = Aspiration.objects.get()
    for output_format in ("xml", "json"):
        client = GeoReport(base_url, jurisdiction="krangkeng", output_format=output_format)
        services = client.get_service_list()
        assert "lalu-lintas" in [service["service_code"] for service in services]
        definition = client.get_service_definition("lalu-lintas")
        assert definition["service_code"] == "lalu-lintas"
        request = client.get_service_request(aspiration.public_id)
        assert request["service_request_id"] == aspiration.public_id
        assert request["status"] == "open"
        assert request["service_code"] == "lalu-lintas"
        listed = client.get_service_requests(service_code="lalu-lintas", status="open")
        # xmltodict gives a lone element as a dict, several as a list.
        rows = listed if isinstance(listed, list) else [listed]
        assert [row["service_request_id"] for row in rows] == [aspiration.public_id]
    assert aspiration.village.name == "Tanjakan"
