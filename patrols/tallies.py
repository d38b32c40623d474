"""Keep the daily patrol tallies (`models.tallies`) equal to the patrols they count.

`refresh(days)` recomputes the given WIB days from the patrols themselves: it
deletes those days' rows and counts again, so it is right however the patrols
changed (a new report, an edit that moved it to another day or village, a
deletion, a changed team or topics). `patrols.signals` calls it on every save,
delete and many-to-many change; `rebuild()` recomputes every day (after bulk
loads, which send no signals: `manage.py rebuild_patrol_tallies`).

Each kind of tally can be refreshed alone, so adding a patrol's members does not
recount its topics. The unit tally (`UnitPatrolTally`) is part of the villages kind:
it is summed from the very rows the village tally is written from, in the same
transaction and under the same lock, so the two cannot disagree. A day costs a few
small queries: the patrols of one day are a short range of the `started_at` index.

Two patrols of the same day saved at the same moment (two officers, two app
servers) would each delete the day's rows, count without seeing the other's
uncommitted patrol, and insert: one fails on the tally's unique constraint (a 500
for the officer, tests/topology), or both succeed with a count one short. On
PostgreSQL a recount therefore first takes a transaction-level advisory lock per
day, so the second waits for the first to commit and then counts both. (SQLite
runs one write transaction at a time anyway.)
"""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.dates import day_range

from .models import Situation

VILLAGES = "villages"  # PatrolTally: per village and type, and UnitPatrolTally: their sum per unit
OFFICERS = "officers"  # OfficerPatrolTally: led (the patrol's leader) and joined (its members)
TOPICS = "topics"  # TopicPatrolTally
ALL = frozenset({VILLAGES, OFFICERS, TOPICS})
UNITS = "units"  # a key of `snapshot()` only: refreshed with VILLAGES
# pg_advisory_xact_lock(namespace, day) keys: the namespace keeps them apart from any
# other advisory lock; the day is its proleptic ordinal (fits PostgreSQL's int4).
_LOCK_NAMESPACE = 0x4B524B  # "KRK"
_EVERY_DAY = 0


def day_of(moment: datetime.datetime) -> datetime.date:
    """The WIB day a patrol counts on: the day it started."""
    return timezone.localdate(moment)


def _started_on(days: list[datetime.date] | None, prefix: str = "") -> Q:
    """Patrols (or rows through `prefix`) started on any of `days`; every patrol when None."""
    if days is None:
        return Q()
    ranges = []
    for day in days:
        start, end = day_range(day, day)
        ranges.append(Q(**{f"{prefix}started_at__gte": start, f"{prefix}started_at__lt": end}))
    return reduce(operator.or_, ranges)


def refresh(days: Iterable[datetime.date] | None, kinds: Iterable[str] = ALL, *, apps=global_apps) -> None:
    """Recount `kinds` of tallies for `days` (None: every day; a rebuild).

    `apps` is the app registry: a data migration passes its historical one.
    """
    day_list = None if days is None else sorted(set(days))
    if day_list == []:
        return
    kinds = set(kinds)
    with transaction.atomic():
        _lock_days(day_list)
        if VILLAGES in kinds:
            _refresh_villages(apps, day_list)
        if OFFICERS in kinds:
            _refresh_officers(apps, day_list)
        if TOPICS in kinds:
            _refresh_topics(apps, day_list)


