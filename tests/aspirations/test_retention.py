"""Retention (UU 27/2022): anonymise closed aspirations after a year, delete spam after 30 days."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from aspirations.models import (
    Aspiration,
    AspirationEvent,
    Attachment,
    Channel,
    EventKind,
    Notification,
    Referral,
    RejectionReason,
    Status,
)
from aspirations.retention import EMAIL, PHONE, REDACTED, retention_run, scrub
from audit.models import AuditAction, AuditEntry
from tests.aspirations.builders import in_status, with_photo
from tests.aspirations.conftest import stored_files
from tests.factories import PatrolFactory, category, village
from tests.s3 import media_names

pytestmark = pytest.mark.django_db

IDENTITY = {
    "reporter_name": "Siti Aminah",
    "reporter_phone": "0812-3456-7890",
    "reporter_email": "siti@example.org",
    "ip_hash": "ab" * 32,
}
NOT_OUR_AUTHORITY = {"rejection_reason": RejectionReason.NOT_AUTHORITY, "referred_to": Referral.SP4N_LAPOR}


def closed(status: str, *, days_ago: float, officer=None, identity: bool = True, **fields) -> Aspiration:
    """An aspiration closed (resolved or rejected) `days_ago` days ago, as the services leave it."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    submitted_at = fields.pop("submitted_at", at - datetime.timedelta(days=3))
    if identity:
        fields = {**IDENTITY, "consent_given_at": submitted_at, **fields}
    if status == Status.SELESAI:
        fields.update(first_response_at=at, resolved_at=at)
    aspiration = in_status(status, officer=officer, submitted_at=submitted_at, **fields)
    AspirationEvent.objects.create(
        aspiration=aspiration,
        kind=EventKind.STATUS_CHANGE,
        from_status=Status.DITINDAKLANJUTI if status == Status.SELESAI else Status.BARU,
        to_status=status,
        body="Sudah selesai ditangani." if status == Status.SELESAI else "",
        is_public=True,
        created_at=at,
    )
    return aspiration


def snapshot() -> list[dict]:
    """Every aspiration and event as plain values, to compare before and after."""
    return [
        *Aspiration.objects.order_by("pk").values(),
        *AspirationEvent.objects.order_by("pk").values(),
        *Attachment.objects.order_by("pk").values(),
    ]


def statistics() -> dict:
    """What the dashboard and the recaps count: rows per status, category, village, type, channel;
    and every timestamp they measure response times with."""
    by = {
        field: list(Aspiration.objects.values(field).annotate(n=Count("pk")).order_by(field))
        for field in ("status", "category", "village", "type", "channel", "priority", "assigned_to")
    }
    times = list(
        Aspiration.objects.order_by("pk").values_list(
            "pk", "submitted_at", "verified_at", "first_response_at", "resolved_at", "verification_due", "followup_due"
        )
    )
    events = list(AspirationEvent.objects.order_by("pk").values_list("pk", "kind", "to_status", "created_at"))
    return {"by": by, "times": times, "events": events}


