"""Telling people what happened to an aspiration: the one place that decides who hears what.

Services call `notify_*` inside their transaction. The message is composed there, from
the state just written, in the recipient's language, and stored as a Notification row
per channel and recipient; the job that sends it is queued in that same transaction
(the database task backend writes it as a row). A rolled-back change leaves neither,
a committed one always has both, and a crash between commit and sending loses nothing:
aspirations/delivery.py sends each row at most once, retries transient failures and
records the providers' receipts.

The reporter hears on the one channel they chose on the form (WhatsApp, SMS or email)
and only if they left that address; an officer hears of an assignment by email when
they have an address, and on WhatsApp when they have a number and opted in.
Messages carry the ticket code, the status, the public reply and a status link with a
one-time token (`status_links`: the code never travels in a URL), never a name or an
address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from . import status_links
from .delivery import notification_enqueue
from .models import (
    Aspiration,
    AspirationEvent,
    EventKind,
    Notification,
    NotificationKind,
    NotifyChannel,
    Status,
)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def absolute(path: str) -> str:
    """A link for a message read outside the browser: KRK_SITE_URL plus the path."""
    return f"{settings.KRK_SITE_URL}{path}"


def _render(template: str, context: dict, language: str) -> Message:
    with translation.override(language):
        context = {"unit_name": settings.KRK_UNIT_NAME, **context}
        subject = render_to_string(f"aspirations/email/{template}_subject.txt", context)
        body = render_to_string(f"aspirations/email/{template}.txt", context)
    return Message(subject=" ".join(subject.split()), body=body)


def _sms_text(kind: str, context: dict, language: str) -> str:
    """One short SMS (aspirations/sms/<kind>.txt): whitespace folded to single spaces."""
    with translation.override(language):
        text = render_to_string(f"aspirations/sms/{kind}.txt", {"unit_name": settings.KRK_UNIT_NAME, **context})
    return " ".join(text.split())


REPLY_EXCERPT = 500  # characters of a public reply in a WhatsApp or SMS message


def _queue(*, aspiration: Aspiration, event: AspirationEvent, kind: str, channel: str, officer=None, **message) -> None:
    notification = Notification(
        aspiration=aspiration, event=event, kind=kind, channel=channel, officer=officer, **message
    )
    notification.save()
    notification_enqueue(notification)


def _reporter_message(kind: str, context: dict, email_template: str, params: list[str], language: str) -> dict:
    """The stored message for the reporter's channel: template parameters, or a subject and text."""
    channel = context["channel"]
    if channel == NotifyChannel.WHATSAPP:
        return {"params": params}
    if channel == NotifyChannel.SMS:
        return {"text": _sms_text(kind, context, language)}
    message = _render(email_template, context, language)
    return {"subject": message.subject, "text": message.body}


def _reporter_channel(aspiration: Aspiration) -> str:
    """The channel the reporter chose, if they left its address ("" for nobody to tell)."""
    address = {
        NotifyChannel.WHATSAPP.value: aspiration.reporter_phone,
        NotifyChannel.SMS.value: aspiration.reporter_phone,
        NotifyChannel.EMAIL.value: aspiration.reporter_email,
    }.get(aspiration.notify_channel, "")
    return aspiration.notify_channel if address else ""


def notify_submission(*, aspiration: Aspiration, event: AspirationEvent) -> None:
    """The ticket code and the status link, to a reporter who asked to be told."""
    channel = _reporter_channel(aspiration)
    if not channel:
        return
    language = aspiration.notify_language
    status_url = absolute(status_links.link_path(aspiration))
    with translation.override(language):
        due = formats.date_format(timezone.localtime(aspiration.verification_due), "j F Y")
    context = {
        "channel": channel,
        "code": aspiration.code,
        "status_url": status_url,
        "verification_due": aspiration.verification_due,
        "due": due,
    }
    message = _reporter_message(
        NotificationKind.RECEIVED, context, "confirmation", [aspiration.code, status_url], language
    )
    _queue(
        aspiration=aspiration,
        event=event,
        kind=NotificationKind.RECEIVED,
        channel=channel,
        language=language,
        **message,
    )


def _update_kind(event: AspirationEvent) -> str:
    if event.kind == EventKind.PUBLIC_REPLY:
        return NotificationKind.REPLY
    if event.to_status == Status.SELESAI:
        return NotificationKind.RESOLVED
    return NotificationKind.STATUS_CHANGED


def notify_reporter(*, aspiration: Aspiration, event: AspirationEvent) -> None:
    """A public reply or a status change, to a reporter who asked to be told, in their language."""
    if not event.is_public:
        return
    channel = _reporter_channel(aspiration)
    if not channel:
        return
    language = aspiration.notify_language
    kind = _update_kind(event)
    status_url = absolute(status_links.link_path(aspiration))
    with translation.override(language):
        status = str(Status(aspiration.status).label)
    reply = event.body[:REPLY_EXCERPT]
    context = {
        "channel": channel,
        "code": aspiration.code,
        "status_url": status_url,
        "status": status,
        "event": event,
        "reply": reply,
        "is_reply": kind == NotificationKind.REPLY,
        "rejection_note": aspiration.rejection_note,
    }
    params = {
        NotificationKind.REPLY.value: [aspiration.code, reply, status_url],
        NotificationKind.RESOLVED.value: [aspiration.code, status_url],
        NotificationKind.STATUS_CHANGED.value: [aspiration.code, status, status_url],
    }[kind]
    message = _reporter_message(kind, context, "update", params, language)
    _queue(aspiration=aspiration, event=event, kind=kind, channel=channel, language=language, **message)


def notify_assignment(*, aspiration: Aspiration, event: AspirationEvent, officer) -> None:
    """Tell the officer an aspiration is now theirs: by email if they have an address, and on
    WhatsApp if they have a number and opted in.

    The message carries the code, category, village and the deadline, never the
    reporter's identity: the officer opens the portal for the rest.
    """
    language = settings.LANGUAGE_CODE
    detail_url = absolute(aspiration.get_absolute_url())
    deadline = aspiration.current_deadline
    common = {"aspiration": aspiration, "event": event, "kind": NotificationKind.ASSIGNED, "officer": officer}
    if officer.email:
        context = {"aspiration": aspiration, "officer": officer, "detail_url": detail_url, "deadline": deadline}
        message = _render("assignment", context, language)
        _queue(**common, channel=NotifyChannel.EMAIL, language=language, subject=message.subject, text=message.body)
    if officer.phone and officer.notify_whatsapp:
        with translation.override(language):
            due = formats.date_format(timezone.localtime(deadline), "j F Y") if deadline else "-"
            category = aspiration.category.label
        params = [aspiration.code, category, due, detail_url]
        _queue(**common, channel=NotifyChannel.WHATSAPP, language=language, params=params)
