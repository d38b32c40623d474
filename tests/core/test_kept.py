"""Values kept in the configured cache, and computed afresh while it is down."""

import logging

from django.core.cache import cache
from django.test import override_settings

from core.kept import forget, kept
from krangkeng_portal.settings import cache_from_url

# Nothing listens there: every call to this Redis is refused, as while the server is down.
UNREACHABLE = {"default": cache_from_url("redis://127.0.0.1:1/0?socket_connect_timeout=0.2")}


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[int]:
        self.calls += 1
        return [self.calls]


class TestKept:
    def test_computed_once_then_read(self):
        compute = Counter()
        assert kept("krk:test:kept", compute, 60, what="a test value") == [1]
        assert kept("krk:test:kept", compute, 60, what="a test value") == [1]
        assert compute.calls == 1
        forget("krk:test:kept", what="a test value")
        assert kept("krk:test:kept", compute, 60, what="a test value") == [2]
        cache.delete("krk:test:kept")

    def test_computed_afresh_while_the_cache_is_down(self, caplog):
        compute = Counter()
        with override_settings(CACHES=UNREACHABLE), caplog.at_level(logging.WARNING, logger="core.kept"):
            assert kept("krk:test:kept", compute, 60, what="a test value") == [1]
            assert kept("krk:test:kept", compute, 60, what="a test value") == [2]
            forget("krk:test:kept", what="a test value")
        assert [record.getMessage() for record in caplog.records] == [
            "cache unavailable; computing a test value afresh",
            "cache unavailable; computing a test value afresh",
            "cache unavailable; could not drop a test value",
        ]
