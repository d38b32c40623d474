"""Telling people what happened to an aspiration: the one place that sends anything.

Services call `notify_*` inside their transaction. The message is composed there,
from the state just written, and handed to the channel only after the transaction
commits (`transaction.on_commit(..., robust=True)`): a rolled-back change mails
nobody, and a mail server that is down is logged and never undoes the change.

Today the only channel is email. A channel is anything with
`send(*, to: str, message: Message)`; an SMS or WhatsApp gateway becomes a class
here, an entry in CHANNELS and an address in `_reporter_addresses` (the reporter's
phone), without touching the services.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from . import status_links
from .models import Aspiration, AspirationEvent, EventKind, Status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class Channel(Protocol):
    def send(self, *, to: str, message: Message) -> None: ...


class EmailChannel:
    def send(self, *, to: str, message: Message) -> None:
        send_mail(message.subject, message.body, None, [to])


CHANNELS: dict[str, Channel] = {"email": EmailChannel()}


def absolute(path: str) -> str:
    """A link for a message read outside the browser: KRK_SITE_URL plus the path."""
    return f"{settings.KRK_SITE_URL}{path}"


def _render(template: str, context: dict, language: str) -> Message:
    with translation.override(language):
        context = {"unit_name": settings.KRK_UNIT_NAME, **context}
        subject = render_to_string(f"aspirations/email/{template}_subject.txt", context)
        body = render_to_string(f"aspirations/email/{template}.txt", context)
    return Message(subject=" ".join(subject.split()), body=body)


def _send_after_commit(*, channel: str, to: str, message: Message, what: str) -> None:
    # A named function, not a partial: Django logs a failing robust hook by its __qualname__.
    def deliver() -> None:
        try:
            CHANNELS[channel].send(to=to, message=message)
        except Exception as error:
            # Only the error's type: SMTP errors quote the recipient's address.
            logger.warning("%s by %s failed: %s", what, channel, type(error).__name__)
            return
        logger.info("%s sent by %s", what, channel)

    transaction.on_commit(deliver, robust=True)


def _reporter_addresses(aspiration: Aspiration) -> list[tuple[str, str]]:
    """(channel, address) pairs for the reporter: none for anonymous reports."""
    return [("email", aspiration.reporter_email)] if aspiration.reporter_email else []


def notify_submission(*, aspiration: Aspiration, language: str | None = None) -> None:
    """The ticket code, to a reporter who gave an address (in the language of the form they used).

    Its status link carries a one-time token, not the code (`status_links`); so does every update's.
    """
    addresses = _reporter_addresses(aspiration)
    if not addresses:
        return
    context = {
        "code": aspiration.code,
        "status_url": absolute(status_links.link_path(aspiration)),
        "verification_due": aspiration.verification_due,
    }
    message = _render("confirmation", context, language or translation.get_language() or settings.LANGUAGE_CODE)
    for channel, address in addresses:
        _send_after_commit(
            channel=channel, to=address, message=message, what=f"confirmation for aspiration {aspiration.pk}"
        )


def notify_reporter(*, aspiration: Aspiration, event: AspirationEvent) -> None:
    """A public reply or a status change, to a reporter who gave an address.

    Written in the portal's default language: the reporter is not signed in, and
    staff may be using the English interface.
    """
    if not event.is_public:
        return
    addresses = _reporter_addresses(aspiration)
    if not addresses:
        return
    context = {
        "code": aspiration.code,
        "status_url": absolute(status_links.link_path(aspiration)),
        "status": Status(aspiration.status).label,
        "event": event,
        "is_reply": event.kind == EventKind.PUBLIC_REPLY,
        "rejection_note": aspiration.rejection_note,
    }
    message = _render("update", context, settings.LANGUAGE_CODE)
    for channel, address in addresses:
        _send_after_commit(channel=channel, to=address, message=message, what=f"update on aspiration {aspiration.pk}")


def notify_assignment(*, aspiration: Aspiration, officer) -> None:
    """Tell the officer an aspiration is now theirs, if they have an email address.

    The message carries the code, category, village and the deadline, never the
    reporter's identity: the officer opens the portal for the rest.
    """
    if not officer.email:
        return
    context = {
        "aspiration": aspiration,
        "officer": officer,
        "detail_url": absolute(aspiration.get_absolute_url()),
        "deadline": aspiration.current_deadline,
    }
    message = _render("assignment", context, settings.LANGUAGE_CODE)
    _send_after_commit(
        channel="email", to=officer.email, message=message, what=f"assignment of aspiration {aspiration.pk}"
    )
