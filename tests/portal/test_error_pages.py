"""Custom 400/403/404/429/500 pages: Indonesian, no trace, path or setting names; 500 has an incident id."""

import logging
import re

import pytest
from django.test import Client

from core.errors import too_many_requests
from tests.portal.test_headers import assert_no_inline_code, assert_security_headers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

LEAKS = ("Traceback", "ZeroDivisionError", "SECRET_KEY", "DEBUG", "settings", "/secret/path", "reason for the log")


def assert_reveals_nothing(response, *paths: str) -> None:
    body = response.content.decode()
    for leak in (*LEAKS, *paths):
        assert leak not in body, f"{leak!r} shown on the {response.status_code} page"


class TestBadRequest:
    def test_suspicious_operation(self):
        response = Client().get("/suspicious/")
        assert response.status_code == 400
        assert "Permintaan tidak dapat dipahami" in response.content.decode()
        assert_reveals_nothing(response, "/suspicious/")

    def test_unknown_host(self):
        response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "Permintaan tidak dapat dipahami" in response.content.decode()
        assert_reveals_nothing(response, "evil.example")


class TestForbidden:
    def test_permission_denied(self):
        response = Client().get("/forbidden/")
        assert response.status_code == 403
        assert "Anda tidak boleh membuka halaman ini" in response.content.decode()
        assert_reveals_nothing(response, "/forbidden/")


class TestNotFound:
    def test_unknown_page(self):
        response = Client().get("/rahasia/tidak-ada/")
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.content.decode()
        assert_reveals_nothing(response, "/rahasia/tidak-ada/", "rahasia")
        assert_security_headers(response)
        assert_no_inline_code(response)


class TestTooManyRequests:
    def test_generic_page_with_retry_after(self, rf):
        response = too_many_requests(rf.get("/"), retry_after=90)
        assert response.status_code == 429
        assert response["Retry-After"] == "90"
        body = response.content.decode()
        assert "Terlalu banyak permintaan" in body
        assert "Coba lagi dalam 2 menit" in body

    def test_custom_message(self, rf):
        response = too_many_requests(rf.get("/"), message="Tunggu sebentar.")
        assert "Tunggu sebentar." in response.content.decode()
        assert "Retry-After" not in response


class TestServerError:
    def test_shows_an_incident_id_that_is_in_the_log(self, caplog):
        client = Client(raise_request_exception=False)
        with caplog.at_level(logging.ERROR, logger="core.errors"):
            response = client.get("/boom/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "Terjadi kesalahan di pihak kami" in body
        incident = re.search(r"\b([2-9A-Z]{4}-[2-9A-Z]{4})\b", body).group(1)
        assert response["X-Incident-Id"] == incident
        records = [r for r in caplog.records if r.name == "core.errors"]
        assert len(records) == 1
        assert incident in records[0].getMessage()
        assert records[0].exc_info[0] is ZeroDivisionError
        assert_reveals_nothing(response, "/boom/")

    def test_each_error_gets_its_own_id(self):
        client = Client(raise_request_exception=False)
        assert client.get("/boom/")["X-Incident-Id"] != client.get("/boom/")["X-Incident-Id"]

    def test_carries_the_security_headers(self):
        response = Client(raise_request_exception=False).get("/boom/")
        assert_security_headers(response)
        assert_no_inline_code(response)
