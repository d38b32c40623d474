"""Writes for aspirations (HackSoft style: keyword-only, atomic, side effects explicit).

Submission (the public form, or staff on a resident's behalf) and the workflow
actions. Every workflow action locks the aspiration's row, asks `workflow.check`
whether the actor may take it from the current status, writes one or more
timeline events, stamps the times, records an audit entry and schedules the
notifications for after the commit.

Every service takes `at` (default: now), the moment the step happens. Only the demo
data (aspirations/demo.py) passes it, to replay a past timeline through the same
rules; the audit entries of such a replay carry the time it ran.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from core.images import ProcessedPhoto
from core.services import store_photos
from patrols.models import Officer, Patrol, Village

from . import deadlines, notifications, tickets, workflow
from .models import (
    Aspiration,
    AspirationEvent,
    Attachment,
    Category,
    Channel,
    EventKind,
    Priority,
    Referral,
    RejectionReason,
    Status,
)
from .selectors import aspiration_sent_with_key, handling_officers
from .workflow import Action

logger = logging.getLogger(__name__)

# A ticket code drawn twice (2**40 codes: rare) is drawn again this often at most.
INSERT_ATTEMPTS = 3


def _code_taken(code: str) -> bool:
    return Aspiration.objects.filter(code=code).exists()


def aspiration_submit(
    *,
    type: str,
    category: Category,
    title: str,
    description: str,
    village: Village | None,
    place: str = "",
    occurred_at: datetime.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    consent: bool = False,
    photos: Sequence[ProcessedPhoto] = (),
    channel: str = Channel.WEB,
    sent_via: str = "",
    created_by: Officer | None = None,
    patrol: Patrol | None = None,
    priority: str = Priority.NORMAL,
    ip_hash: str = "",
    spam_signals: Sequence[str] = (),
    idempotency_key: uuid.UUID | None = None,
    at: datetime.datetime | None = None,
) -> Aspiration:
    """Record an aspiration with a fresh ticket code, its photos and its first timeline event.

    Identity is stored only when given, and then only with `consent` (the
    database refuses identity without a consent time). Suspected spam is stored
    like any other aspiration, flagged for the operator. If the reporter gave an
    email, the ticket code is mailed after the transaction commits; a mail
    failure is logged and never undoes the submission. Staff entering on a
    resident's behalf go through `aspiration_record`, which checks who they are;
    other systems through the Open311 API, which names itself in `sent_via`.

    Costs a query per CheckConstraint (full_clean() of the aspiration and of its
    first event), then two INSERTs (the aspiration, its first event) in one
    transaction, plus one per photo. The ticket code is not looked up first: the
    unique index refuses a code drawn twice, and the whole insert is tried again
    with a new one.

    With an `idempotency_key` that already stored an aspiration in the same scope
    (the public form, or the same `created_by`), nothing is stored, mailed or
    audited and that first aspiration is returned: the unique constraint settles
    two submissions racing with one key, whichever commits first.
    """
    now = at or timezone.now()
    identified = bool(reporter_name or reporter_phone or reporter_email)
    aspiration = Aspiration(
        type=type,
        category=category,
        title=title,
        description=description,
        village=village,
        place=place,
        occurred_at=occurred_at,
        latitude=latitude,
        longitude=longitude,
        channel=channel,
        sent_via=sent_via,
        patrol=patrol,
        priority=priority,
        status=Status.BARU,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        consent_given_at=now if identified and consent else None,
        created_by=created_by,
        submitted_at=now,
        verification_due=deadlines.verification_due(now),
        is_spam_suspected=bool(spam_signals),
        spam_signals=",".join(spam_signals)[:100],
        ip_hash=ip_hash,
        idempotency_key=idempotency_key,
    )
    # The code is drawn on insert (its unique index refuses a repeat), the random public id is
    # left to its unique index too, and so is the idempotency key (a refusal returns the first
    # row); the related rows are in hand.
    aspiration.full_clean(
        exclude=["code", "public_id", "category", "village", "created_by", "patrol", "idempotency_key"]
    )
    return _insert_with_fresh_code(aspiration, photos=photos)


def _insert_with_fresh_code(aspiration: Aspiration, *, photos: Sequence[ProcessedPhoto]) -> Aspiration:
    """Insert the aspiration with its photos and first event under a new ticket code.

    A code drawn twice is refused by the unique index; then the whole insert (the
    transaction, or a savepoint inside a caller's) is rolled back and tried again
    with a new code. On the public form this block is the outermost: no savepoint.
    A refusal because the idempotency key was used meanwhile returns the row that
    used it (committed: the refusal waited for it).
    """
    for attempt in range(1, INSERT_ATTEMPTS + 1):
        aspiration.code = tickets.generate()
        try:
            with transaction.atomic():
                aspiration.save(force_insert=True)
                _record_first_entries(aspiration, photos=photos)
            return aspiration
        except IntegrityError:
            first = aspiration_sent_with_key(aspiration.idempotency_key, created_by=aspiration.created_by)
            if first is not None:
                return first
            if attempt == INSERT_ATTEMPTS or not _code_taken(aspiration.code):
                raise
            aspiration.pk = None
    raise AssertionError("unreachable: the last attempt returns or raises")  # for type checkers


def _record_first_entries(aspiration: Aspiration, *, photos: Sequence[ProcessedPhoto]) -> None:
    """The CREATED event, the audit entry of a staff entry, the photos and the confirmation mail,
    in the insert's transaction (so a retry that finds the first row writes none of them again)."""
    now = aspiration.submitted_at
    _event(
        aspiration,
        kind=EventKind.CREATED,
        author=aspiration.created_by,
        at=now,
        to_status=Status.BARU,
        is_public=True,
    )
    if aspiration.created_by is not None:
        _audit(aspiration.created_by, aspiration, f"recorded ({aspiration.channel})")
    # After the rows that could fail: files do not roll back with the transaction.
    store_photos(Attachment, photos, aspiration=aspiration, created_at=now)
    notifications.notify_submission(aspiration=aspiration)


@transaction.atomic
def aspiration_record(
    *,
    actor: Officer,
    channel: str,
    patrol: Patrol | None = None,
    **fields,
) -> Aspiration:
    """Staff record an aspiration a resident gave by phone, WhatsApp, at the desk or on a patrol.

    `fields` are `aspiration_submit`'s (an idempotency key is the actor's own:
    their retry returns their first entry). The channel must say how it came (not
    the web form); "patrol" needs the patrol, and only one the actor may see (one
    query). It then waits for verification like any other.
    """
    if not actor.has_perm("aspirations.add_aspiration"):
        raise PermissionDenied
    if channel == Channel.WEB:
        raise ValidationError({"channel": _("Choose how the resident told you.")}, code="web")
    if (channel == Channel.PATROL) != (patrol is not None):
        raise ValidationError({"channel": _("Aspirations heard on a patrol are recorded from that patrol's page.")})
    if patrol is not None and not Patrol.objects.visible_to(actor).filter(pk=patrol.pk).exists():
        raise PermissionDenied
    return aspiration_submit(channel=channel, created_by=actor, patrol=patrol, **fields)


# --- the workflow --------------------------------------------------------------------------


def _locked(aspiration: Aspiration) -> Aspiration:
    """The row again, locked until the transaction ends: two operators verifying at once
    queue here, and the second sees the first one's status (and is refused)."""
    return Aspiration.objects.select_for_update().get(pk=aspiration.pk)


def _audit(actor: Officer, aspiration: Aspiration, summary: str) -> None:
    audit_record(
        action=AuditAction.ASPIRATION_CHANGED, actor=actor, target=aspiration, summary=f"{aspiration.code}: {summary}"
    )


def _event(
    aspiration: Aspiration, *, kind: str, author: Officer | None, at: datetime.datetime, **fields
) -> AspirationEvent:
    event = AspirationEvent(aspiration=aspiration, kind=kind, author=author, created_at=at, **fields)
    event.full_clean(exclude=["aspiration", "author", "assignee"])  # objects in hand: no lookups
    event.save()
    return event


def _change_status(
    aspiration: Aspiration, *, to: str, actor: Officer, at: datetime.datetime, body: str = ""
) -> AspirationEvent:
    event = _event(
        aspiration,
        kind=EventKind.STATUS_CHANGE,
        author=actor,
        at=at,
        from_status=aspiration.status,
        to_status=to,
        body=body,
        is_public=True,
    )
    aspiration.status = to
    return event


def _save(aspiration: Aspiration, fields: list[str]) -> None:
    aspiration.full_clean(
        exclude=[
            "code",
            "public_id",
            "category",
            "village",
            "assigned_to",
            "created_by",
            "patrol",
            "duplicate_of",
            "idempotency_key",
        ]
    )
    aspiration.save(update_fields=[*fields, "updated_at"])


def _first_response(aspiration: Aspiration, at: datetime.datetime, fields: list[str]) -> None:
    if aspiration.first_response_at is None:
        aspiration.first_response_at = at
        fields.append("first_response_at")


@transaction.atomic
def aspiration_verify(
    *, aspiration: Aspiration, actor: Officer, priority: str | None = None, at: datetime.datetime | None = None
) -> Aspiration:
    """baru -> terverifikasi: stamps verified_at and sets the follow-up deadline
    (KRK_FOLLOWUP_WORKING_DAYS working days, through `deadlines`)."""
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.VERIFY)
    now = at or timezone.now()
    event = _change_status(aspiration, to=Status.TERVERIFIKASI, actor=actor, at=now)
    aspiration.verified_at = now
    aspiration.followup_due = deadlines.followup_due(now)
    fields = ["status", "verified_at", "followup_due"]
    if priority:
        aspiration.priority = priority
        fields.append("priority")
    _save(aspiration, fields)
    _audit(actor, aspiration, "verified")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration


