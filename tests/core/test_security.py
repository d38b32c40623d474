"""core.security: the per-view header decorators and the client address."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.security import (
    SecurityHeadersMiddleware,
    client_ip,
    client_ip_hash,
    client_network,
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


class TestClientIpHash:
    def test_keyed_stable_and_not_the_address(self, rf, settings):
        first = client_ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.7"))
        assert first == client_ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.7"))
        assert first != client_ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.8"))
        assert "203.0.113.7" not in first and len(first) == 64
        settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
        assert client_ip_hash(rf.get("/", REMOTE_ADDR="203.0.113.7")) != first

    def test_no_request_no_hash(self):
        assert client_ip_hash(None) == ""


class TestClientNetwork:
    def test_ipv4_is_counted_per_address(self, rf):
        assert client_network(rf.get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"

    def test_ipv6_is_counted_per_64(self, rf):
        one = client_network(rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1"))
        other = client_network(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:fffe"))
        assert one == other == "2001:db8:1:2::"
        assert client_network(rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")) != one

    def test_ipv4_mapped_ipv6_is_the_ipv4_address(self, rf):
        assert client_network(rf.get("/", REMOTE_ADDR="::ffff:198.51.100.7")) == "198.51.100.7"

    def test_hash_rotating_ipv6_addresses_is_the_same(self, rf):
        assert client_ip_hash(rf.get("/", REMOTE_ADDR="2001:db8::1")) == client_ip_hash(
            rf.get("/", REMOTE_ADDR="2001:db8::2")
        )
