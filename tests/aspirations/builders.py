"""Aspirations already in a given workflow status, consistent with the database's rules."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aspirations import deadlines
from aspirations.models import Aspiration, AspirationEvent, Attachment, EventKind, RejectionReason, Status
from core.images import process_photo
from core.services import store_photos
from tests.factories import AspirationFactory
from tests.photos import photo_upload


def in_status(status: str, *, officer=None, **fields) -> Aspiration:
    """An aspiration in `status`; in follow-up or resolved it is assigned to `officer` (required then).

    Built directly (not through the services) so the tests of the services start
    from a known row, with the timeline events the status implies.
    """
    now = timezone.now()
    submitted_at = fields.pop("submitted_at", now - datetime.timedelta(days=1))
    values: dict = {"submitted_at": submitted_at, "verification_due": deadlines.verification_due(submitted_at)}
    if status in (Status.TERVERIFIKASI, Status.DITINDAKLANJUTI, Status.SELESAI):
        values.update(verified_at=submitted_at + datetime.timedelta(hours=1))
        values.update(followup_due=deadlines.followup_due(values["verified_at"]))
    if status in (Status.DITINDAKLANJUTI, Status.SELESAI):
        assert officer is not None, "an aspiration in follow-up needs its officer"
        values.update(assigned_to=officer)
    if status == Status.SELESAI:
        values.update(
            first_response_at=now - datetime.timedelta(hours=2), resolved_at=now - datetime.timedelta(hours=1)
        )
    if status == Status.DITOLAK:
        values.update(rejection_reason=RejectionReason.SPAM, rejection_note="Tidak dapat diproses.")
    values.update(fields)
    aspiration = AspirationFactory(status=status, **values)
    if aspiration.assigned_to_id:
        AspirationEvent.objects.create(
            aspiration=aspiration,
            kind=EventKind.ASSIGNMENT,
            assignee=aspiration.assigned_to,
            created_at=submitted_at + datetime.timedelta(hours=2),
        )
    return aspiration


def with_photo(aspiration: Aspiration) -> Aspiration:
    """Attach one re-encoded photo (as the public form would)."""
    store_photos(Attachment, [process_photo(photo_upload())], aspiration=aspiration)
    return aspiration