def rejection_text(*, reason: str, referred_to: str = "", note: str = "") -> str:
    """What the resident reads about a rejection, in the portal's default language.

    Not police authority names where to go instead (DOMAIN.md); a duplicate only
    says the matter is known (the original stays linked for staff, never shown).
    """
    with translation.override(settings.LANGUAGE_CODE):
        if reason == RejectionReason.NOT_AUTHORITY:
            if referred_to == Referral.DUMAS_PRESISI:
                lead = _(
                    "Complaints about the conduct of a police officer are handled by Polri's Dumas Presisi: "
                    "https://dumaspresisi.polri.go.id/"
                )
            else:
                lead = _(
                    "This is not a matter for the police. Please send it to SP4N-LAPOR!, the national complaint "
                    "service for public services: https://www.lapor.go.id/"
                )
        elif reason == RejectionReason.DUPLICATE:
            # Never the original's code: it is the other resident's only key to their
            # report, and whoever filed "the same" report may be the person it is about.
            lead = _("We have already received a report about the same matter; it is being handled.")
        elif reason == RejectionReason.SPAM:
            lead = _("This report cannot be processed.")
        else:
            lead = ""
    return "\n\n".join(part for part in (lead, note.strip()) if part)


@transaction.atomic
def aspiration_reject(
    *,
    aspiration: Aspiration,
    actor: Officer,
    reason: str,
    note: str = "",
    referred_to: str = "",
    duplicate_of: Aspiration | None = None,
    at: datetime.datetime | None = None,
) -> Aspiration:
    """baru / terverifikasi -> ditolak, with a reason the resident sees on the status page.

    A duplicate names the original (another ticket); "not police authority" names
    where to go (SP4N-LAPOR! or Dumas Presisi); "other" needs a note. The public
    text is kept in `rejection_note`; a rejection is also a first response.
    """
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.REJECT)
    errors = {}
    if reason not in RejectionReason.values:
        errors["reason"] = _("Choose a reason.")
    if reason == RejectionReason.DUPLICATE and (duplicate_of is None or duplicate_of.pk == aspiration.pk):
        errors["duplicate_code"] = _("Give the ticket code of the original aspiration.")
    if reason == RejectionReason.NOT_AUTHORITY and referred_to not in Referral.values:
        errors["referred_to"] = _("Say where the resident should go instead.")
    if reason == RejectionReason.OTHER and not note.strip():
        errors["note"] = _("Explain the reason to the resident.")
    if errors:
        raise ValidationError(errors)
    now = at or timezone.now()
    from_status = aspiration.status
    aspiration.rejection_reason = reason
    aspiration.referred_to = referred_to if reason == RejectionReason.NOT_AUTHORITY else ""
    aspiration.duplicate_of = duplicate_of if reason == RejectionReason.DUPLICATE else None
    aspiration.rejection_note = rejection_text(reason=reason, referred_to=referred_to, note=note)
    # The status page shows rejection_note next to the status; the event does not repeat it.
    event = _change_status(aspiration, to=Status.DITOLAK, actor=actor, at=now)
    fields = ["status", "rejection_reason", "rejection_note", "referred_to", "duplicate_of"]
    _first_response(aspiration, now, fields)
    _save(aspiration, fields)
    _audit(actor, aspiration, f"rejected from {from_status} ({reason})")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration


