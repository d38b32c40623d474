"""Staff sessions end after KRK_SESSION_IDLE_SECONDS without a request, and
KRK_SESSION_MAX_SECONDS after sign-in whatever the activity.

Django alone gives the idle limit (SESSION_COOKIE_AGE, renewed whenever the
session is saved) but has no absolute limit. The middleware keeps two stamps in
the session: when the user signed in (set by the `user_logged_in` receiver) and
when they were last seen; it checks both itself, so the limits hold with any
session engine, and it renews the last-seen stamp, which also saves the session
and pushes the cookie's and the database row's expiry forward.

The stamp is renewed at most once every KRK_SESSION_TOUCH_SECONDS: saving the
session on every request would cost a write per page view for an idle clock
that only needs minute precision.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

SIGNED_IN_AT = "krk_signed_in_at"
LAST_SEEN_AT = "krk_last_seen_at"
# Set on the request when the middleware ends a session, so the audit trail can
# tell an expiry from a sign-out.
EXPIRED_ATTR = "krk_session_expired"


def stamp_sign_in(sender: object, request: HttpRequest | None, user: object, **kwargs: Any) -> None:
    """`user_logged_in` receiver: the absolute lifetime counts from here."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def expiry_reason(session: SessionBase, now: float) -> str | None:
    """'idle', 'absolute' or None, for a signed-in session."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is not None and now - signed_in_at > settings.KRK_SESSION_MAX_SECONDS:
        return "absolute"
    if last_seen_at is not None and now - last_seen_at > settings.KRK_SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionLifetimeMiddleware:
    """Signs out expired staff sessions before the view runs (needs auth and messages first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            reason = expiry_reason(session, now)
            if reason is not None:
                setattr(request, EXPIRED_ATTR, reason)
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            else:
                # Sessions from before this middleware existed start counting now.
                session.setdefault(SIGNED_IN_AT, now)
                if now - session.get(LAST_SEEN_AT, 0) >= settings.KRK_SESSION_TOUCH_SECONDS:
                    session[LAST_SEEN_AT] = now
        return self.get_response(request)
