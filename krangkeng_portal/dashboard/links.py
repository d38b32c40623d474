"""The URLs of the lists behind the dashboard's figures.

Each figure links to the patrol list or the aspiration inbox with the filters that
reproduce it (their parameter names: patrols/filters.py, aspirations/filters.py).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from patrols.filters import JOINED, LED

from .periods import Period

__all__ = ["JOINED", "LED", "OUTSIDE", "YES", "aspiration_export", "aspirations", "patrol_export", "patrols"]

PATROL_LIST = "patrols:patrol_list"
PATROL_EXPORT = "patrols:patrol_export"
INBOX = "aspirations:inbox"
INBOX_EXPORT = "aspirations:inbox_export"
# The inbox's values for "overdue only", "outside the district" and "not assigned".
YES = "ya"
OUTSIDE = "luar"


def _url(name: str, period: Period | None, filters: dict) -> str | None:
    try:
        base = reverse(name)
    except NoReverseMatch:  # the page does not exist (yet): the figure stays plain text
        return None
    params = {}
    if period is not None:
        params = {"date_from": period.first_day.isoformat(), "date_to": period.last_day.isoformat()}
    params.update({key: value for key, value in filters.items() if value not in (None, "")})
    return f"{base}?{urlencode(params)}" if params else base


def patrols(period: Period | None = None, **filters) -> str | None:
    """The patrol list: village, patrol_type, officer (and role), situation, topic."""
    return _url(PATROL_LIST, period, filters)


def patrol_export(period: Period | None = None, **filters) -> str | None:
    return _url(PATROL_EXPORT, period, filters)


def aspirations(period: Period | None = None, **filters) -> str | None:
    """The inbox: status, category, village (or OUTSIDE), officer, overdue=YES."""
    return _url(INBOX, period, filters)


def aspiration_export(period: Period | None = None, **filters) -> str | None:
    return _url(INBOX_EXPORT, period, filters)
