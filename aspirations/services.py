"""Writes for aspirations (HackSoft style: keyword-only, atomic, side effects explicit)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from patrols.images import ProcessedPhoto
from patrols.models import Officer, Village

from . import deadlines, tickets
from .models import Aspiration, AspirationEvent, Attachment, Category, Channel, EventKind, Status

logger = logging.getLogger(__name__)

# A unique-code race between two submissions in the same instant is retried this often.
INSERT_ATTEMPTS = 3


def _code_taken(code: str) -> bool:
    return Aspiration.objects.filter(code=code).exists()


@transaction.atomic
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
    created_by: Officer | None = None,
    ip_hash: str = "",
    spam_signals: Sequence[str] = (),
) -> Aspiration:
    """Record an aspiration with a fresh ticket code, its photos and its first timeline event.

    Identity is stored only when given, and then only with `consent` (the
    database refuses identity without a consent time). Suspected spam is stored
    like any other aspiration, flagged for the operator. If the reporter gave an
    email, the ticket code is mailed after the transaction commits; a mail
    failure is logged and never undoes the submission.
    """
    now = timezone.now()
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
    )
    _insert_with_unique_code(aspiration)

    saved_files: list = []
    try:
        for photo in photos:
            attachment = Attachment(
                aspiration=aspiration,
                width=photo.width,
                height=photo.height,
                content_type=photo.content_type,
                created_at=now,
            )
            attachment.image.save(photo.image.name, photo.image, save=False)
            saved_files.append(attachment.image)
            attachment.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
            saved_files.append(attachment.thumbnail)
            attachment.full_clean()
            attachment.save()

        event = AspirationEvent(
            aspiration=aspiration,
            kind=EventKind.CREATED,
            to_status=Status.BARU,
            author=created_by,
            is_public=True,
            created_at=now,
        )
        event.full_clean()
        event.save()
    except BaseException:
        # The rows roll back with the transaction; the files would stay behind.
        for stored in saved_files:
            stored.storage.delete(stored.name)
        raise

    if reporter_email:
        language = translation.get_language() or settings.LANGUAGE_CODE

        # A named function, not a partial: Django logs a failing robust hook by its __qualname__.
        def mail_ticket_code() -> None:
            send_confirmation(
                code=aspiration.code,
                email=reporter_email,
                verification_due=aspiration.verification_due,
                language=language,
            )

        transaction.on_commit(mail_ticket_code, robust=True)
    return aspiration


def _insert_with_unique_code(aspiration: Aspiration) -> None:
    """Give the aspiration a code no other has, and insert it.

    The code is checked before the insert; the unique index settles the rare race
    of two submissions drawing the same code at once (savepoint, new code, retry).
    """
    for attempt in range(INSERT_ATTEMPTS):
        aspiration.code = tickets.generate_unique(_code_taken)
        # generate_unique has just checked the code; no second uniqueness query.
        aspiration.full_clean(exclude=["code"])
        try:
            with transaction.atomic():
                aspiration.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == INSERT_ATTEMPTS - 1 or not _code_taken(aspiration.code):
                raise
            aspiration.pk = None


def status_url(code: str) -> str:
    """The status page for a code; absolute when KRK_SITE_URL is set."""
    path = f"{reverse('aspirations:status')}?{urlencode({'kode': code})}"
    return f"{settings.KRK_SITE_URL}{path}"


def send_confirmation(*, code: str, email: str, verification_due: datetime.datetime, language: str) -> None:
    """Mail the ticket code to the reporter (runs after commit)."""
    with translation.override(language):
        context = {
            "code": code,
            "status_url": status_url(code),
            "verification_due": verification_due,
            "unit_name": settings.KRK_UNIT_NAME,
        }
        subject = render_to_string("aspirations/email/confirmation_subject.txt", context).strip()
        body = render_to_string("aspirations/email/confirmation.txt", context)
    send_mail(subject, body, None, [email])
    logger.info("confirmation mailed for %s", code)
