"""The sign-in lockout (django-axes): a limit per kind of count, and the page that says what to do.

Two counts of recent failed sign-ins (AXES_LOCKOUT_PARAMETERS), each with its own
limit (KRK_LOCKOUT_LIMITS):

- one username from one address (KRK_LOCKOUT_FAILURES, 5): locks only that pair,
  so someone guessing `pimpinan`'s password locks themselves out, never the owner
  signing in from their own phone or office;
- one address, whatever usernames it tries (KRK_LOCKOUT_ADDRESS_FAILURES, 20):
  locks that address for every account, so spraying passwords over many staff
  usernames stops too. Higher than the first, because a police station or a
  mobile carrier puts many honest people behind one address.

Either lock lifts KRK_LOCKOUT_MINUTES after the last failure that counted; an
admin unlocks sooner by deleting the attempts in /admin/axes/accessattempt/ or
with `manage.py axes_reset_username` / `axes_reset_ip`.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import too_many_requests


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes is untyped
    """AXES_HANDLER: axes' database handler with one limit per lockout parameter.

    Axes sums the recent failures of each entry of AXES_LOCKOUT_PARAMETERS and
    locks when the largest sum reaches AXES_FAILURE_LIMIT, one limit for all of
    them. Here each sum is scaled onto AXES_FAILURE_LIMIT so that it reaches it
    exactly when it reaches its own limit in KRK_LOCKOUT_LIMITS (integer division:
    19 of 20 is 4 of 5, 20 of 20 is 5 of 5); the rest of axes (the check before
    the password, the lockout signal, the 429 page, the admin) is unchanged.
    Two aggregate queries, as axes makes.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        sums = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        failures: int = max(
            count * base // limit for count, limit in zip(sums, settings.KRK_LOCKOUT_LIMITS, strict=True)
        )
        return failures

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in (AXES_RESET_ON_SUCCESS), forget that username's failures
        from that address only. Axes would forget every failure of the address as well, and
        one valid account would then wipe the count of a password spray from the same place."""
        pair = self.filter_user_attempts(request, credentials)[0]  # username + address, listed first
        deleted: int = pair.delete()[0]
        return deleted


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the 429 page for a locked-out sign-in, saying what to do."""
    cool_off = get_cool_off(request)
    message = " ".join(
        [
            _(
                "Too many failed sign-in attempts for this account from this network, or for several "
                "accounts. Signing in from here is blocked for a while, even with the right password."
            ),
            _(
                "If it is your account, wait, or sign in from another network (for example your phone's "
                "mobile data). If you need it now, or did not make these attempts yourself, call the "
                "portal administrator at %(unit)s: they can unlock it at once."
            )
            % {"unit": settings.KRK_UNIT_NAME},
        ]
    )
    return too_many_requests(request, message=message, retry_after=cool_off)
