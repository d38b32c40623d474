"""Public transparency on the home page: this month's patrols per village, aspirations received and resolved.

Aggregates only: counts per village and in total, never a name, a place or a text.
Two queries, kept in the cache for a few minutes (the home page is the busiest
public page; figures a few minutes old are fine for residents).
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aspirations.models import Aspiration, Status
from patrols.models import PatrolTally, Village

from .figures import in_period
from .periods import Period, month_start

CACHE_SECONDS = 300
CACHE_KEY = "krk:transparency:v1:{month}"


def cache_key(first_day: datetime.date) -> str:
    return CACHE_KEY.format(month=first_day.strftime("%Y-%m"))


def compute(period: Period) -> dict:
    """The period's public figures (two queries)."""
    patrols = (
        PatrolTally.objects.filter(village_id=OuterRef("pk"), day__gte=period.first_day, day__lte=period.last_day)
        .order_by()
        .values("village_id")
        .annotate(n=Sum("patrols"))
        .values("n")
    )
    villages = list(
        Village.objects.annotate(patrol_count=Coalesce(Subquery(patrols), 0))
        .order_by("name")
        .values_list("name", "patrol_count")
    )
    aspirations = (
        Aspiration.objects.filter(in_period(period, "submitted_at"))
        .order_by()
        .aggregate(received=Count("pk"), resolved=Count("pk", filter=Q(status=Status.SELESAI)))
    )
    return {
        "month": period.first_day,
        "villages": villages,
        "patrols": sum(n for _, n in villages),
        "received": aspirations["received"] or 0,
        "resolved": aspirations["resolved"] or 0,
    }


def this_month(today: datetime.date | None = None) -> dict:
    """This month so far (from the cache when it is fresh)."""
    today = today or timezone.localdate()
    first = month_start(today)
    key = cache_key(first)
    figures = cache.get(key)
    if figures is None:
        figures = compute(Period(first, today))
        cache.set(key, figures, CACHE_SECONDS)
    return figures
