"""SMS through Infobip (an operator with direct connections to the Indonesian networks).

Sending is POST {KRK_SMS_API_URL}/sms/2/text/advanced with `Authorization: App <key>`.
The notification's reference is the message's `messageId` (Infobip lets the sender
choose it) and its `callbackData`, so delivery reports find their notification
whatever happened to the worker. Reports are POSTed to `notifyUrl`; Infobip signs
nothing there, so the portal puts KRK_SMS_WEBHOOK_SECRET into that URL as HTTP Basic
credentials and the webhook checks them (aspirations/webhooks.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

from . import Outgoing, PermanentError, international
from .http import post_json

WEBHOOK_USER = "infobip"


def configured() -> bool:
    return bool(settings.KRK_SMS_API_URL and settings.KRK_SMS_API_KEY and settings.KRK_SMS_WEBHOOK_SECRET)


def notify_url() -> str:
    """The delivery-report address, with the shared secret as Basic credentials."""
    parts = urlsplit(f"{settings.KRK_SITE_URL}{reverse('aspirations:webhook_sms')}")
    netloc = f"{WEBHOOK_USER}:{settings.KRK_SMS_WEBHOOK_SECRET}@{parts.netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def send(outgoing: Outgoing) -> str:
    if not configured():
        raise PermanentError("ChannelNotConfigured")
    payload = {
        "messages": [
            {
                "from": settings.KRK_SMS_SENDER,
                "destinations": [{"to": international(outgoing.to), "messageId": outgoing.reference}],
                "text": outgoing.text,
                "notifyUrl": notify_url(),
                "notifyContentType": "application/json",
                "callbackData": outgoing.reference,
            }
        ]
    }
    status, data = post_json(
        f"{settings.KRK_SMS_API_URL}/sms/2/text/advanced",
        payload,
        headers={"Authorization": f"App {settings.KRK_SMS_API_KEY}"},
    )
    if status >= 400:
        error = ((data.get("requestError") or {}).get("serviceException") or {}).get("messageId")
        raise PermanentError(f"SMS {error or status}")
    try:
        message = data["messages"][0]
        group = message["status"]["groupName"]
    except (KeyError, IndexError, TypeError):
        raise PermanentError("UnreadableResponse") from None
    if group == "REJECTED":
        raise PermanentError(f"SMS {message['status'].get('name', group)}")
    return str(message.get("messageId") or outgoing.reference)


def credentials_valid(authorization: str) -> bool:
    """The Basic credentials of a delivery report, compared in constant time."""
    secret = settings.KRK_SMS_WEBHOOK_SECRET
    scheme, _, encoded = authorization.partition(" ")
    if not secret or scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(f"{user}:{password}", f"{WEBHOOK_USER}:{secret}")
