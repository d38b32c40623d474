import datetime

import pytest
from django.test import Client

from aspirations import choices
from core import roles
from patrols.models import Position
from patrols.services import assignment_start
from tests.factories import OfficerFactory, village

PASSWORD = "correct-horse-battery-staple"


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
