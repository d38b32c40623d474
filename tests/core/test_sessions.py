"""core.sessions: cached_db sessions that keep working while Redis is unreachable.

The cache is a real RedisCache pointed at a loopback port nothing listens on: every
call fails as it does when Redis is down (connection refused). tests/topology restarts
a real Redis under load.
"""

import socket

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from core.sessions import SessionStore
from tests.conftest import client_for


def unreachable_redis() -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}


@pytest.fixture
def redis_down(settings):
    with override_settings(CACHES={"default": unreachable_redis()}, SESSION_ENGINE="core.sessions"):
        caches["default"].close()
        yield
        caches["default"].close()


class TestSessionStore:
    def test_a_session_is_saved_and_read_from_the_database_while_redis_is_down(self, db, redis_down):
        store = SessionStore()
        store["visits"] = 3
        store.save()
        again = SessionStore(store.session_key)
        assert again["visits"] == 3
        assert again.exists(store.session_key)

    def test_deleting_a_session_while_redis_is_down_removes_it_from_the_database(self, db, redis_down):
        store = SessionStore()
        store["visits"] = 1
        store.save()
        store.delete()
        assert not SessionStore(store.session_key).exists(store.session_key)
        assert SessionStore(store.session_key).load() == {}


class TestPagesWhileRedisIsDown:
    def test_a_signed_in_officer_stays_signed_in_and_signs_out(self, bhabin, redis_down):
        client = client_for(bhabin)
        assert client.get("/petugas/").status_code == 200
        assert client.post("/keluar/").status_code == 302
        assert client.get("/petugas/").status_code == 302

    def test_the_home_page_counts_its_figures_afresh(self, db, redis_down):
        assert Client().get("/").status_code == 200
