"""Submission: a resident's aspiration from the public form, or one staff record for them.

The row, its first timeline event and its photos are inserted under a fresh ticket
code; the confirmation is handed to `notifications` for after the commit.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.images import ProcessedPhoto
from core.services import store_photos
from patrols.models import Officer, Patrol, Village
from units.models import Unit
from units.scoping import deployment_wide
from units.selectors import deployment_root

from .. import deadlines, notifications, tickets
from ..models import Aspiration, Attachment, Category, Channel, EventKind, Priority, Status
from ..selectors import aspiration_sent_with_key
from .timeline import add_event, audit_change

# A ticket code drawn twice (2**40 codes: rare) is drawn again this often at most.
INSERT_ATTEMPTS = 3


def _code_taken(code: str) -> bool:
    """Whether any unit's aspiration holds the code: codes are unique across the deployment,
    whatever the scope of the one submitting (a Polsek's operator, an API client)."""
    with deployment_wide():
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
    notify_channel: str = "",
    notify_language: str = "",
    photos: Sequence[ProcessedPhoto] = (),
    channel: str = Channel.WEB,
    sent_via: str = "",
    created_by: Officer | None = None,
    patrol: Patrol | None = None,
    priority: str = Priority.NORMAL,
    ip_hash: str = "",
    spam_signals: Sequence[str] = (),
    idempotency_key: uuid.UUID | None = None,
    unplaced_unit: Unit | None = None,
    at: datetime.datetime | None = None,
) -> Aspiration:
    """Record an aspiration with a fresh ticket code, its photos and its first timeline event.

    Identity is stored only when given, and then only with `consent` (the
    database refuses identity without a consent time). Suspected spam is stored
    like any other aspiration, flagged for the operator. If the reporter asked for
    news (`notify_channel`, in `notify_language`), the ticket code is queued for
    them in this transaction and sent by a job: a provider that is down never
    undoes the submission. Staff entering on a resident's behalf go through
    `aspiration_record`, which checks who they are; other systems through the
    Open311 API, which names itself in `sent_via`.

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
        notify_channel=notify_channel,
        notify_language=notify_language or settings.LANGUAGE_CODE,
        created_by=created_by,
        submitted_at=now,
        verification_due=deadlines.verification_due(now),
        is_spam_suspected=bool(spam_signals),
        spam_signals=",".join(spam_signals)[:100],
        ip_hash=ip_hash,
        idempotency_key=idempotency_key,
        unit_id=_handling_unit_id(village=village, patrol=patrol, created_by=created_by, unplaced_unit=unplaced_unit),
    )
    # The code is drawn on insert (its unique index refuses a repeat), the random public id is
    # left to its unique index too, and so is the idempotency key (a refusal returns the first
    # row); the related rows are in hand.
    aspiration.full_clean(
        exclude=["code", "public_id", "category", "village", "created_by", "patrol", "idempotency_key", "unit"]
    )
    return _insert_with_fresh_code(aspiration, photos=photos)


def _handling_unit_id(
    *, village: Village | None, patrol: Patrol | None, created_by: Officer | None, unplaced_unit: Unit | None
) -> int:
    """The unit that handles the aspiration: the Polsek of its village; without one (outside
    every Polsek's villages, or a village no Polsek covers yet), the patrol's it was heard
    on, the unit of the staff member who recorded it, the `unplaced_unit` the caller names
    (an Open311 request's jurisdiction), else the deployment's own (KRK_HOME_UNIT). From the
    rows in hand; only that last case costs a query.
    """
    for unit_id in (
        village.unit_id if village is not None else None,
        patrol.unit_id if patrol is not None else None,
        created_by.unit_id if created_by is not None else None,
        unplaced_unit.pk if unplaced_unit is not None else None,
    ):
        if unit_id is not None:
            return unit_id
    home = deployment_root()  # fails loudly on a code that names no unit
    if home is None:
        # Nationwide there is no such unit: the public form and Open311 refuse these reports first.
        raise ImproperlyConfigured("A nationwide deployment (KRK_HOME_UNIT=*) has no unit for reports outside a Polsek")
    return home.pk


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
    """The CREATED event, the audit entry of a staff entry, the photos and the confirmation message,
    in the insert's transaction (so a retry that finds the first row writes none of them again)."""
    now = aspiration.submitted_at
    event = add_event(
        aspiration,
        kind=EventKind.CREATED,
        author=aspiration.created_by,
        at=now,
        to_status=Status.BARU,
        is_public=True,
    )
    if aspiration.created_by is not None:
        audit_change(aspiration.created_by, aspiration, f"recorded ({aspiration.channel})")
    # After the rows that could fail: files do not roll back with the transaction.
    store_photos(Attachment, photos, aspiration=aspiration, created_at=now)
    notifications.notify_submission(aspiration=aspiration, event=event)


@transaction.atomic
def aspiration_record(
    *,
    actor: Officer,
    channel: str,
    patrol: Patrol | None = None,
    **fields: Any,
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
