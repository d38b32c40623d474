"""krangkeng_portal.security: the per-view header decorators and the client address."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from krangkeng_portal.security import (
    SecurityHeadersMiddleware,
    client_ip,
    permissions_policy,
    permissions_policy_header,
    referrer_policy,
)


def through_middleware(view, request):
    return SecurityHeadersMiddleware(view)(request)


class TestPermissionsPolicy:
    def test_denies_every_feature_by_default(self, rf):
        response = through_middleware(lambda request: HttpResponse(), rf.get("/"))
        header = response["Permissions-Policy"]
        assert "geolocation=()" in header
        assert "camera=()" in header
        assert "microphone=()" in header
        assert "payment=()" in header
        assert "usb=()" in header
        assert "(self)" not in header

    def test_decorator_allows_geolocation_on_one_view_only(self, rf):
        @permissions_policy(geolocation=["self"])
        def patrol_form(request):
            return HttpResponse()

        header = through_middleware(patrol_form, rf.get("/"))["Permissions-Policy"]
        assert "geolocation=(self)" in header
        assert "camera=()" in header
        other = through_middleware(lambda request: HttpResponse(), rf.get("/"))["Permissions-Policy"]
        assert "geolocation=()" in other

    def test_origins_are_quoted(self):
        assert 'geolocation=(self "https://peta.example")' in permissions_policy_header(
            {"geolocation": ["self", "https://peta.example"]}
        )

    def test_a_misspelt_feature_fails_at_import_time(self):
        with pytest.raises(ValueError, match="geolocaton"):
            permissions_policy(geolocaton=["self"])


class TestReferrerPolicy:
    def test_overrides_the_site_wide_policy(self, client, db):
        @referrer_policy("no-referrer")
        def status_page(request):
            return HttpResponse()

        assert status_page(RequestFactory().get("/"))["Referrer-Policy"] == "no-referrer"
        assert client.get("/")["Referrer-Policy"] == "same-origin"


class TestClientIp:
    def test_remote_addr_without_a_proxy(self, rf, settings):
        settings.KRK_CLIENT_IP_HEADER = ""
        assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "198.51.100.1"

    def test_behind_a_proxy_only_its_last_entry_counts(self, rf, settings):
        settings.KRK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
        request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
        assert client_ip(request) == "198.51.100.1"

    def test_garbage_in_the_header_falls_back_to_remote_addr(self, rf, settings):
        settings.KRK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
        assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")) == "127.0.0.1"
