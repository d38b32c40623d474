"""Retention of residents' personal data (UU 27/2022): what `manage.py purge_personal_data` does daily.

Two rules, both measured from when the aspiration was closed (its last status
change to `selesai` or `ditolak`):

- **Anonymise** after KRK_RETENTION_DAYS (default 365): the reporter's name,
  phone, email, consent time and address hash are blanked, and those same
  values, plus anything shaped like a phone number or an email address, are cut
  out of the aspiration's texts and its timeline. Type, category, village,
  status, channel, priority and every timestamp stay, so the dashboard and the
  recaps count exactly as before.
- **Delete spam** after KRK_SPAM_RETENTION_DAYS (default 30): aspirations
  rejected as spam, or rejected while flagged as suspected spam, are deleted with
  their timeline and photos (the files after the transaction commits). Spam is no
  report anyone answers for, and whoever sent it is not owed its keeping.

A run is idempotent: an anonymised aspiration has no identity left to select, a
deleted one is gone, so the next run finds nothing new. Each real run writes one
audit entry with its counts (also when they are zero: the entry shows the duty
was done); a dry run only counts, and writes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from .models import Aspiration, AspirationEvent, Attachment, EventKind, Notification, RejectionReason, Status

# What replaces personal data cut out of a text. Stored data, like the category
# names, so in the unit's language rather than the reader's.
REDACTED = "[dihapus]"
# Who the audit trail names for the job (it runs from cron, without an account).
ACTOR = "purge_personal_data"
# Rows handled per query and lock: bounds memory and lock lists on a first run
# that finds a year of closed aspirations at once.
CHUNK = 500

CLOSED = (Status.SELESAI, Status.DITOLAK)
IDENTITY_FIELDS = (
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "consent_given_at",
    "notify_channel",
    "ip_hash",
)
TEXT_FIELDS = ("title", "description", "place", "rejection_note")

# Indonesian mobile numbers however they are written (0812-3456-7890, +62 812 3456 7890,
# 6281234567890) and email addresses: the shapes staff and residents type contacts in.
PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[\s.-]?8(?:[\s.-]?\d){6,12}(?!\d)")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Words of a name shorter than this are not cut out on their own ("Hj", "Bu").
NAME_WORD_MIN = 3

HAS_IDENTITY = (
    ~Q(reporter_name="")
    | ~Q(reporter_phone="")
    | ~Q(reporter_email="")
    | Q(consent_given_at__isnull=False)
    | ~Q(ip_hash="")
)


@dataclass(frozen=True)
class RetentionReport:
    """What a run did (or, with `dry_run`, would do)."""

    anonymise_before: datetime.datetime
    spam_before: datetime.datetime
    anonymised: int = 0
    events_scrubbed: int = 0
    spam_deleted: int = 0
    files_deleted: int = 0
    duplicates_unlinked: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The run in a few lines of English, for the command's output (and cron's mail)."""
        would = "would be " if self.dry_run else ""
        closed = timezone.localtime(self.anonymise_before).strftime("%Y-%m-%d %H:%M")
        rejected = timezone.localtime(self.spam_before).strftime("%Y-%m-%d %H:%M")
        lines = [
            f"Aspirations closed before {closed} WIB: {self.anonymised} {would}anonymised "
            f"({self.events_scrubbed} timeline entries {would}scrubbed).",
            f"Spam rejected before {rejected} WIB: {self.spam_deleted} {would}deleted "
            f"({self.files_deleted} photo files; {self.duplicates_unlinked} duplicates {would}unlinked).",
        ]
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return lines

    def summary(self) -> str:
        """The counts, for the audit entry."""
        return (
            f"anonymised={self.anonymised} events_scrubbed={self.events_scrubbed} "
            f"spam_deleted={self.spam_deleted} files_deleted={self.files_deleted} "
            f"duplicates_unlinked={self.duplicates_unlinked} "
            f"closed_before={self.anonymise_before.isoformat()} spam_before={self.spam_before.isoformat()}"
        )


