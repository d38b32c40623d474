"""The portal as production runs it (tests/topology/rig.py): nginx with TLS in front of
two gunicorn app servers, a job worker, PostgreSQL and a Redis of the run's own.

One topology per test session, on the session's PostgreSQL test database (created and
dropped by pytest-django), so the tests read and write the rows the app servers see.
Tests skip, saying why, without nginx, openssl or redis-server, or when the suite runs
on SQLite (`make topology` runs them on PostgreSQL); CI sets KRK_REQUIRE_TOPOLOGY=1 in
its PostgreSQL pass, where a skip would be a failure. About 75 s with the journeys.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from krangkeng_portal.settings import cache_from_url, session_engine_for
from tests.e2e.conftest import PHONE, launch_chromium

from .rig import Topology, missing_programs

# Short enough that a worker held by a slow upload would be killed within the slow-upload
# test (it sends for longer), long enough for any page of the journeys on a busy machine.
GUNICORN_TIMEOUT = 10
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here `topology` (`-m 'not topology'` leaves them out). Keeping them
    on one xdist worker is each module's `xdist_group` mark: xdist reads that before
    this hook runs."""
    for item in items:
        if Path(item.fspath).parent == HERE:
            item.add_marker(pytest.mark.topology)


def _unavailable(reason: str) -> None:
    if os.environ.get("KRK_REQUIRE_TOPOLOGY"):
        pytest.fail(f"KRK_REQUIRE_TOPOLOGY is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def topology(django_db_setup, django_db_blocker):
    missing = missing_programs()
    if missing:
        _unavailable(f"the topology needs {', '.join(missing)}: apt-get install {' '.join(missing)}")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            _unavailable(
                "the topology runs on PostgreSQL: `make topology`, or set DATABASE_URL=postgres://... for the suite"
            )
        database = connection.settings_dict
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else "")
    url = f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    workdir = Path(tempfile.mkdtemp(prefix="krk-topology-"))
    rig = Topology(workdir, url, gunicorn_timeout=GUNICORN_TIMEOUT, extra_env={"KRK_MIN_FILL_SECONDS": "0"})
    try:
        rig.start()
        yield rig
    finally:
        rig.stop()
        if not os.environ.get("KRK_TOPOLOGY_KEEP"):  # its logs, to read after a failure
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _shared_cache(request):
    """This process reads and clears the cache the app servers share (the run's Redis),
    so rate limits and kept form choices start empty in every test."""
    if "topology" not in request.fixturenames:
        yield
        return
    rig = request.getfixturevalue("topology")
    shared = cache_from_url(rig.redis.url)
    with override_settings(CACHES={"default": shared}, SESSION_ENGINE=session_engine_for(shared)):
        cache.clear()
        yield


@pytest.fixture(autouse=True)
def _private_media_root(settings, request):
    """The app servers' MEDIA_ROOT, so a test sees the files they stored."""
    if "topology" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("topology").workdir / "media"
    return settings.MEDIA_ROOT


class Front:
    """Stands in for pytest-django's live_server: the journeys' base URL becomes nginx's."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._live_server_modified_settings = override_settings()

    def __str__(self) -> str:
        return self.url


@pytest.fixture
def live_server(topology, transactional_db):
    return Front(topology.url)


@pytest.fixture(scope="session")
def browser(topology, playwright_driver):
    yield from launch_chromium(playwright_driver, "--ignore-certificate-errors")


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page on nginx over HTTPS (the run's certificate accepted)."""
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        ignore_https_errors=True,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """The app servers check passwords with the production hashers: the accounts the
    tests make must be hashed with them too (the suite's MD5 shortcut is off here)."""
