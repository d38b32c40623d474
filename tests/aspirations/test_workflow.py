"""Every action from every status by every role: allowed ones succeed, the rest change nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from aspirations import services, workflow
from aspirations.models import AspirationEvent, Status
from aspirations.workflow import Action, TransitionNotAllowed
from tests.aspirations.builders import in_status

pytestmark = pytest.mark.django_db

A = Action
# status -> persona -> the actions that persona may take. "officer" is the officer the
# aspiration is assigned to (in follow-up and resolved); "other_officer" is a colleague.
ALLOWED = {
    Status.BARU: {
        "operator": {A.VERIFY, A.REJECT, A.NOTE},
        "command": {A.NOTE},
    },
    Status.TERVERIFIKASI: {
        "operator": {A.REJECT, A.ASSIGN, A.REPLY, A.NOTE},
        "command": {A.NOTE},
    },
    Status.DITINDAKLANJUTI: {
        "operator": {A.REPLY, A.NOTE, A.RESOLVE},
        "command": {A.ASSIGN, A.NOTE},  # reassign
        "officer": {A.REPLY, A.NOTE, A.RESOLVE},
    },
    Status.SELESAI: {
        "operator": {A.NOTE},
        "command": {A.REOPEN, A.NOTE},
        "officer": {A.NOTE},
    },
    Status.DITOLAK: {
        "operator": {A.NOTE},
        "command": {A.REOPEN, A.NOTE},
    },
}
PERSONAS = ("officer", "other_officer", "operator", "command", "admin")
AFTER = {
    A.VERIFY: Status.TERVERIFIKASI,
    A.REJECT: Status.DITOLAK,
    A.ASSIGN: Status.DITINDAKLANJUTI,
    A.RESOLVE: Status.SELESAI,
}
CASES = [(status, persona, action) for status in Status.values for persona in PERSONAS for action in Action]


@pytest.fixture
def people(bhabin, other_bhabin, operator, commander, site_admin):
    return {
        "officer": bhabin,
        "other_officer": other_bhabin,
        "operator": operator,
        "command": commander,
        "admin": site_admin,
    }


def aspiration_in(status, people):
    assigned = status in (Status.DITINDAKLANJUTI, Status.SELESAI)
    return in_status(status, officer=people["officer"] if assigned else None)


def run(action, aspiration, actor, people):
    arguments = {
        A.VERIFY: {},
        A.REJECT: {"reason": "spam"},
        A.ASSIGN: {"officer": people["other_officer"] if aspiration.assigned_to_id else people["officer"]},
        A.REPLY: {"body": "Petugas sudah ke lokasi."},
        A.NOTE: {"body": "Catatan internal."},
        A.RESOLVE: {"body": "Sudah selesai ditangani."},
        A.REOPEN: {"reason": "Warga melapor masalah muncul lagi."},
    }[action]
    service = {
        A.VERIFY: services.aspiration_verify,
        A.REJECT: services.aspiration_reject,
        A.ASSIGN: services.aspiration_assign,
        A.REPLY: services.aspiration_reply,
        A.NOTE: services.aspiration_note,
        A.RESOLVE: services.aspiration_resolve,
        A.REOPEN: services.aspiration_reopen,
    }[action]
    return service(aspiration=aspiration, actor=actor, **arguments)


class TestAllowedActions:
    @pytest.mark.parametrize("status", Status.values)
    @pytest.mark.parametrize("persona", PERSONAS)
    def test_matches_the_table(self, status, persona, people):
        aspiration = aspiration_in(status, people)
        expected = ALLOWED[status].get(persona, set())
        assert workflow.allowed_actions(people[persona], aspiration) == expected


class TestEveryTransition:
    @pytest.mark.parametrize(("status", "persona", "action"), CASES)
    def test_allowed_succeeds_and_forbidden_changes_nothing(self, status, persona, action, people):
        aspiration = aspiration_in(status, people)
        events_before = AspirationEvent.objects.filter(aspiration=aspiration).count()
        actor = people[persona]
        if action in ALLOWED[status].get(persona, set()):
            run(action, aspiration, actor, people)
            aspiration.refresh_from_db()
            if action == A.REOPEN:
                expected = Status.DITINDAKLANJUTI if status == Status.SELESAI else Status.BARU
            else:
                expected = AFTER.get(action, status)
            assert aspiration.status == expected
            assert AspirationEvent.objects.filter(aspiration=aspiration).count() > events_before
        else:
            with pytest.raises((PermissionDenied, TransitionNotAllowed)):
                run(action, aspiration, actor, people)
            aspiration.refresh_from_db()
            assert aspiration.status == status
            assert AspirationEvent.objects.filter(aspiration=aspiration).count() == events_before


class TestRefusals:
    def test_role_is_checked_before_status(self, people):
        """An officer is told "not yours" (403), not "wrong status", about something they cannot do at all."""
        aspiration = aspiration_in(Status.SELESAI, people)
        with pytest.raises(PermissionDenied):
            run(A.VERIFY, aspiration, people["officer"], people)

    def test_a_stale_copy_is_refused_after_someone_else_acted(self, people):
        first = aspiration_in(Status.BARU, people)
        stale = type(first).objects.get(pk=first.pk)
        services.aspiration_verify(aspiration=first, actor=people["operator"])
        with pytest.raises(TransitionNotAllowed) as refused:
            services.aspiration_verify(aspiration=stale, actor=people["operator"])
        assert refused.value.status == Status.TERVERIFIKASI
        stale.refresh_from_db()
        assert stale.status == Status.TERVERIFIKASI

    def test_an_officer_reassigned_away_can_no_longer_act(self, people):
        aspiration = aspiration_in(Status.DITINDAKLANJUTI, people)
        services.aspiration_assign(aspiration=aspiration, actor=people["command"], officer=people["other_officer"])
        with pytest.raises(PermissionDenied):
            services.aspiration_reply(aspiration=aspiration, actor=people["officer"], body="Masih saya tangani.")
        services.aspiration_reply(aspiration=aspiration, actor=people["other_officer"], body="Saya lanjutkan.")

    def test_a_deactivated_account_can_do_nothing(self, people):
        operator = people["operator"]
        operator.is_active = False
        operator.save()
        aspiration = aspiration_in(Status.BARU, people)
        assert workflow.allowed_actions(operator, aspiration) == frozenset()
