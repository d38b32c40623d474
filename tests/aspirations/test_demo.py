"""Demo aspirations: varied, plausible, idempotent."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from aspirations import tickets
from aspirations.demo import seed_aspirations
from aspirations.models import Aspiration, AspirationEvent, EventKind, Status
from patrols.demo import seed_accounts
from patrols.demo_territory import DEMO_DAYS
from tests.aspirations.conftest import look_up_status

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module: seeding replays every timeline through the
    workflow services (seconds). Each test runs inside, in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_accounts(password="demo-krangkeng-110")
        yield seed_aspirations()
        transaction.set_rollback(True)


class TestSeedAspirations:
    def test_spreads_over_90_days_statuses_categories_and_villages(self, seeded):
        assert seeded == Aspiration.objects.count() >= 60
        statuses = Counter(Aspiration.objects.values_list("status", flat=True))
        assert set(statuses) == set(Status.values)
        assert statuses[Status.SELESAI] > statuses[Status.DITOLAK]
        assert Aspiration.objects.values("category").distinct().count() >= 6
        assert Aspiration.objects.values("village").distinct().count() >= 9
        oldest = Aspiration.objects.earliest("submitted_at").submitted_at
        assert timezone.now() - oldest >= datetime.timedelta(days=DEMO_DAYS["krangkeng"] - 10)
        assert Aspiration.objects.filter(submitted_at__gt=timezone.now()).count() == 0

    def test_each_polsek_has_its_own_handled_by_its_operator(self, seeded):
        neighbours = Aspiration.objects.filter(unit__code__in=["karangampel", "kedokan-bunder"])
        assert neighbours.exists()
        oldest = neighbours.earliest("submitted_at").submitted_at
        assert timezone.localdate() - timezone.localdate(oldest) <= datetime.timedelta(days=DEMO_DAYS["karangampel"])
        for aspiration in Aspiration.objects.exclude(village=None).select_related("village", "unit"):
            assert aspiration.unit_id == aspiration.village.unit_id
        for aspiration in Aspiration.objects.exclude(created_by=None).select_related("created_by", "unit"):
            assert aspiration.created_by.unit_id == aspiration.unit_id, "recorded by the unit's own operator"

    def test_from_outside_every_polsek_the_polres_operator_handles_it(self, seeded):
        outside = Aspiration.objects.filter(village=None)
        assert outside.exists()
        assert set(outside.values_list("unit__code", flat=True)) == {"indramayu"}
        steps = AspirationEvent.objects.filter(aspiration__village=None, kind=EventKind.STATUS_CHANGE)
        assert steps.exists()
        assert set(steps.values_list("author__username", flat=True)) == {"operator.polres"}

    def test_running_twice_adds_nothing(self, seeded):
        rows = sorted(Aspiration.objects.values_list("code", "status", "submitted_at"))
        events = AspirationEvent.objects.count()
        assert seed_aspirations() == 0
        assert sorted(Aspiration.objects.values_list("code", "status", "submitted_at")) == rows
        assert AspirationEvent.objects.count() == events

    def test_a_day_later_adds_only_the_new_day(self, seeded):
        before = set(Aspiration.objects.values_list("code", flat=True))
        seed_aspirations(today=timezone.localdate() + datetime.timedelta(days=1))
        after = set(Aspiration.objects.values_list("code", flat=True))
        assert before <= after

    def test_codes_are_valid_and_timelines_match_the_status(self, seeded):
        for aspiration in Aspiration.objects.prefetch_related("events"):
            assert tickets.is_valid(aspiration.code)
            events = sorted(aspiration.events.all(), key=lambda e: (e.created_at, e.pk))
            assert events[0].kind == EventKind.CREATED
            changes = [e for e in events if e.kind == EventKind.STATUS_CHANGE]
            assert (changes[-1].to_status if changes else Status.BARU) == aspiration.status
            assert all(e.created_at <= timezone.now() for e in events)
            if aspiration.verified_at:
                assert aspiration.verified_at >= aspiration.submitted_at
                assert aspiration.followup_due > aspiration.verified_at
            if aspiration.status == Status.SELESAI:
                assert aspiration.resolved_at >= aspiration.first_response_at >= aspiration.verified_at

    def test_some_are_late_some_identified_some_entered_by_staff(self, seeded):
        late = [a for a in Aspiration.objects.exclude(verified_at=None) if a.verified_at > a.verification_due]
        assert late
        assert Aspiration.objects.exclude(reporter_name="").exists()
        assert Aspiration.objects.exclude(created_by=None).exists()
        assert Aspiration.objects.filter(is_spam_suspected=True).exists()

    def test_the_status_page_has_replies_to_show(self, client, seeded):
        resolved = Aspiration.objects.filter(status=Status.SELESAI).first()
        html = look_up_status(client, resolved.code).content.decode()
        assert "Selesai" in html
        reply = resolved.events.get(kind=EventKind.PUBLIC_REPLY)
        assert reply.body in html
        for note in resolved.events.filter(kind=EventKind.INTERNAL_NOTE):
            assert note.body not in html
        if resolved.reporter_name:
            assert resolved.reporter_name not in html


class TestDemoTimelines:
    def test_every_step_went_through_the_workflow_services(self, seeded):
        """The services audit each step they take; the demo writes no timeline row itself."""
        from audit.models import AuditEntry

        summaries = set(AuditEntry.objects.values_list("summary", flat=True))
        verified = Aspiration.objects.exclude(verified_at=None)
        resolved = Aspiration.objects.filter(status=Status.SELESAI)
        assert verified.exists() and resolved.exists()
        assert all(f"{aspiration.code}: verified" in summaries for aspiration in verified)
        assert all(f"{aspiration.code}: resolved" in summaries for aspiration in resolved)

    def test_the_steps_happened_on_their_days_not_when_the_demo_ran(self, seeded):
        resolved = Aspiration.objects.filter(status=Status.SELESAI).earliest("resolved_at")
        assert timezone.now() - resolved.resolved_at > datetime.timedelta(days=30)
        created = resolved.events.get(kind=EventKind.CREATED)
        closed = resolved.events.get(kind=EventKind.STATUS_CHANGE, to_status=Status.SELESAI)
        assert (created.created_at, closed.created_at) == (resolved.submitted_at, resolved.resolved_at)

    def test_assigned_to_the_villages_bhabinkamtibmas_with_the_assignment_on_the_timeline(self, seeded):
        from patrols.models import Assignment

        bhabins = {a.village_id: a.officer_id for a in Assignment.objects.in_force()}
        followed = Aspiration.objects.filter(status__in=[Status.DITINDAKLANJUTI, Status.SELESAI])
        assert followed.exists()
        for aspiration in followed:
            assert aspiration.assigned_to_id == bhabins[aspiration.village_id]
            assignment = aspiration.events.get(kind=EventKind.ASSIGNMENT)
            assert assignment.assignee_id == aspiration.assigned_to_id and not assignment.is_public

    def test_some_are_overdue_now(self, seeded):
        assert Aspiration.objects.overdue(timezone.now()).filter(status=Status.DITINDAKLANJUTI).exists()
        assert Aspiration.objects.overdue(timezone.now()).filter(status=Status.BARU).exists()

    def test_rejections_say_why_and_where_to_go(self, seeded):
        from aspirations.models import Referral, RejectionReason

        rejected = Aspiration.objects.filter(status=Status.DITOLAK)
        assert all(a.rejection_note for a in rejected)
        for aspiration in rejected.filter(rejection_reason=RejectionReason.NOT_AUTHORITY):
            assert aspiration.referred_to == Referral.SP4N_LAPOR and "SP4N-LAPOR!" in aspiration.rejection_note
        for aspiration in rejected.filter(rejection_reason=RejectionReason.DUPLICATE):
            original = aspiration.duplicate_of
            assert original is not None
            assert original.code not in aspiration.rejection_note  # the other resident's key stays private
            assert original.submitted_at < aspiration.submitted_at
            assert (original.village_id, original.category_id) == (aspiration.village_id, aspiration.category_id)
