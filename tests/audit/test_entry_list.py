"""The audit trail page: command only, filters, pagination, constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from audit.views import PAGE_SIZE
from tests.conftest import client_for
from tests.factories import village
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

URL = reverse("audit:entry_list")


def rows(response) -> list[AuditEntry]:
    return list(response.context["page"].rows)


class TestAccess:
    def test_command_sees_the_trail(self, commander, operator):
        audit_record(action=AuditAction.IDENTITY_REVEALED, actor=operator, target=village("Krangkeng"))
        response = client_for(commander).get(URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Jejak Audit" in body
        assert operator.username in body
        assert "Identitas pelapor dibuka" in body

    @pytest.mark.parametrize("persona", ["bhabin", "operator", "site_admin"])
    def test_other_roles_are_refused(self, persona, request):
        assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_nothing_on_the_page_changes_data(self, commander):
        response = client_for(commander).post(URL)
        assert response.status_code == 405


class TestNavigation:
    def test_command_has_the_link(self, commander):
        assert f'href="{URL}"' in client_for(commander).get(reverse("home")).content.decode()

    @pytest.mark.parametrize("persona", ["bhabin", "operator", "site_admin"])
    def test_others_do_not(self, persona, request):
        html = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
        assert f'href="{URL}"' not in html


class TestFilters:
    @pytest.fixture
    def trail(self, operator, bhabin):
        audit_record(action=AuditAction.SIGN_IN, actor=operator)
        audit_record(action=AuditAction.SIGN_IN, actor=bhabin)
        old = audit_record(action=AuditAction.PERSONAL_DATA_EXPORTED, actor=operator)
        AuditEntry.objects.filter(pk=old.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2024, 5, 20, 9, 0))
        )

    def test_by_action(self, trail, commander):
        response = client_for(commander).get(URL, {"action": AuditAction.PERSONAL_DATA_EXPORTED})
        assert [entry.action for entry in rows(response)] == [AuditAction.PERSONAL_DATA_EXPORTED]

    def test_by_user(self, trail, commander, bhabin):
        response = client_for(commander).get(URL, {"actor": bhabin.username.upper()})
        assert [entry.actor_username for entry in rows(response)] == [bhabin.username]

    def test_by_date_in_wib(self, trail, commander):
        response = client_for(commander).get(URL, {"date_from": "2024-05-20", "date_to": "2024-05-20"})
        assert [entry.action for entry in rows(response)] == [AuditAction.PERSONAL_DATA_EXPORTED]

    def test_the_filter_card_opens_only_when_a_filter_is_used(self, trail, commander):
        client = client_for(commander)
        closed = client.get(URL).content.decode()
        assert '<details class="card mb-3 krk-filter">' in closed
        used = client.get(URL, {"action": AuditAction.SIGN_IN}).content.decode()
        assert '<details class="card mb-3 krk-filter" open>' in used
        assert f'href="{URL}">Hapus saringan</a>' in used

    def test_nonsense_filters_are_ignored(self, trail, commander):
        response = client_for(commander).get(URL, {"date_from": "kemarin", "action": "hack"})
        assert response.status_code == 200


class TestPagination:
    def test_newest_first_and_pages_keep_the_filter(self, commander, operator):
        for number in range(PAGE_SIZE + 3):
            audit_record(action=AuditAction.SIGN_IN, actor=operator, summary=f"#{number}")
        client = client_for(commander)
        # The commander's own sign-in is in the trail too: look at the operator's entries.
        first = client.get(URL, {"action": AuditAction.SIGN_IN, "actor": operator.username})
        assert [entry.summary for entry in rows(first)][:2] == [f"#{PAGE_SIZE + 2}", f"#{PAGE_SIZE + 1}"]
        assert len(rows(first)) == PAGE_SIZE
        assert f"action=sign_in&amp;actor={operator.username}&amp;page=2" in first.content.decode()
        second = client.get(URL, {"action": AuditAction.SIGN_IN, "actor": operator.username, "page": 2})
        assert len(rows(second)) == 3


class TestQueryCount:
    def test_same_number_of_queries_for_one_row_and_a_full_page(self, commander, operator):
        client = client_for(commander)
        client.get(URL)  # warm up (content types, session)
        audit_record(action=AuditAction.SIGN_IN, actor=operator)
        with page_queries() as one:
            client.get(URL)
        for number in range(60):
            audit_record(action=AuditAction.ASPIRATION_CHANGED, actor=operator, summary=str(number))
        with page_queries() as many:
            client.get(URL)
        assert len(one) == len(many) == QUERIES


# user, the user's permissions (one query: own and through roles), the page without COUNT
# (besides the session); the last-seen stamp is saved at most once a minute, so not here.
QUERIES = 3
