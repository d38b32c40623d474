"""Reads for aspirations."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patrols.models import Assignment, Officer
from patrols.selectors import granted
from units.scoping import in_scope

from . import choices
from .models import DEADLINE, OPEN_STATUSES, Aspiration, AspirationEvent, EventKind, Status


@dataclass(frozen=True)
class PublicEvent:
    """A timeline entry as the public sees it: never its author."""

    created_at: datetime.datetime
    title: str | Promise
    body: str


@dataclass(frozen=True)
class PublicStatus:
    """What the status page may show about a ticket; `aspiration` is None when not found."""

    aspiration: Aspiration | None = None
    events: list[PublicEvent] = field(default_factory=list)
    deadline: datetime.datetime | None = None
    deadline_label: str | Promise = ""
    is_overdue: bool = False
    category: str = ""
    village: str = ""  # empty: outside every village of the deployment


def _public_event(event: AspirationEvent, unit_name: str) -> PublicEvent:
    title: str | Promise
    if event.kind == EventKind.CREATED:
        title = _("Aspiration received")
    elif event.kind == EventKind.STATUS_CHANGE:
        title = _("Status: %(status)s") % {"status": Status(event.to_status).label}
    elif event.kind == EventKind.ASSIGNMENT:
        title = _("Handed to an officer for follow-up")
    else:
        title = _("Reply from %(unit)s") % {"unit": unit_name}
    return PublicEvent(created_at=event.created_at, title=title, body=event.body)


def public_status(code: str | None) -> PublicStatus:
    """Look up a ticket for the public status page: two queries, found or not.

    Both queries run for every look-up (an invalid code searches for "", which no
    ticket has, then for the events of no aspiration), so a wrong code costs what a
    right one does. Only public events are read, and only the fields the page
    shows. The category's name comes from the cached lists (`choices.form_choices`),
    which every look-up reads, found or not (two more queries whenever the cache
    has dropped them, for any code); the village's with the aspiration.
    """
    listed = choices.form_choices()
    try:
        aspiration = Aspiration.objects.for_status_page().get(code=code or "")
    except Aspiration.DoesNotExist:
        aspiration = None
    events = list(
        AspirationEvent.objects.public()
        .filter(aspiration_id=aspiration.pk if aspiration else 0)  # 0: no row has it
        .only("kind", "to_status", "body", "created_at")
        .order_by("-created_at", "-pk")  # the newest news first
    )
    if aspiration is None:
        return PublicStatus()
    category, _none = choices.names(listed, category_id=aspiration.category_id, village_id=None)
    village = getattr(aspiration, "village_name", None) or ""  # annotated by for_status_page()
    # The staff pages' rule (Aspiration.current_deadline): the follow-up clock stops at the first reply.
    deadline = aspiration.current_deadline
    label = (
        "" if deadline is None else _("Verification due") if aspiration.status == Status.BARU else _("Follow-up due")
    )
    # Replies are signed by the unit handling the report (a Polsek), not the whole portal.
    signer = aspiration.unit_name  # annotated by for_status_page(); every aspiration has its unit
    return PublicStatus(
        aspiration=aspiration,
        events=[_public_event(event, signer) for event in events],
        deadline=deadline,
        deadline_label=label,
        is_overdue=bool(deadline and deadline < timezone.now()),
        category=category,
        village=village,
    )


def aspiration_sent_with_key(key: uuid.UUID | None, *, created_by: Officer | None = None) -> Aspiration | None:
    """The aspiration an idempotency key already stored, or None (one query; none without a key).

    Scoped like the key's unique constraint: without `created_by`, only what the
    public form stored with that key (whoever knows the key sent it); with it, only
    what that officer recorded.
    """
    if key is None:
        return None
    return Aspiration.objects.filter(idempotency_key=key, created_by=created_by).first()


# --- staff pages -----------------------------------------------------------------------------

# How far back the duplicate check looks, and how many candidates it shows at most.
DUPLICATE_WINDOW = datetime.timedelta(days=30)
DUPLICATE_LIMIT = 10


def handling_officers(*, include_inactive: bool = False) -> QuerySet[Officer]:
    """Officers of the scope's units an aspiration can be assigned to: holders of `handle_aspiration`
    (by role or directly). Assigning outside the subtree is a form error: the choice is not offered."""
    officers = Officer.objects.filter(granted("aspirations", "handle_aspiration"), in_scope())
    if not include_inactive:
        officers = officers.filter(is_active=True)
    return officers.order_by("first_name", "last_name", "username")


def suggested_officer(aspiration: Aspiration) -> Officer | None:
    """The village's current Bhabinkamtibmas, the default choice when assigning (one query)."""
    if aspiration.village_id is None:
        return None
    assignment = (
        Assignment.objects.in_force()
        .filter(village_id=aspiration.village_id, officer__is_active=True)
        .select_related("officer")
        .order_by("-start_date")
        .first()
    )
    return assignment.officer if assignment else None


