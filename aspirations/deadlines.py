"""Working-day deadlines: the one place that knows what a working day is.

A working day is Monday to Friday and not an Indonesian public holiday (from the
maintained `holidays` package; `KRK_HOLIDAY_CATEGORIES` may add "government" to
also skip the cuti bersama days). A deadline of N working days after a moment is
the end (23:59:59.999999 WIB) of the Nth working day after that moment's local
date: a report sent on Friday evening or at the weekend counts Monday as its
first working day; one sent on Monday counts from Tuesday.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

SATURDAY = 5


@lru_cache(maxsize=64)
def _holidays_in(year: int, categories: tuple[str, ...]) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("ID", years=year, categories=categories).keys())


def _categories() -> tuple[str, ...]:
    return tuple(getattr(settings, "KRK_HOLIDAY_CATEGORIES", ("public",)))


def is_holiday(day: datetime.date) -> bool:
    return day in _holidays_in(day.year, _categories())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and not is_holiday(day)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`th working day after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    while count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def due_after(moment: datetime.datetime, working_days: int) -> datetime.datetime:
    """End of the `working_days`th working day after `moment`, as an aware datetime in WIB."""
    local_day = timezone.localdate(moment)
    due_day = add_working_days(local_day, working_days)
    return timezone.make_aware(datetime.datetime.combine(due_day, datetime.time.max))


def verification_due(submitted_at: datetime.datetime) -> datetime.datetime:
    """When staff must have verified an aspiration (`KRK_VERIFY_WORKING_DAYS`, default 3)."""
    return due_after(submitted_at, settings.KRK_VERIFY_WORKING_DAYS)


def followup_due(verified_at: datetime.datetime) -> datetime.datetime:
    """When the first follow-up is due after verification (`KRK_FOLLOWUP_WORKING_DAYS`, default 5)."""
    return due_after(verified_at, settings.KRK_FOLLOWUP_WORKING_DAYS)
