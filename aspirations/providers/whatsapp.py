"""WhatsApp Business Cloud API: approved template messages, and the signature of its webhooks.

Sending is POST {KRK_WHATSAPP_API_URL}/{KRK_WHATSAPP_PHONE_NUMBER_ID}/messages with the
access token; the body names a template (one per kind of message, approved in the
WhatsApp Manager in Indonesian and English) and its body parameters. The
notification's reference travels as `biz_opaque_callback_data`, which WhatsApp returns
in every status webhook, so a receipt finds its notification even when the worker died
before it could record WhatsApp's message id.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from . import Outgoing, PermanentError, TransientError, international
from .http import post_json

# Template names as submitted for approval; README lists their texts.
TEMPLATES = {
    "received": "krk_tiket_diterima",
    "status_changed": "krk_status_berubah",
    "reply": "krk_balasan",
    "resolved": "krk_selesai",
    "assigned": "krk_penugasan",
}
# Graph API error codes that mean "later": rate limits and a temporary outage.
RETRY_CODES = {2, 4, 130429, 131016, 131048, 131056}


def configured() -> bool:
    # The app secret too: without it every receipt is refused, and an interrupted send
    # could not be told from one WhatsApp never got (aspirations/delivery.py).
    return bool(
        settings.KRK_WHATSAPP_PHONE_NUMBER_ID and settings.KRK_WHATSAPP_TOKEN and settings.KRK_WHATSAPP_APP_SECRET
    )


def send(outgoing: Outgoing) -> str:
    if not configured():
        raise PermanentError("ChannelNotConfigured")
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": international(outgoing.to),
        "type": "template",
        "template": {
            "name": TEMPLATES[outgoing.kind],
            "language": {"code": outgoing.language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": value} for value in outgoing.params]}
            ],
        },
        "biz_opaque_callback_data": outgoing.reference,
    }
    status, data = post_json(
        f"{settings.KRK_WHATSAPP_API_URL}/{settings.KRK_WHATSAPP_PHONE_NUMBER_ID}/messages",
        payload,
        headers={"Authorization": f"Bearer {settings.KRK_WHATSAPP_TOKEN}"},
    )
    if status >= 400:
        code = (data.get("error") or {}).get("code")
        error = TransientError if code in RETRY_CODES else PermanentError
        raise error(f"WhatsApp {code or status}")
    try:
        return str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise PermanentError("UnreadableResponse") from None


def signature_valid(body: bytes, header: str) -> bool:
    """X-Hub-Signature-256: "sha256=" + HMAC-SHA256 of the raw body keyed with the app secret."""
    secret = settings.KRK_WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))
