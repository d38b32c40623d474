"""The two rows every write of an aspiration leaves: a timeline event and an audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from audit.models import AuditAction
from audit.services import audit_record
from patrols.models import Officer

from ..models import Aspiration, AspirationEvent


def add_event(
    aspiration: Aspiration, *, kind: str, author: Officer | None, at: datetime.datetime, **fields: Any
) -> AspirationEvent:
    """One timeline event, validated (its own fields and constraints) and saved."""
    event = AspirationEvent(aspiration=aspiration, kind=kind, author=author, created_at=at, **fields)
    event.full_clean(exclude=["aspiration", "author", "assignee"])  # objects in hand: no lookups
    event.save()
    return event


def audit_change(actor: Officer, aspiration: Aspiration, summary: str) -> None:
    """The audit entry of a change: who, which aspiration (by its code), what."""
    audit_record(
        action=AuditAction.ASPIRATION_CHANGED, actor=actor, target=aspiration, summary=f"{aspiration.code}: {summary}"
    )