class TestAnonymise:
    def test_a_year_after_resolving_the_reporter_is_anonymous(self, bhabin):
        aspiration = closed(Status.SELESAI, days_ago=366, officer=bhabin)
        report = retention_run()
        aspiration.refresh_from_db()
        assert (aspiration.reporter_name, aspiration.reporter_phone, aspiration.reporter_email) == ("", "", "")
        assert aspiration.consent_given_at is None and aspiration.ip_hash == ""
        assert aspiration.is_anonymous
        assert report.anonymised == 1

    def test_the_choice_of_messages_and_the_messages_sent_go_too(self, bhabin):
        aspiration = closed(Status.SELESAI, days_ago=366, officer=bhabin, notify_channel="whatsapp")
        event = aspiration.events.latest("created_at")
        Notification.objects.create(
            aspiration=aspiration, event=event, kind="resolved", channel="whatsapp", params=["x", "y"]
        )
        retention_run()
        aspiration.refresh_from_db()
        assert aspiration.notify_channel == "" and aspiration.is_anonymous
        assert not Notification.objects.exists()

    def test_a_year_after_rejecting_too(self):
        aspiration = closed(Status.DITOLAK, days_ago=366, **NOT_OUR_AUTHORITY)
        retention_run()
        aspiration.refresh_from_db()
        assert aspiration.is_anonymous and aspiration.ip_hash == ""

    @pytest.mark.parametrize("days_ago", [364, 1])
    def test_not_before_the_period(self, bhabin, days_ago):
        aspiration = closed(Status.SELESAI, days_ago=days_ago, officer=bhabin)
        assert retention_run().anonymised == 0
        aspiration.refresh_from_db()
        assert aspiration.reporter_name == "Siti Aminah" and aspiration.ip_hash == IDENTITY["ip_hash"]

    @pytest.mark.parametrize("status", [Status.BARU, Status.TERVERIFIKASI, Status.DITINDAKLANJUTI])
    def test_open_aspirations_keep_their_reporter_however_old(self, bhabin, status):
        long_ago = timezone.now() - datetime.timedelta(days=800)
        aspiration = in_status(status, officer=bhabin, submitted_at=long_ago, consent_given_at=long_ago, **IDENTITY)
        retention_run()
        aspiration.refresh_from_db()
        assert aspiration.reporter_phone == "0812-3456-7890"

    def test_the_period_counts_from_the_last_closing(self, bhabin):
        """Resolved long ago, reopened, resolved again last week: kept another year."""
        aspiration = closed(Status.SELESAI, days_ago=400, officer=bhabin)
        recent = timezone.now() - datetime.timedelta(days=7)
        AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.STATUS_CHANGE,
            from_status=Status.DITINDAKLANJUTI,
            to_status=Status.SELESAI,
            created_at=recent,
        )
        Aspiration.objects.filter(pk=aspiration.pk).update(resolved_at=recent)
        assert retention_run().anonymised == 0

    def test_the_period_is_a_setting(self, settings, bhabin):
        settings.KRK_RETENTION_DAYS = 30
        aspiration = closed(Status.SELESAI, days_ago=31, officer=bhabin)
        retention_run()
        aspiration.refresh_from_db()
        assert aspiration.is_anonymous

    def test_the_reporters_details_are_cut_from_the_texts_and_the_timeline(self, bhabin):
        aspiration = closed(
            Status.SELESAI,
            days_ago=400,
            officer=bhabin,
            title="Motor Siti hilang",
            description="Saya siti aminah, hubungi 0812 3456 7890 atau siti@example.org. Motor hilang di pasar.",
            place="Rumah Bu Siti, Blok Pasar",
        )
        note = AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.INTERNAL_NOTE,
            author=bhabin,
            body="Sudah ditelepon ke +62 812-3456-7890; saksi lain: 0857 1111 2222, warga@contoh.id.",
        )
        untouched = AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.PUBLIC_REPLY,
            author=bhabin,
            body="Motor sudah ditemukan.",
            is_public=True,
        )
        report = retention_run()
        aspiration.refresh_from_db()
        note.refresh_from_db()
        untouched.refresh_from_db()
        assert aspiration.title == f"Motor {REDACTED} hilang"
        assert aspiration.description == (
            f"Saya {REDACTED}, hubungi {REDACTED} atau {REDACTED}. Motor hilang di pasar."
        )
        assert aspiration.place == f"Rumah Bu {REDACTED}, Blok Pasar"
        assert note.body == f"Sudah ditelepon ke {REDACTED}; saksi lain: {REDACTED}, {REDACTED}."
        assert untouched.body == "Motor sudah ditemukan."
        assert report.events_scrubbed == 1

    def test_an_anonymous_web_report_loses_its_address_hash_and_any_contact_in_its_text(self):
        aspiration = closed(
            Status.DITOLAK,
            days_ago=400,
            identity=False,
            ip_hash="cd" * 32,
            description="Tolong hubungi 081298765432 untuk keterangan lebih lanjut.",
            **NOT_OUR_AUTHORITY,
        )
        retention_run()
        aspiration.refresh_from_db()
        assert aspiration.ip_hash == ""
        assert aspiration.description == f"Tolong hubungi {REDACTED} untuk keterangan lebih lanjut."

    def test_statistics_stay_the_same(self, bhabin, other_bhabin):
        closed(Status.SELESAI, days_ago=500, officer=bhabin, category=category("narkoba"))
        closed(Status.SELESAI, days_ago=380, officer=other_bhabin, village=village("Tanjakan"))
        closed(Status.DITOLAK, days_ago=370, village=None, **NOT_OUR_AUTHORITY)
        closed(Status.SELESAI, days_ago=10, officer=bhabin, channel=Channel.PHONE)
        in_status(Status.DITINDAKLANJUTI, officer=bhabin, **IDENTITY, consent_given_at=timezone.now())
        in_status(Status.BARU)
        before = statistics()
        assert retention_run().anonymised == 3
        assert statistics() == before

    def test_updated_at_is_left_alone(self, bhabin):
        aspiration = closed(Status.SELESAI, days_ago=400, officer=bhabin)
        updated_at = Aspiration.objects.values_list("updated_at", flat=True).get(pk=aspiration.pk)
        retention_run()
        assert Aspiration.objects.values_list("updated_at", flat=True).get(pk=aspiration.pk) == updated_at