def _lock_days(days: list[datetime.date] | None) -> None:
    """Wait for any other transaction recounting these days (PostgreSQL; held until commit).

    One statement. A day's recount holds its day's key and, shared, the "every day"
    key; a rebuild (None) holds the "every day" key alone, so a rebuild and a
    recount wait for each other and two recounts wait only when they share a day.
    Keys are taken in date order: overlapping recounts cannot deadlock."""
    if connection.vendor != "postgresql":
        return
    if days is None:
        sql, params = "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, _EVERY_DAY]
    else:
        locks = ", ".join(["pg_advisory_xact_lock(%s, %s)"] * len(days))
        sql = f"SELECT pg_advisory_xact_lock_shared(%s, %s), {locks}"
        params = [_LOCK_NAMESPACE, _EVERY_DAY]
        for day in days:
            params += [_LOCK_NAMESPACE, day.toordinal()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild(*, apps=global_apps) -> None:
    """Recount every tally from every patrol."""
    refresh(None, apps=apps)


def _tally_rows(model, days: list[datetime.date] | None):
    rows = model.objects.all()
    return rows if days is None else rows.filter(day__in=days)


def _wib_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def _per_day(rows, prefix: str, key: str, days: list[datetime.date] | None):
    """(WIB day, unit id, `key`, how many) of the patrols started on `days` (None: all), or of
    their link rows (`prefix` "patrol__": the way from a members or topics row to its patrol)."""
    return (
        rows.filter(_started_on(days, prefix))
        .annotate(day=_wib_day(f"{prefix}started_at"))
        .order_by()
        .values_list("day", f"{prefix}unit_id", key)
        .annotate(n=Count("pk" if not prefix else "patrol_id"))
    )


def _refresh_villages(apps, days) -> None:
    """Recount the village tally of `days` and, from the same rows, the unit tally (no query more)."""
    Patrol = apps.get_model("patrols", "Patrol")
    PatrolTally = apps.get_model("patrols", "PatrolTally")
    UnitPatrolTally = apps.get_model("patrols", "UnitPatrolTally")
    _tally_rows(PatrolTally, days).delete()
    _tally_rows(UnitPatrolTally, days).delete()
    rows = (
        Patrol.objects.filter(_started_on(days))
        .annotate(day=_wib_day("started_at"))
        .order_by()
        .values("day", "unit_id", "village_id", "patrol_type")
        .annotate(
            n=Count("pk"),
            residents=Sum("residents_met"),
            incidents=Count("pk", filter=Q(situation=Situation.INCIDENT)),
        )
    )
    village_rows = []
    per_unit: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        counts = (row["n"], row["residents"] or 0, row["incidents"])
        village_rows.append(
            PatrolTally(
                day=row["day"],
                unit_id=row["unit_id"],
                village_id=row["village_id"],
                patrol_type=row["patrol_type"],
                patrols=counts[0],
                residents=counts[1],
                incidents=counts[2],
            )
        )
        total = per_unit[(row["day"], row["unit_id"], row["patrol_type"])]
        for index, value in enumerate(counts):
            total[index] += value
    PatrolTally.objects.bulk_create(village_rows)
    UnitPatrolTally.objects.bulk_create(
        UnitPatrolTally(day=day, unit_id=unit_id, patrol_type=patrol_type, patrols=n, residents=met, incidents=inc)
        for (day, unit_id, patrol_type), (n, met, inc) in per_unit.items()
    )


def _refresh_officers(apps, days) -> None:
    Patrol = apps.get_model("patrols", "Patrol")
    OfficerPatrolTally = apps.get_model("patrols", "OfficerPatrolTally")
    _tally_rows(OfficerPatrolTally, days).delete()
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: {"led": 0, "joined": 0})
    for day, unit_id, officer_id, n in _per_day(Patrol.objects.all(), "", "leader_id", days):
        counts[(day, unit_id, officer_id)]["led"] = n
    for day, unit_id, officer_id, n in _per_day(Patrol.members.through.objects.all(), "patrol__", "officer_id", days):
        counts[(day, unit_id, officer_id)]["joined"] = n
    OfficerPatrolTally.objects.bulk_create(
        OfficerPatrolTally(day=day, unit_id=unit_id, officer_id=officer_id, **values)
        for (day, unit_id, officer_id), values in counts.items()
    )


def _refresh_topics(apps, days) -> None:
    Patrol = apps.get_model("patrols", "Patrol")
    TopicPatrolTally = apps.get_model("patrols", "TopicPatrolTally")
    _tally_rows(TopicPatrolTally, days).delete()
    rows = _per_day(Patrol.topics.through.objects.all(), "patrol__", "imbauantopic_id", days)
    TopicPatrolTally.objects.bulk_create(
        TopicPatrolTally(day=day, unit_id=unit_id, topic_id=topic_id, patrols=n) for day, unit_id, topic_id, n in rows
    )


def snapshot(*, apps=global_apps) -> dict[str, set[tuple]]:
    """Every tally row as a plain tuple, per kind: to compare two states (tests, `--check`)."""
    return {
        VILLAGES: set(
            apps.get_model("patrols", "PatrolTally").objects.values_list(
                "day", "unit_id", "village_id", "patrol_type", "patrols", "residents", "incidents"
            )
        ),
        UNITS: set(
            apps.get_model("patrols", "UnitPatrolTally").objects.values_list(
                "day", "unit_id", "patrol_type", "patrols", "residents", "incidents"
            )
        ),
        OFFICERS: set(
            apps.get_model("patrols", "OfficerPatrolTally").objects.values_list(
                "day", "unit_id", "officer_id", "led", "joined"
            )
        ),
        TOPICS: set(
            apps.get_model("patrols", "TopicPatrolTally").objects.values_list("day", "unit_id", "topic_id", "patrols")
        ),
    }
