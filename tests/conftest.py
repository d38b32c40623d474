import datetime
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings

from aspirations import choices
from core import roles
from krangkeng_portal.settings import cache_from_url, session_engine_for
from patrols.models import Position
from patrols.services import assignment_start
from tests.factories import OfficerFactory, village
from tests.s3 import Bucket, MotoServer
from units.scoping import deployment_wide

PASSWORD = "correct-horse-battery-staple"


# The suite's own cache, whatever the shell exports: a production shell has REDIS_URL,
# and the tests must neither change with it nor write into that Redis. A run opts in
# to Redis deliberately with KRK_TEST_CACHE=redis://host:port/db; .ci/run does, once.
# cache.clear() in the tests empties a whole Redis database, so each xdist worker
# takes its own: gw0 the one named, gw1 the next, and so on.
def _test_cache_url() -> str:
    url = os.environ.get("KRK_TEST_CACHE") or "locmem://"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if not url.startswith(("redis://", "rediss://")):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


TEST_CACHE = cache_from_url(_test_cache_url())


@pytest.fixture(autouse=True, scope="session")
def _test_cache():
    """CACHES and the SESSION_ENGINE that follows from it, as settings.py derives them."""
    with override_settings(CACHES={"default": TEST_CACHE}, SESSION_ENGINE=session_engine_for(TEST_CACHE)):
        yield


def stored_cache_keys() -> list[str]:
    """Every key in the default cache as the backend holds it (local memory, or Redis)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return [key.decode() for key in backend._cache.get_client().keys("*")]
    return list(backend._cache.keys())


@pytest.fixture(autouse=True, scope="session")
def _deployment_wide_by_default():
    """Tests set up rows of every unit and read them back: outside a request, scopes are off.

    A request through the test client enters the user's scope (units.middleware) as
    in production, so the views are tested scoped; tests/units/test_scoping.py
    checks that a query outside any scope fails.
    """
    with deployment_wide():
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The job worker runs in a process of its own against the test database, as in
    production (tests/jobs.py): on SQLite that database must be a file, not in memory.

    Its folder is this session's own, not pytest's numbered temporary folders: other
    pytest sessions on the machine prune those (keeping the last three), and took the
    database away from under a running suite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        folder = Path(tempfile.mkdtemp(prefix="krk-test-db-"))
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
        yield
        shutil.rmtree(folder, ignore_errors=True)
        return
    yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """The manifest storage needs collectstatic; tests use the finders instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_kept_form_choices():
    """The public pages keep villages and categories in the cache (aspirations.choices);
    a test's rows roll back without a signal, so no test may start with another's."""
    choices.forget()
    yield
    choices.forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is deliberately slow; tests hash dozens of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path_factory):
    """Uploaded photos go to a throw-away MEDIA_ROOT, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, started once per pytest process (each xdist worker has its own)
    the first time a test asks for it; about two seconds."""
    server = MotoServer.running()
    yield server
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings) -> Bucket:
    """Photos and exports in a fresh private bucket, through the STORAGES entry settings.py
    builds from KRK_S3_* (django-storages' S3Storage, unpatched)."""
    bucket = Bucket.create(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage_settings()}
    return bucket


@pytest.fixture(params=["filesystem", "s3"])
def media_storage(request) -> Bucket | None:
    """Run a test once with MEDIA_ROOT and once with the S3 bucket (then the bucket)."""
    return request.getfixturevalue("s3_media") if request.param == "s3" else None


@pytest.fixture
def bhabin(db):
    """The Bhabinkamtibmas of Krangkeng (role: officer)."""
    officer = OfficerFactory(
        username="bhabin.test",
        first_name="Ahmad",
        last_name="Fauzi",
        position=Position.BHABINKAMTIBMAS,
        role=roles.OFFICER,
    )
    assignment_start(officer=officer, village=village("Krangkeng"), start_date=datetime.date(2024, 1, 1))
    return officer


@pytest.fixture
def other_bhabin(db):
    """The Bhabinkamtibmas of Tanjakan: an outsider to Krangkeng's records."""
    officer = OfficerFactory(
        username="bhabin.other",
        first_name="Dwi",
        last_name="Prasetyo",
        position=Position.BHABINKAMTIBMAS,
        role=roles.OFFICER,
    )
    assignment_start(officer=officer, village=village("Tanjakan"), start_date=datetime.date(2024, 1, 1))
    return officer


@pytest.fixture
def operator(db):
    return OfficerFactory(username="operator.test", position=Position.OPERATOR, role=roles.OPERATOR)


@pytest.fixture
def commander(db):
    return OfficerFactory(username="pimpinan.test", position=Position.KAPOLSEK, role=roles.COMMAND)


@pytest.fixture
def site_admin(db):
    return OfficerFactory(username="admin.test", position=Position.OPERATOR, role=roles.ADMIN, is_staff=True)


@pytest.fixture
def superuser(db):
    return OfficerFactory(username="root.test", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="session")
def playwright_driver(django_db_setup, django_db_blocker):
    """One Playwright for the whole test process (its sync API runs one per process), shared
    by tests/e2e's browser and tests/topology's."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's connections live in an asgiref Local (context variables). Starting
    # Playwright's event loop gives this thread a new context, hence new connection
    # objects without the `_test_serialized_contents` that serialized_rollback
    # restores after each transactional test: carry them over, or every
    # transactional test after the first would start on an empty database.
    with django_db_blocker.unblock():
        serialized = {
            conn.alias: conn._test_serialized_contents
            for conn in connections.all()
            if hasattr(conn, "_test_serialized_contents")
        }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        yield playwright
