"""Staff files and pages with personal data are never stored by a browser or a proxy.

A shared computer at the Polsek or a village office must not keep a resident's
photo, an export or an inbox page in its cache after the officer signs out.
The pages come from the role x URL matrix (ROUTES); the success page after
submitting is checked in tests/aspirations/test_submitted.py (it needs the
browser's ticket cookie).
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.portal import test_access_matrix
from tests.portal.test_access_matrix import PERSONAS, ROUTES

world = test_access_matrix.world  # the matrix's fixture, shared

STAFF_FILES = {
    "patrols:photo",
    "patrols:photo_thumbnail",
    "patrols:patrol_export",
    "aspirations:photo",
    "aspirations:photo_thumbnail",
    "aspirations:inbox_export",
}
PERSONAL_PAGES = {
    "aspirations:inbox",
    "aspirations:mine",
    "aspirations:detail",
    "aspirations:slip",
    "aspirations:record_on_patrol",
    "aspirations:status",
    "patrols:patrol_list",
    "patrols:my_patrols",
    "patrols:patrol_detail",
    "patrols:patrol_edit",
    "audit:entry_list",
    "dashboard:dashboard",
    "dashboard:recap",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(STAFF_FILES | PERSONAL_PAGES))
def test_answered_with_no_store(url_name, world):
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    shown_to = []
    for persona in PERSONAS:
        response = client_for(world.get(persona)).get(url)
        if response.status_code == 200:
            shown_to.append(persona)
            assert "no-store" in response["Cache-Control"].split(", "), persona
    assert shown_to  # the page was really shown to someone
