"""Calendar days as the portal's users mean them: days in WIB (TIME_ZONE).

A leaf module (imports no app), shared by the apps' filters and the dashboard.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight WIB of `day` as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_range(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) covering the WIB days `first` to `last`, both included."""
    return day_start(first), day_start(last + datetime.timedelta(days=1))


class FromDayFilter(django_filters.DateFilter):
    """`field >= midnight WIB of the day`: a plain range on the column, so its index serves it
    (a `__date` lookup would wrap the column in a time-zone conversion)."""

    def filter(self, qs: QuerySet[Any], value: datetime.date | None) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class UntilDayFilter(django_filters.DateFilter):
    """`field < midnight WIB of the next day`: the whole day included."""

    def filter(self, qs: QuerySet[Any], value: datetime.date | None) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__lt": day_start(value + datetime.timedelta(days=1))})