def possible_duplicates(aspiration: Aspiration) -> list[Aspiration]:
    """Open aspirations in the same village and category from the 30 days before it (one query).

    Older ones first: the original is usually the first report of a matter.
    """
    since = aspiration.submitted_at - DUPLICATE_WINDOW
    candidates = (
        Aspiration.objects.open()
        .filter(category_id=aspiration.category_id, village_id=aspiration.village_id, submitted_at__gte=since)
        .exclude(pk=aspiration.pk)
        .only("pk", "code", "title", "status", "submitted_at")
        .order_by("submitted_at", "pk")
    )
    return list(candidates[:DUPLICATE_LIMIT])


def open_status_counts(queryset: QuerySet[Aspiration]) -> dict[str, int]:
    """How many aspirations of `queryset` are in each open status: one grouped query.

    Only the open statuses are counted, a range of the status indexes (an index-only
    scan when nothing else filters). The closed ones hold most aspirations and
    only ever grow: counting them read every row on every inbox view
    (bench/FINDINGS.md), so the inbox shows their tabs without a number.
    """
    rows = (
        queryset.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return {str(status): 0 for status in OPEN_STATUSES} | dict(rows)


@dataclass(frozen=True)
class Workload:
    awaiting: int  # assigned to the officer and theirs to act on
    overdue: int  # of those, past their deadline


def officer_workload(officer: Officer, now: datetime.datetime | None = None) -> Workload:
    """The Beranda Petugas figures for Aspirasi Saya: one aggregate query."""
    now = now or timezone.now()
    figures = (
        Aspiration.objects.filter(assigned_to_id=officer.pk)
        .awaiting_officer()
        .alias(due=DEADLINE)
        .aggregate(awaiting=Count("pk"), overdue=Count("pk", filter=Q(due__lt=now)))
    )
    return Workload(**figures)


class DeadlineState(StrEnum):
    PENDING = "pending"  # not due yet
    OVERDUE = "overdue"  # due and still not done: "Terlambat"
    ON_TIME = "on_time"  # done before it was due
    LATE = "late"  # done, after it was due
    NOT_APPLICABLE = "n/a"  # closed before this step (e.g. rejected)


@dataclass(frozen=True)
class DeadlineRow:
    label: str | Promise
    due: datetime.datetime | None
    done_at: datetime.datetime | None
    state: DeadlineState

    @property
    def is_overdue(self) -> bool:
        return self.state in (DeadlineState.OVERDUE, DeadlineState.LATE)


def _state(due, done_at, *, still_open: bool, now) -> DeadlineState:
    if done_at is not None:
        return DeadlineState.LATE if due and done_at > due else DeadlineState.ON_TIME
    if not still_open or due is None:
        return DeadlineState.NOT_APPLICABLE
    return DeadlineState.OVERDUE if due < now else DeadlineState.PENDING


def deadline_rows(aspiration: Aspiration, now: datetime.datetime | None = None) -> list[DeadlineRow]:
    """The two deadlines (verification, first follow-up) and whether each was or is being kept."""
    now = now or timezone.now()
    awaiting_verification = aspiration.status == Status.BARU
    awaiting_response = aspiration.status in (Status.TERVERIFIKASI, Status.DITINDAKLANJUTI)
    rows = [
        DeadlineRow(
            _("Verification"),
            aspiration.verification_due,
            aspiration.verified_at,
            _state(aspiration.verification_due, aspiration.verified_at, still_open=awaiting_verification, now=now),
        )
    ]
    if aspiration.followup_due:
        rows.append(
            DeadlineRow(
                _("First follow-up"),
                aspiration.followup_due,
                aspiration.first_response_at,
                _state(aspiration.followup_due, aspiration.first_response_at, still_open=awaiting_response, now=now),
            )
        )
    return rows


def whatsapp_share_url(text: str) -> str:
    """A wa.me link that opens WhatsApp with `text` ready to send to a chat the user picks
    (e.g. to themselves); nothing goes to this server."""
    return f"https://wa.me/?{urlencode({'text': text})}"


def whatsapp_url(phone: str) -> str:
    """A WhatsApp click-to-chat link for an Indonesian number: 0812-3456-7890 -> https://wa.me/6281234567890.

    wa.me wants the international number in digits only; numbers written the
    local way (0...) or without the trunk zero (8...) get Indonesia's 62.
    """
    digits = "".join(character for character in phone if character.isdigit())
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return f"https://wa.me/{digits}"
