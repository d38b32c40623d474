"""What each workflow service writes: events, timestamps, deadlines, rejection texts, audit entries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aspirations import deadlines, services
from aspirations.models import AspirationEvent, EventKind, Priority, Referral, RejectionReason, Status
from audit.models import AuditAction, AuditEntry
from tests.aspirations.builders import in_status
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

# A Wednesday morning WIB, the day before Ascension Day (Thursday 9 May 2024, a public holiday).
WEDNESDAY = timezone.make_aware(datetime.datetime(2024, 5, 8, 9, 30))


@pytest.fixture
def frozen(monkeypatch):
    """Pin "now" for the services (they read django.utils.timezone.now)."""

    def pin(moment: datetime.datetime) -> datetime.datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return pin


def events(aspiration, kind=None):
    queryset = AspirationEvent.objects.filter(aspiration=aspiration).order_by("created_at", "pk")
    return list(queryset.filter(kind=kind) if kind else queryset)


class TestVerify:
    def test_stamps_the_time_and_sets_the_follow_up_deadline_in_working_days(self, operator, frozen, settings):
        settings.KRK_FOLLOWUP_WORKING_DAYS = 5
        aspiration = in_status(Status.BARU, submitted_at=WEDNESDAY - datetime.timedelta(days=1))
        now = frozen(WEDNESDAY)
        services.aspiration_verify(aspiration=aspiration, actor=operator, priority=Priority.HIGH)
        aspiration.refresh_from_db()
        assert aspiration.verified_at == now
        # Wed 8 May + 5 working days, skipping the holiday and the weekend: 10, 13, 14, 15, 16 May.
        assert timezone.localtime(aspiration.followup_due) == timezone.make_aware(
            datetime.datetime(2024, 5, 16, 23, 59, 59, 999999)
        )
        assert aspiration.followup_due == deadlines.followup_due(now)
        assert aspiration.priority == Priority.HIGH
        assert aspiration.first_response_at is None

    def test_at_replays_a_past_step_with_its_own_deadline(self, operator, settings):
        settings.KRK_FOLLOWUP_WORKING_DAYS = 5
        aspiration = in_status(Status.BARU, submitted_at=WEDNESDAY - datetime.timedelta(days=1))
        services.aspiration_verify(aspiration=aspiration, actor=operator, at=WEDNESDAY)
        aspiration.refresh_from_db()
        assert aspiration.verified_at == WEDNESDAY
        assert aspiration.followup_due == deadlines.followup_due(WEDNESDAY)
        [change] = events(aspiration, EventKind.STATUS_CHANGE)
        assert change.created_at == WEDNESDAY

    def test_writes_a_public_status_change_by_the_operator(self, operator):
        aspiration = in_status(Status.BARU)
        services.aspiration_verify(aspiration=aspiration, actor=operator)
        [change] = events(aspiration, EventKind.STATUS_CHANGE)
        assert (change.from_status, change.to_status) == (Status.BARU, Status.TERVERIFIKASI)
        assert change.author == operator and change.is_public

    def test_leaves_the_priority_alone_when_not_given(self, operator):
        aspiration = in_status(Status.BARU, priority=Priority.URGENT)
        services.aspiration_verify(aspiration=aspiration, actor=operator)
        aspiration.refresh_from_db()
        assert aspiration.priority == Priority.URGENT


class TestReject:
    def test_not_police_authority_names_sp4n_lapor(self, operator):
        aspiration = in_status(Status.BARU)
        services.aspiration_reject(
            aspiration=aspiration,
            actor=operator,
            reason=RejectionReason.NOT_AUTHORITY,
            referred_to=Referral.SP4N_LAPOR,
            note="Jalan desa wewenang pemerintah desa.",
        )
        aspiration.refresh_from_db()
        assert aspiration.status == Status.DITOLAK
        assert aspiration.referred_to == Referral.SP4N_LAPOR
        assert "SP4N-LAPOR!" in aspiration.rejection_note and "lapor.go.id" in aspiration.rejection_note
        assert "Jalan desa wewenang pemerintah desa." in aspiration.rejection_note

    def test_officer_conduct_goes_to_dumas_presisi(self, operator):
        aspiration = in_status(Status.TERVERIFIKASI)
        services.aspiration_reject(
            aspiration=aspiration,
            actor=operator,
            reason=RejectionReason.NOT_AUTHORITY,
            referred_to=Referral.DUMAS_PRESISI,
        )
        aspiration.refresh_from_db()
        assert "Dumas Presisi" in aspiration.rejection_note
        assert "dumaspresisi.polri.go.id" in aspiration.rejection_note

    def test_a_duplicate_links_the_original_for_staff_only(self, operator):
        original = in_status(Status.TERVERIFIKASI)
        copy = in_status(Status.BARU)
        services.aspiration_reject(
            aspiration=copy, actor=operator, reason=RejectionReason.DUPLICATE, duplicate_of=original
        )
        copy.refresh_from_db()
        assert copy.duplicate_of == original
        assert original.code not in copy.rejection_note

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"reason": RejectionReason.DUPLICATE}, "duplicate_code"),
            ({"reason": RejectionReason.NOT_AUTHORITY}, "referred_to"),
            ({"reason": RejectionReason.OTHER}, "note"),
            ({"reason": "bosan"}, "reason"),
        ],
    )
    def test_refuses_an_incomplete_reason(self, operator, arguments, field):
        aspiration = in_status(Status.BARU)
        with pytest.raises(ValidationError) as refused:
            services.aspiration_reject(aspiration=aspiration, actor=operator, **arguments)
        assert field in refused.value.message_dict
        aspiration.refresh_from_db()
        assert aspiration.status == Status.BARU

    def test_a_duplicate_of_itself_is_refused(self, operator):
        aspiration = in_status(Status.BARU)
        with pytest.raises(ValidationError):
            services.aspiration_reject(
                aspiration=aspiration, actor=operator, reason=RejectionReason.DUPLICATE, duplicate_of=aspiration
            )

    def test_counts_as_the_first_response(self, operator, frozen):
        aspiration = in_status(Status.BARU)
        now = frozen(timezone.now())
        services.aspiration_reject(aspiration=aspiration, actor=operator, reason=RejectionReason.SPAM)
        aspiration.refresh_from_db()
        assert aspiration.first_response_at == now


class TestAssign:
    def test_moves_to_follow_up_and_names_the_officer_internally(self, operator, bhabin):
        aspiration = in_status(Status.TERVERIFIKASI)
        services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin, note="Cek ke lokasi.")
        aspiration.refresh_from_db()
        assert aspiration.status == Status.DITINDAKLANJUTI and aspiration.assigned_to == bhabin
        [assignment] = events(aspiration, EventKind.ASSIGNMENT)
        assert assignment.assignee == bhabin and assignment.author == operator
        assert not assignment.is_public and assignment.body == "Cek ke lokasi."
        [change] = events(aspiration, EventKind.STATUS_CHANGE)
        assert change.is_public and change.to_status == Status.DITINDAKLANJUTI

    def test_reassignment_keeps_the_status_and_the_history(self, commander, bhabin, other_bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_assign(aspiration=aspiration, actor=commander, officer=other_bhabin)
        aspiration.refresh_from_db()
        assert aspiration.status == Status.DITINDAKLANJUTI and aspiration.assigned_to == other_bhabin
        assert [e.assignee for e in events(aspiration, EventKind.ASSIGNMENT)] == [bhabin, other_bhabin]
        assert events(aspiration, EventKind.STATUS_CHANGE) == []

    def test_only_officers_who_handle_aspirations(self, operator, commander):
        aspiration = in_status(Status.TERVERIFIKASI)
        with pytest.raises(ValidationError):
            services.aspiration_assign(aspiration=aspiration, actor=operator, officer=commander)

    def test_not_to_a_disabled_account(self, operator):
        gone = OfficerFactory(role="officer", is_active=False)
        with pytest.raises(ValidationError):
            services.aspiration_assign(aspiration=in_status(Status.TERVERIFIKASI), actor=operator, officer=gone)

    def test_not_to_the_same_officer_again(self, commander, bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        with pytest.raises(ValidationError):
            services.aspiration_assign(aspiration=aspiration, actor=commander, officer=bhabin)


class TestReplyAndNote:
    def test_first_reply_stamps_the_first_response_once(self, bhabin, frozen):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        first = frozen(timezone.now())
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah kami cek.")
        frozen(first + datetime.timedelta(hours=3))
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Pelaku sudah dibina.")
        aspiration.refresh_from_db()
        assert aspiration.first_response_at == first
        replies = events(aspiration, EventKind.PUBLIC_REPLY)
        assert [r.body for r in replies] == ["Sudah kami cek.", "Pelaku sudah dibina."]
        assert all(r.is_public and r.author == bhabin for r in replies)

    def test_an_answered_aspiration_has_no_deadline_left(self, bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        assert aspiration.current_deadline == aspiration.followup_due
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah kami cek.")
        aspiration.refresh_from_db()
        assert aspiration.current_deadline is None

    def test_a_note_is_internal_and_no_response(self, operator):
        aspiration = in_status(Status.BARU)
        services.aspiration_note(aspiration=aspiration, actor=operator, body="Sudah telepon pelapor.")
        [note] = events(aspiration, EventKind.INTERNAL_NOTE)
        assert not note.is_public and note.author == operator
        aspiration.refresh_from_db()
        assert aspiration.first_response_at is None


class TestResolveAndReopen:
    def test_resolve_stamps_resolved_and_publishes_the_closing_reply(self, bhabin, frozen):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        now = frozen(timezone.now())
        services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body="Balap liar sudah dibubarkan.")
        aspiration.refresh_from_db()
        assert aspiration.status == Status.SELESAI
        assert aspiration.resolved_at == now
        assert aspiration.first_response_at == now  # resolved without an earlier reply
        [change] = events(aspiration, EventKind.STATUS_CHANGE)
        assert change.is_public and change.body == "Balap liar sudah dibubarkan."

    def test_reopening_a_resolved_one_returns_it_to_its_officer_with_a_fresh_deadline(
        self, commander, bhabin, frozen, settings
    ):
        aspiration = in_status(Status.SELESAI, officer=bhabin)
        now = frozen(WEDNESDAY)
        services.aspiration_reopen(aspiration=aspiration, actor=commander, reason="Warga lapor terulang lagi.")
        aspiration.refresh_from_db()
        assert aspiration.status == Status.DITINDAKLANJUTI and aspiration.assigned_to == bhabin
        assert aspiration.resolved_at is None and aspiration.first_response_at is None
        assert aspiration.followup_due == deadlines.followup_due(now)
        note = events(aspiration, EventKind.INTERNAL_NOTE)[-1]
        assert "Warga lapor terulang lagi." in note.body and not note.is_public

    def test_reopening_a_rejected_one_forgets_the_rejection_but_keeps_it_on_the_timeline(self, operator, commander):
        aspiration = in_status(Status.TERVERIFIKASI)
        services.aspiration_reject(
            aspiration=aspiration,
            actor=operator,
            reason=RejectionReason.NOT_AUTHORITY,
            referred_to=Referral.SP4N_LAPOR,
        )
        services.aspiration_reopen(aspiration=aspiration, actor=commander, reason="Ternyata ada unsur pidana.")
        aspiration.refresh_from_db()
        assert aspiration.status == Status.TERVERIFIKASI  # it had been verified before
        assert (aspiration.rejection_reason, aspiration.rejection_note, aspiration.referred_to) == ("", "", "")
        assert "Bukan wewenang kepolisian" in events(aspiration, EventKind.INTERNAL_NOTE)[-1].body

    def test_reopening_needs_a_reason(self, commander):
        with pytest.raises(ValidationError):
            services.aspiration_reopen(aspiration=in_status(Status.DITOLAK), actor=commander, reason="  ")


class TestAudit:
    def test_every_change_is_recorded_with_its_actor(self, operator, bhabin):
        aspiration = in_status(Status.BARU)
        services.aspiration_verify(aspiration=aspiration, actor=operator)
        services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        services.aspiration_note(aspiration=aspiration, actor=bhabin, body="Catatan.")
        services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body="Selesai.")
        entries = AuditEntry.objects.filter(action=AuditAction.ASPIRATION_CHANGED, target_id=str(aspiration.pk))
        assert entries.count() == 5
        assert set(entries.values_list("actor_username", flat=True)) == {operator.username, bhabin.username}
        assert all(aspiration.code in summary for summary in entries.values_list("summary", flat=True))

    def test_a_refused_action_records_nothing(self, bhabin):
        aspiration = in_status(Status.BARU)
        with pytest.raises(PermissionDenied):
            services.aspiration_verify(aspiration=aspiration, actor=bhabin)
        assert not AuditEntry.objects.filter(action=AuditAction.ASPIRATION_CHANGED).exists()
