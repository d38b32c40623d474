"""The ways a notification leaves the portal: email, WhatsApp and SMS, one small client each.

A provider has `configured()` and `send(outgoing) -> str` (the provider's id for the
message, "" when it has none). It raises `TransientError` when trying again later may
work (the provider's 5xx or rate limit, a timeout, the mail server down) and
`PermanentError` when it will not (a 4xx: a number that is not on WhatsApp, a rejected
sender; the channel not configured). Errors carry a short type for the admin's list,
never the address or the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message as a provider needs it."""

    reference: str  # the notification's reference: echoed back in the provider's receipts
    to: str
    kind: str
    language: str
    subject: str = ""
    text: str = ""
    params: list[str] = field(default_factory=list)


class DeliveryError(Exception):
    retry = False

    def __init__(self, error_type: str):
        super().__init__(error_type)
        self.error_type = error_type[:80]


class TransientError(DeliveryError):
    retry = True


class PermanentError(DeliveryError):
    retry = False


class Provider(Protocol):
    def configured(self) -> bool: ...

    def send(self, outgoing: Outgoing) -> str: ...


def international(phone: str) -> str:
    """An Indonesian number as the providers want it: 081234567890 -> 6281234567890."""
    digits = "".join(character for character in phone if character.isdigit())
    if digits.startswith("0"):
        return "62" + digits[1:]
    return digits


def provider_for(channel: str) -> Provider:
    from . import email, sms, whatsapp

    return {"email": email, "sms": sms, "whatsapp": whatsapp}[channel]
