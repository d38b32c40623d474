"""Shared pieces of the Open311 tests: a client organisation with its key, and how to call the API."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from open311.models import ApiClient
from open311.services import api_client_create
from tests.factories import OfficerFactory, unit

BALAP_LIAR = "Balap liar setiap malam Minggu di jalan Pantura dekat balai desa, sangat membahayakan."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with empty rate-limit counters (they live in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def key_admin(db):
    from core import roles
    from patrols.models import Position

    return OfficerFactory(username="admin.api", position=Position.OPERATOR, role=roles.ADMIN, is_staff=True)


def new_client(actor, name: str = "Aplikasi Desa Krangkeng", **fields) -> tuple[ApiClient, str]:
    fields.setdefault("unit", unit("krangkeng"))
    fields.setdefault("rate_limit_per_hour", 60)
    return api_client_create(actor=actor, name=name, **fields)


@pytest.fixture
def api_client(key_admin) -> ApiClient:
    client, key = new_client(key_admin)
    client.key = key  # the only time the key exists in clear
    return client


def url(name: str, fmt: str = "xml", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"format": fmt, **kwargs})


def report(service_code: str = "geng-motor-tawuran", **params) -> dict:
    """A valid POST requests body (without the key)."""
    return {
        "service_code": service_code,
        "attribute[village]": "32.12.09.2010",
        "attribute[type]": "keluhan",
        "description": BALAP_LIAR,
        **params,
    }


def post(key: str, fmt: str = "xml", **params):
    """POST requests as a client system does: no session, no CSRF cookie."""
    return Client(enforce_csrf_checks=True).post(url("requests", fmt), {"api_key": key, **report(**params)})


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own server's answer, in a test)


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def error_descriptions(response) -> list[str]:
    """The descriptions of an error document, in either format."""
    if response["Content-Type"].startswith("application/json"):
        return [error["description"] for error in json_of(response)]
    root = xml_of(response)
    assert root.tag == "errors"
    return [error.findtext("description") for error in root.findall("error")]