@transaction.atomic
def aspiration_assign(
    *, aspiration: Aspiration, actor: Officer, officer: Officer, note: str = "", at: datetime.datetime | None = None
) -> Aspiration:
    """Hand the aspiration to an officer: terverifikasi -> ditindaklanjuti, or a reassignment.

    The first assignment is the operator's (triage); handing one already in
    follow-up to someone else is command's (reassign). `officer` must be an active
    officer who may handle aspirations. The assignment event names them (internal);
    the resident sees only "in follow-up". The officer is emailed after commit.
    """
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.ASSIGN)
    if not handling_officers().filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("This officer cannot handle aspirations.")}, code="not_handler")
    if officer.pk == aspiration.assigned_to_id:
        raise ValidationError({"officer": _("The aspiration is already assigned to this officer.")}, code="same")
    now = at or timezone.now()
    previous = aspiration.assigned_to
    _event(aspiration, kind=EventKind.ASSIGNMENT, author=actor, at=now, assignee=officer, body=note.strip())
    aspiration.assigned_to = officer
    fields = ["assigned_to"]
    event = None
    if aspiration.status == Status.TERVERIFIKASI:
        event = _change_status(aspiration, to=Status.DITINDAKLANJUTI, actor=actor, at=now)
        fields.append("status")
    _save(aspiration, fields)
    _audit(
        actor,
        aspiration,
        f"assigned to {officer.get_username()}" + (f" (was {previous.get_username()})" if previous else ""),
    )
    notifications.notify_assignment(aspiration=aspiration, officer=officer)
    if event is not None:
        notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration


