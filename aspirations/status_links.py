"""Cek Status without a ticket code in any URL.

A code in a URL sits in every proxy's and app server's access log, and a ticket code
is all it takes to read a report's status. So:

- a look-up is a POST; its answer redirects to the bare status page, which finds the
  code in `STATUS_COOKIE` (signed, HttpOnly, sent to that page only, for a few minutes);
- a link in a message (email today, WhatsApp later) carries a one-time token instead
  of the code: the aspiration's id and a nonce, signed and dated, good for
  `LINK_MAX_AGE`. Opening it shows a button; pressing it (a POST) uses the token up
  and sets the cookie. A GET uses nothing up, because mail scanners and link previews
  open links before the resident does. Used tokens are remembered in the shared
  cache (`security.use_once`: while the cache is down a token can be used again
  until it expires). Once used or expired, the resident types the code, which is in
  the message.
"""

from __future__ import annotations

import datetime
import secrets

from django.core import signing
from django.urls import reverse

from core.security import PageCookie, use_once, used

from .models import Aspiration

# Long enough to read the status and reload it; short, because the next person at a
# shared computer opening Cek Status would see it too.
STATUS_COOKIE = PageCookie("krk_status", salt="aspirations.status-code", url_name="aspirations:status", max_age=600)
LINK_SALT = "aspirations.status-link"
LINK_MAX_AGE = int(datetime.timedelta(days=30).total_seconds())
# What a look-up keeps of the typed text (a ticket code is 15 characters; the form
# says what is wrong with anything longer).
TYPED_MAX = 60


def link_token(aspiration: Aspiration) -> str:
    """A fresh one-time token for the aspiration's status (no query)."""
    return signing.dumps([aspiration.pk, secrets.token_urlsafe(9)], salt=LINK_SALT)


def link_path(aspiration: Aspiration) -> str:
    """A status link for a message: a fresh one-time token, never the code (no query)."""
    return reverse("aspirations:status_link", args=[link_token(aspiration)])


def _read(token: str) -> tuple[int, str] | None:
    """(aspiration id, nonce) of a good, unexpired token, else None."""
    try:
        pk, nonce = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):  # also an expired one
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return pk, nonce


def link_usable(token: str) -> bool:
    """Whether the link can still be used (a signature check and one cache read, no query)."""
    read = _read(token)
    return read is not None and not used(f"status-link:{read[1]}")


def redeem(token: str) -> str | None:
    """Use the link up: the ticket code it stands for, or None if it is forged, expired or used.

    One query when the token is good (the code of that aspiration; None if it has
    been deleted since). The token is used up even then, so a link works once.
    """
    read = _read(token)
    if read is None or not use_once(f"status-link:{read[1]}", seconds=LINK_MAX_AGE):
        return None
    return Aspiration.objects.filter(pk=read[0]).values_list("code", flat=True).first()
