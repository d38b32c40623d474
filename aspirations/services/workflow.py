"""The workflow's steps: verify, reject, assign, reply, note, resolve, reopen.

Every step locks the aspiration's row, asks `aspirations.workflow.check` whether
the actor may take it from the current status, writes one or more timeline events,
stamps the times, records an audit entry and schedules the notifications for after
the commit. The staff pages reach each step through `staff_views.STEPS`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patrols.models import Officer

from .. import deadlines, notifications, workflow
from ..models import Aspiration, AspirationEvent, EventKind, Referral, RejectionReason, Status
from ..selectors import handling_officers
from ..workflow import Action
from .timeline import add_event, audit_change


def _locked(aspiration: Aspiration) -> Aspiration:
    """The row again, locked until the transaction ends: two operators verifying at once
    queue here, and the second sees the first one's status (and is refused)."""
    return Aspiration.objects.select_for_update().get(pk=aspiration.pk)


def _change_status(
    aspiration: Aspiration, *, to: str, actor: Officer, at: datetime.datetime, body: str = ""
) -> AspirationEvent:
    event = add_event(
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
    audit_change(actor, aspiration, "verified")
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
    audit_change(actor, aspiration, f"rejected from {from_status} ({reason})")
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
    assignment = add_event(
        aspiration, kind=EventKind.ASSIGNMENT, author=actor, at=now, assignee=officer, body=note.strip()
    )
    aspiration.assigned_to = officer
    fields = ["assigned_to"]
    event = None
    if aspiration.status == Status.TERVERIFIKASI:
        event = _change_status(aspiration, to=Status.DITINDAKLANJUTI, actor=actor, at=now)
        fields.append("status")
    _save(aspiration, fields)
    audit_change(
        actor,
        aspiration,
        f"assigned to {officer.get_username()}" + (f" (was {previous.get_username()})" if previous else ""),
    )
    notifications.notify_assignment(aspiration=aspiration, event=assignment, officer=officer)
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
    event = add_event(aspiration, kind=EventKind.PUBLIC_REPLY, author=actor, at=now, body=body.strip(), is_public=True)
    fields: list[str] = []
    _first_response(aspiration, now, fields)
    if fields:
        _save(aspiration, fields)
    audit_change(actor, aspiration, "public reply")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return event


@transaction.atomic
def aspiration_note(
    *, aspiration: Aspiration, actor: Officer, body: str, at: datetime.datetime | None = None
) -> AspirationEvent:
    """An internal note: staff only, never on the status page, never mailed."""
    aspiration = _locked(aspiration)
    workflow.check(actor, aspiration, Action.NOTE)
    event = add_event(
        aspiration, kind=EventKind.INTERNAL_NOTE, author=actor, at=at or timezone.now(), body=body.strip()
    )
    audit_change(actor, aspiration, "internal note")
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
    audit_change(actor, aspiration, "resolved")
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
    add_event(aspiration, kind=EventKind.INTERNAL_NOTE, author=actor, at=now, body=history)
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
    audit_change(actor, aspiration, f"reopened from {from_status} to {to}")
    notifications.notify_reporter(aspiration=aspiration, event=event)
    return aspiration