@transaction.atomic
def aspiration_reply(
    *, aspiration: Aspiration, actor: Officer, body: str, at: datetime.datetime | None = None
) -> AspirationEvent:
    """A public reply: the resident reads it on the status page (and by email if they gave one).
    The first public reply stamps first_response_at, which stops the follow-up clock."""
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.REPLY)
    now = at or timezone.now()
    event = _event(aspiration, kind=EventKind.PUBLIC_REPLY, author=actor, at=now, body=body.strip(), is_public=True)
    fields: list[str] = []
    _first_response(aspiration, now, fields)
    if fields:
        _save(aspiration, fields)
    _audit(actor, aspiration, "public reply")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return event


@transaction.atomic
def aspiration_note(
    *, aspiration: Aspiration, actor: Officer, body: str, at: datetime.datetime | None = None
) -> AspirationEvent:
    """An internal note: staff only, never on the status page, never mailed."""
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.NOTE)
    event = _event(aspiration, kind=EventKind.INTERNAL_NOTE, author=actor, at=at or timezone.now(), body=body.strip())
    _audit(actor, aspiration, "internal note")
    return event


@transaction.atomic
def aspiration_resolve(
    *, aspiration: Aspiration, actor: Officer, body: str, at: datetime.datetime | None = None
) -> Aspiration:
    """ditindaklanjuti -> selesai with a public closing reply; stamps resolved_at."""
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.RESOLVE)
    now = at or timezone.now()
    event = _change_status(aspiration, to=Status.SELESAI, actor=actor, at=now, body=body.strip())
    aspiration.resolved_at = now
    fields = ["status", "resolved_at"]
    _first_response(aspiration, now, fields)
    _save(aspiration, fields)
    _audit(actor, aspiration, "resolved")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration


@transaction.atomic
def aspiration_reopen(
    *, aspiration: Aspiration, actor: Officer, reason: str, at: datetime.datetime | None = None
) -> Aspiration:
    """selesai / ditolak -> back into the workflow (command only), with a reason.

    A resolved one goes back to its officer (ditindaklanjuti); a rejected one to
    terverifikasi if it had been verified, else to baru. The clock restarts: a
    fresh verification or follow-up deadline from now, and no first response yet.
    The reason and what the closing said stay on the timeline as an internal note.
    """
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.REOPEN)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is reopened.")})
    now = at or timezone.now()
    from_status = aspiration.status
    history = reason.strip()
    if from_status == Status.DITOLAK:
        earlier = RejectionReason(aspiration.rejection_reason).label if aspiration.rejection_reason else ""
        with translation.override(settings.LANGUAGE_CODE):
            history += "\n\n" + _("Rejected before: %(reason)s.") % {"reason": earlier}
        to = Status.TERVERIFIKASI if aspiration.verified_at else Status.BARU
        aspiration.rejection_reason = aspiration.rejection_note = aspiration.referred_to = ""
        aspiration.duplicate_of = None
    else:
        to = Status.DITINDAKLANJUTI
        aspiration.resolved_at = None
    _event(aspiration, kind=EventKind.INTERNAL_NOTE, author=actor, at=now, body=history)
    event = _change_status(aspiration, to=to, actor=actor, at=now)
    if to == Status.BARU:
        aspiration.verification_due = deadlines.verification_due(now)
    else:
        aspiration.followup_due = deadlines.followup_due(now)
    aspiration.first_response_at = None
    fields = [
        "status",
        "resolved_at",
        "rejection_reason",
        "rejection_note",
        "referred_to",
        "duplicate_of",
        "verification_due",
        "followup_due",
        "first_response_at",
    ]
    _save(aspiration, fields)
    _audit(actor, aspiration, f"reopened from {from_status} to {to}")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration


@transaction.atomic
def aspiration_reveal_identity(*, aspiration: Aspiration, actor: Officer, request: HttpRequest | None = None) -> None:
    """Record that `actor` is about to see the reporter's identity (who, when, which aspiration).

    Raises PermissionDenied without `view_reporter_identity`. The caller shows the
    identity only after this returns, so no reveal goes unrecorded; `request` adds
    the keyed hash of the address to the audit entry.
    """
    if not actor.has_perm("aspirations.view_reporter_identity"):
        raise PermissionDenied
    audit_record(
        action=AuditAction.IDENTITY_REVEALED,
        actor=actor,
        target=aspiration,
        summary=aspiration.code,
        request=request,
    )
