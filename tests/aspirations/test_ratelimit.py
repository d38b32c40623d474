"""The cache-backed per-client limiter."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory

from aspirations import ratelimit
from tests.conftest import stored_cache_keys


def request_from(address: str = "203.0.113.7", **meta):
    return RequestFactory().get("/", REMOTE_ADDR=address, **meta)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    state = {"now": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "now", lambda: state["now"])
    return state


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()


class TestHit:
    def test_the_limit_holds_then_resets_when_the_window_passes(self, clock):
        request = request_from()
        assert [ratelimit.hit(request, "test", 3, 60) for _ in range(4)] == [True, True, True, False]
        clock["now"] += 30
        assert ratelimit.hit(request, "test", 3, 60) is False
        clock["now"] += 60
        assert ratelimit.hit(request, "test", 3, 60) is True

    def test_counts_each_client_apart(self, clock):
        assert ratelimit.hit(request_from("203.0.113.7"), "test", 1, 60)
        assert not ratelimit.hit(request_from("203.0.113.7"), "test", 1, 60)
        assert ratelimit.hit(request_from("198.51.100.9"), "test", 1, 60)

    def test_counts_each_scope_apart(self, clock):
        request = request_from()
        assert ratelimit.hit(request, "one", 1, 60)
        assert ratelimit.hit(request, "two", 1, 60)
        assert not ratelimit.hit(request, "one", 1, 60)

    def test_limits_come_from_settings(self, settings, clock):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_status": (2, 600)}
        request = request_from()
        assert [ratelimit.hit(request, "aspiration_status") for _ in range(3)] == [True, True, False]

    def test_exempt_addresses_and_networks_are_never_limited(self, settings, clock):
        settings.KRK_RATELIMIT_EXEMPT_IPS = ["10.0.0.0/8", "203.0.113.7"]
        for address in ("10.1.2.3", "203.0.113.7"):
            assert all(ratelimit.hit(request_from(address), "test", 1, 60) for _ in range(5))
        assert ratelimit.hit(request_from("198.51.100.9"), "test", 1, 60)
        assert not ratelimit.hit(request_from("198.51.100.9"), "test", 1, 60)

    def test_the_cache_key_holds_no_address(self, clock):
        ratelimit.hit(request_from("203.0.113.7"), "test", 5, 60)
        keys = stored_cache_keys()
        assert keys
        assert not any("203.0.113.7" in key for key in keys)

    def test_a_broken_cache_lets_requests_through(self, monkeypatch, clock):
        def broken(*args, **kwargs):
            raise ConnectionError("redis is down")

        monkeypatch.setattr(ratelimit.cache, "add", broken)
        assert all(ratelimit.hit(request_from(), "test", 1, 60) for _ in range(3))


class TestTooManyRequests:
    def test_polite_page_in_indonesian_with_retry_after(self, clock, db):
        request = request_from()
        request.user = AnonymousUser()
        response = ratelimit.too_many_requests(request, "aspiration_submit")
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 3600
        assert "Kami menerima banyak permintaan" in response.content.decode()
