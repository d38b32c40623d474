"""Email through Django's mail backend (SMTP in production, the console in development)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from . import Outgoing, PermanentError, TransientError


def configured() -> bool:
    """Without EMAIL_HOST mail goes to the console: fine while developing, nowhere in production."""
    return settings.DEBUG or not settings.EMAIL_BACKEND.endswith("console.EmailBackend")


def send(outgoing: Outgoing) -> str:
    try:
        send_mail(outgoing.subject, outgoing.text, None, [outgoing.to])
    except smtplib.SMTPRecipientsRefused:
        raise PermanentError("SMTPRecipientsRefused") from None
    except (smtplib.SMTPException, OSError) as error:
        # Only the type: SMTP errors quote the recipient's address.
        raise TransientError(type(error).__name__) from None
    return ""
