"""The patrol links in the navigation follow permissions, in the words of DESIGN.md."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.portal.test_navigation import nav_labels

pytestmark = pytest.mark.django_db

PATROL_LINKS = {"Catat Patroli", "Patroli", "Patroli Saya"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", set()),
        ("bhabin", {"Catat Patroli", "Patroli", "Patroli Saya"}),
        ("operator", {"Patroli"}),
        ("commander", {"Patroli"}),
        ("site_admin", {"Patroli"}),
    ],
)
def test_patrol_links_per_role(request, persona, expected):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    labels = nav_labels(client_for(user).get(reverse("home")).content.decode())
    assert labels & PATROL_LINKS == expected


def test_english_words(bhabin):
    client = client_for(bhabin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    labels = nav_labels(client.get(reverse("home")).content.decode())
    assert {"Log Patrol", "Patrols", "My Patrols"} <= labels
