"""Showing a reporter's identity to staff: never without an audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import audit_record
from patrols.models import Officer

from ..models import Aspiration


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