def closed_at() -> Coalesce:
    """When the aspiration reached its current (closed) status: its last status change to it.

    Rows written without a timeline (imports) fall back to `resolved_at`, then to
    `updated_at`, which is never earlier than the closing. One indexed subquery per
    row (aspirationevent_timeline).
    """
    closing = (
        AspirationEvent.objects.filter(
            aspiration_id=OuterRef("pk"), kind=EventKind.STATUS_CHANGE, to_status=OuterRef("status")
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(closing, output_field=models.DateTimeField()), "resolved_at", "updated_at")


def spam_due(before: datetime.datetime) -> models.QuerySet:
    """Rejected spam closed before `before`: to be deleted."""
    return (
        Aspiration.objects.filter(status=Status.DITOLAK)
        .filter(Q(rejection_reason=RejectionReason.SPAM) | Q(is_spam_suspected=True))
        .alias(closed_at=closed_at())
        .filter(closed_at__lt=before)
    )


def anonymisation_due(before: datetime.datetime) -> models.QuerySet:
    """Closed aspirations that still hold identity and were closed before `before`."""
    return (
        Aspiration.objects.filter(status__in=CLOSED)
        .filter(HAS_IDENTITY)
        .alias(closed_at=closed_at())
        .filter(closed_at__lt=before)
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _identity_patterns(aspiration: Aspiration) -> list[re.Pattern]:
    """Patterns for the reporter's email and phone (in any spacing), any phone or email
    shape, then the reporter's name and the words of it.

    Addresses and numbers go first: a name word inside an email address
    ("siti@...") must not leave the rest of the address behind.
    """
    patterns = []
    if aspiration.reporter_email:
        patterns.append(re.compile(re.escape(aspiration.reporter_email), re.IGNORECASE))
    digits = re.sub(r"\D", "", aspiration.reporter_phone)
    if len(digits) >= 6:
        national = digits[1:] if digits.startswith("0") else digits[2:] if digits.startswith("62") else digits
        spaced = r"[\s.-]?".join(national)
        patterns.append(re.compile(rf"(?<!\d)(?:\+?62|0)?[\s.-]?{spaced}(?!\d)"))
    patterns += [PHONE, EMAIL]
    name = " ".join(aspiration.reporter_name.split())
    if name:
        patterns.append(re.compile(re.escape(name), re.IGNORECASE))
        patterns += [
            re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE) for word in name.split() if len(word) >= NAME_WORD_MIN
        ]
    return patterns


def scrub(text: str, patterns: list[re.Pattern], *, max_length: int | None = None) -> str:
    """`text` with every match of `patterns` replaced by REDACTED (cut to `max_length`)."""
    for pattern in patterns:
        text = pattern.sub(REDACTED, text)
    return text[:max_length] if max_length else text


def _max_length(model: type[models.Model], field: str) -> int | None:
    return getattr(model._meta.get_field(field), "max_length", None)


def _anonymise(ids: list[int], before: datetime.datetime, *, dry_run: bool) -> tuple[int, int]:
    """Blank identity and scrub texts of the aspirations `ids` that are still due; (rows, events) changed."""
    rows = events_changed = 0
    for chunk in _chunks(ids):
        # Locked, and the rule checked again: a row reopened since it was listed is left alone.
        queryset = anonymisation_due(before).filter(pk__in=chunk).order_by("pk")
        if not dry_run:
            queryset = queryset.select_for_update(of=("self",))
        aspirations = list(
            queryset.prefetch_related(models.Prefetch("events", AspirationEvent.objects.only("aspiration", "body")))
        )
        changed_events: list[AspirationEvent] = []
        for aspiration in aspirations:
            patterns = _identity_patterns(aspiration)
            for field in TEXT_FIELDS:
                value = getattr(aspiration, field)
                setattr(aspiration, field, scrub(value, patterns, max_length=_max_length(Aspiration, field)))
            for event in aspiration.events.all():
                scrubbed = scrub(event.body, patterns, max_length=_max_length(AspirationEvent, "body"))
                if scrubbed != event.body:
                    event.body = scrubbed
                    changed_events.append(event)
            aspiration.reporter_name = aspiration.reporter_phone = aspiration.reporter_email = ""
            aspiration.ip_hash = aspiration.notify_channel = ""
            aspiration.consent_given_at = None
        rows += len(aspirations)
        events_changed += len(changed_events)
        if not dry_run:
            # Blank identity satisfies every constraint and the texts were cut to their
            # lengths, so no full_clean (a query per foreign key per row). `updated_at`
            # is not written: anonymising is no change anyone made to the case.
            Aspiration.objects.bulk_update(aspirations, [*IDENTITY_FIELDS, *TEXT_FIELDS])
            AspirationEvent.objects.bulk_update(changed_events, ["body"])
            # The messages sent to them quote the replies as they were before the cut.
            Notification.objects.filter(aspiration__in=aspirations).delete()
    return rows, events_changed


def _delete_spam(ids: list[int], before: datetime.datetime, *, dry_run: bool) -> tuple[int, int, int]:
    """Delete the spam aspirations `ids` still due, with events and photos; (rows, files, unlinked)."""
    rows = files = unlinked = 0
    for chunk in _chunks(ids):
        queryset = spam_due(before).filter(pk__in=chunk)
        if not dry_run:
            queryset = queryset.select_for_update(of=("self",))
        doomed = list(queryset.values_list("pk", flat=True))
        names = [
            name
            for pair in Attachment.objects.filter(aspiration_id__in=doomed).values_list("image", "thumbnail")
            for name in pair
            if name
        ]
        # Kept aspirations rejected as duplicates of a spam one lose the link (the link
        # is SET_NULL, but done here so a change to PROTECT cannot stop the job).
        duplicates = Aspiration.objects.filter(duplicate_of_id__in=doomed).exclude(pk__in=doomed)
        if dry_run:
            unlinked += duplicates.count()
        else:
            unlinked += duplicates.update(duplicate_of=None)
            # Events and attachments go with their aspiration (CASCADE); the aspiration's
            # own link to a patrol (PROTECT) guards the patrol, not the aspiration.
            Aspiration.objects.filter(pk__in=doomed).delete()
            transaction.on_commit(partial(_delete_files, names))
        rows += len(doomed)
        files += len(names)
    return rows, files, unlinked


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


@transaction.atomic
def retention_run(*, now: datetime.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Apply both retention rules once; see the module docstring. Returns the counts.

    Spam is deleted first, so it is never anonymised on the way. With `dry_run`
    the same rows are selected and counted, and nothing is written (no audit entry).
    """
    now = now or timezone.now()
    anonymise_before = now - datetime.timedelta(days=settings.KRK_RETENTION_DAYS)
    spam_before = now - datetime.timedelta(days=settings.KRK_SPAM_RETENTION_DAYS)

    spam_ids = list(spam_due(spam_before).order_by("pk").values_list("pk", flat=True))
    spam_deleted, files_deleted, unlinked = _delete_spam(spam_ids, spam_before, dry_run=dry_run)
    due = anonymisation_due(anonymise_before).order_by("pk")
    if dry_run:  # nothing was deleted: leave out what the run would delete first
        due = due.exclude(pk__in=spam_ids)
    anonymised, events_scrubbed = _anonymise(list(due.values_list("pk", flat=True)), anonymise_before, dry_run=dry_run)

    report = RetentionReport(
        anonymise_before=anonymise_before,
        spam_before=spam_before,
        anonymised=anonymised,
        events_scrubbed=events_scrubbed,
        spam_deleted=spam_deleted,
        files_deleted=files_deleted,
        duplicates_unlinked=unlinked,
        dry_run=dry_run,
    )
    if not dry_run:
        audit_record(action=AuditAction.PERSONAL_DATA_PURGED, actor_username=ACTOR, summary=report.summary())
    return report
