"""Aspirasi (the inbox) for operator and command, Aspirasi Saya for officers, in the menu."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.portal.test_navigation import nav_labels

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "inbox", "mine"),
    [("officer", False, True), ("operator", True, False), ("command", True, False), ("admin", False, False)],
)
def test_each_role_sees_its_entries(persona, inbox, mine, bhabin, operator, commander, site_admin):
    user = {"officer": bhabin, "operator": operator, "command": commander, "admin": site_admin}[persona]
    labels = nav_labels(client_for(user).get(reverse("directory")).content.decode())
    assert ("Aspirasi" in labels) is inbox
    assert ("Aspirasi Saya" in labels) is mine


def test_anonymous_sees_neither(client, db):
    labels = nav_labels(client.get(reverse("directory")).content.decode())
    assert not {"Aspirasi", "Aspirasi Saya"} & labels