class TestDeleteSpam:
    def test_spam_rejected_over_thirty_days_ago_goes_with_its_timeline_and_photo_files(
        self, media_storage, django_capture_on_commit_callbacks
    ):
        spam = with_photo(closed(Status.DITOLAK, days_ago=31))
        assert len(media_names()) == 2
        with django_capture_on_commit_callbacks(execute=True):
            report = retention_run()
        assert not Aspiration.objects.filter(pk=spam.pk).exists()
        assert not AspirationEvent.objects.filter(aspiration_id=spam.pk).exists()
        assert not Attachment.objects.filter(aspiration_id=spam.pk).exists()
        assert media_names() == []
        assert (report.spam_deleted, report.files_deleted) == (1, 2)

    def test_files_stay_until_the_transaction_commits(self, media_root, django_capture_on_commit_callbacks):
        with_photo(closed(Status.DITOLAK, days_ago=31))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            retention_run()
        assert len(stored_files(media_root)) == 2
        assert len(callbacks) == 1

    def test_suspected_spam_rejected_for_another_reason_goes_too(self):
        spam = closed(Status.DITOLAK, days_ago=45, is_spam_suspected=True, spam_signals="honeypot", **NOT_OUR_AUTHORITY)
        assert retention_run().spam_deleted == 1
        assert not Aspiration.objects.filter(pk=spam.pk).exists()

    def test_recent_spam_is_kept_for_a_change_of_mind(self):
        spam = closed(Status.DITOLAK, days_ago=29)
        assert retention_run().spam_deleted == 0
        assert Aspiration.objects.filter(pk=spam.pk).exists()

    def test_suspected_spam_nobody_rejected_is_kept(self):
        suspected = in_status(
            Status.BARU, is_spam_suspected=True, submitted_at=timezone.now() - datetime.timedelta(days=90)
        )
        retention_run()
        assert Aspiration.objects.filter(pk=suspected.pk).exists()

    def test_other_rejections_are_kept(self):
        rejected = closed(Status.DITOLAK, days_ago=90, **NOT_OUR_AUTHORITY)
        retention_run()
        assert Aspiration.objects.filter(pk=rejected.pk).exists()

    def test_a_kept_duplicate_of_spam_loses_only_the_link(self):
        spam = closed(Status.DITOLAK, days_ago=40)
        duplicate = closed(
            Status.DITOLAK, days_ago=40, rejection_reason=RejectionReason.DUPLICATE, duplicate_of=spam, identity=False
        )
        report = retention_run()
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of is None and duplicate.rejection_reason == RejectionReason.DUPLICATE
        assert report.duplicates_unlinked == 1

    def test_spam_heard_on_a_patrol_goes_and_the_patrol_stays(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        spam = closed(Status.DITOLAK, days_ago=40, channel=Channel.PATROL, patrol=patrol, created_by=bhabin)
        retention_run()
        assert not Aspiration.objects.filter(pk=spam.pk).exists()
        assert type(patrol).objects.filter(pk=patrol.pk).exists()


class TestRuns:
    def world(self, bhabin) -> None:
        with_photo(closed(Status.DITOLAK, days_ago=40))
        closed(Status.SELESAI, days_ago=400, officer=bhabin)
        closed(Status.SELESAI, days_ago=3, officer=bhabin)

    def test_a_second_run_changes_nothing(self, bhabin, django_capture_on_commit_callbacks):
        self.world(bhabin)
        with django_capture_on_commit_callbacks(execute=True):
            first = retention_run()
        after_first = snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            second = retention_run()
        assert (first.anonymised, first.spam_deleted) == (1, 1)
        assert (second.anonymised, second.events_scrubbed, second.spam_deleted, second.files_deleted) == (0, 0, 0, 0)
        assert snapshot() == after_first

    def test_a_dry_run_counts_the_same_and_changes_nothing(self, bhabin, media_root):
        self.world(bhabin)
        before, files = snapshot(), stored_files(media_root)
        dry = retention_run(dry_run=True)
        assert snapshot() == before and stored_files(media_root) == files
        assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_PURGED).exists()
        real = retention_run()
        assert (dry.anonymised, dry.spam_deleted, dry.files_deleted) == (real.anonymised, real.spam_deleted, 2)
        assert dry.dry_run and not real.dry_run

    def test_each_run_leaves_one_audit_entry_with_its_counts(self, bhabin):
        self.world(bhabin)
        retention_run()
        retention_run()
        entries = list(AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_PURGED).order_by("pk"))
        assert len(entries) == 2
        assert "anonymised=1 " in entries[0].summary and "spam_deleted=1 " in entries[0].summary
        assert "anonymised=0 " in entries[1].summary and "spam_deleted=0 " in entries[1].summary
        assert entries[0].actor is None and entries[0].actor_username == "purge_personal_data"


