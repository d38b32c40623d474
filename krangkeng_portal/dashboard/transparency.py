"""Public transparency on the home page: the last 30 days' patrols per village, aspirations received and resolved.

A rolling 30 days, not "this month": on the 2nd of a month a month's figures read
as failure.

Aggregates only: counts per village and in total, never a name, a place or a text.
Two queries, kept in the cache for a few minutes (the home page is the busiest
public page; figures a few minutes old are fine for residents).
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aspirations.models import Aspiration, Status
from patrols.models import PatrolTally, Village

from .figures import in_period
from .periods import Period

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
CACHE_KEY = "krk:transparency:v2:{day}"
DAYS = 30


def cache_key(today: datetime.date) -> str:
    return CACHE_KEY.format(day=today.isoformat())


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
        "first_day": period.first_day,
        "last_day": period.last_day,
        "villages": villages,
        "patrols": sum(n for _, n in villages),
        "received": aspirations["received"] or 0,
        "resolved": aspirations["resolved"] or 0,
    }


def last_30_days(today: datetime.date | None = None) -> dict:
    """The 30 days up to today (from the cache when it is fresh)."""
    today = today or timezone.localdate()
    key = cache_key(today)
    try:
        figures = cache.get(key)
    except Exception:
        # Redis down: the home page counts afresh rather than fail (README: Redis).
        logger.warning("cache unavailable; counting the home page's figures", exc_info=True)
        figures = None
    if figures is None:
        figures = compute(Period(today - datetime.timedelta(days=DAYS - 1), today))
        try:
            cache.set(key, figures, CACHE_SECONDS)
        except Exception:
            logger.warning("cache unavailable; the home page's figures are not kept", exc_info=True)
    return figures
