"""Reads for aspirations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Aspiration, AspirationEvent, EventKind, Status


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


def _public_event(event: AspirationEvent) -> PublicEvent:
    if event.kind == EventKind.CREATED:
        title = _("Aspiration received")
    elif event.kind == EventKind.STATUS_CHANGE:
        title = _("Status: %(status)s") % {"status": Status(event.to_status).label}
    elif event.kind == EventKind.ASSIGNMENT:
        title = _("Handed to an officer for follow-up")
    else:
        title = _("Reply from %(unit)s") % {"unit": settings.KRK_UNIT_NAME}
    return PublicEvent(created_at=event.created_at, title=title, body=event.body)


def public_status(code: str | None) -> PublicStatus:
    """Look up a ticket for the public status page: two queries, found or not.

    Both queries run for every look-up (an invalid code searches for "", which no
    ticket has), so a wrong code costs what a right one does. Only public events
    are read, and only the fields the page shows.
    """
    lookup = code or ""
    found = list(Aspiration.objects.for_status_page().filter(code=lookup)[:1])
    events = list(
        AspirationEvent.objects.public()
        .filter(aspiration__code=lookup)
        .only("kind", "to_status", "body", "created_at")
        .order_by("created_at", "pk")
    )
    if not found:
        return PublicStatus()
    aspiration = found[0]
    deadline, label = None, ""
    if aspiration.status == Status.BARU:
        deadline, label = aspiration.verification_due, _("Verification due")
    elif aspiration.status in (Status.TERVERIFIKASI, Status.DITINDAKLANJUTI) and aspiration.followup_due:
        deadline, label = aspiration.followup_due, _("Follow-up due")
    return PublicStatus(
        aspiration=aspiration,
        events=[_public_event(event) for event in events],
        deadline=deadline,
        deadline_label=label,
        is_overdue=bool(deadline and deadline < timezone.now()),
    )