class TestCommand:
    def run(self, *args) -> str:
        out = StringIO()
        call_command("purge_personal_data", *args, stdout=out)
        return out.getvalue()

    def test_prints_what_it_did(self, bhabin):
        closed(Status.SELESAI, days_ago=400, officer=bhabin)
        closed(Status.DITOLAK, days_ago=40)
        output = self.run()
        assert ": 1 anonymised (" in output
        assert ": 1 deleted (0 photo files; 0 duplicates unlinked)" in output
        assert ": 0 anonymised (" in self.run()

    def test_dry_run_says_so_and_changes_nothing(self, bhabin):
        aspiration = closed(Status.SELESAI, days_ago=400, officer=bhabin)
        output = self.run("--dry-run")
        assert ": 1 would be anonymised (" in output
        assert "Dry run: nothing was changed." in output
        aspiration.refresh_from_db()
        assert not aspiration.is_anonymous


class TestScrub:
    def test_replaces_every_match(self):
        assert scrub("a 0812-1111-2222 b", []) == "a 0812-1111-2222 b"
        assert scrub("a 0812-1111-2222 b 628123334444", [PHONE]) == f"a {REDACTED} b {REDACTED}"

    def test_keeps_to_the_field_length(self):
        assert len(scrub("x@y.id " * 20, [EMAIL], max_length=50)) == 50
