"""The browser journeys of tests/e2e, run through nginx over HTTPS on the two app servers.

The same test functions as tests/e2e (imported, not copied): this folder's fixtures
give them a page on nginx (conftest.py: `live_server` is nginx's address, Chromium
trusts the run's certificate). nginx spreads their requests over both app servers;
each journey checks that both served some of them.
"""

import pytest

from tests.e2e.test_aspiration_handling_journey import test_a_ticket_travels_from_the_form_to_selesai
from tests.e2e.test_dashboard_journey import test_command_changes_the_period_and_downloads_the_patrols
from tests.e2e.test_patrol_journey import test_officer_logs_a_patrol_with_a_photo_and_finds_it
from tests.e2e.test_resident_journey import test_resident_submits_anonymously_gets_a_code_and_checks_its_status

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("topology"),  # one topology per session: on one xdist worker
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = [
    "test_a_ticket_travels_from_the_form_to_selesai",
    "test_command_changes_the_period_and_downloads_the_patrols",
    "test_officer_logs_a_patrol_with_a_photo_and_finds_it",
    "test_resident_submits_anonymously_gets_a_code_and_checks_its_status",
]


@pytest.fixture(autouse=True)
def _both_app_servers_serve(topology):
    before = [server.requests_served() for server in topology.apps]
    yield
    after = [server.requests_served() for server in topology.apps]
    assert all(a > b for a, b in zip(after, before, strict=True)), f"requests per app server: {before} -> {after}"
