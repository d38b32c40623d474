"""The first table of a Polres (or higher) dashboard: its units side by side.

One row per child unit (the Polsek of a Polres): patrols, villages visited within
their target, aspirations received, open and overdue now, the median and average
time to a first response, each row linking to that unit's own dashboard. Two
queries whatever the number of units: the period's unit tally (`UnitPatrolTally`)
summed per unit (an index range of (unit, day) per unit), and the period's aspirations grouped per
child unit. The villages come from the coverage rows the dashboard already read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from aspirations.models import DEADLINE, OPEN_STATUSES
from units.models import Unit

from . import coverage, figures
from .aggregates import Elapsed, Median
from .periods import Period
from .selection import Selection


def duration_words(value: datetime.timedelta | None) -> str:
    """A duration in words a commander reads at a glance: "2 d 4 h", "5 h 10 min", "40 min"."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return str(_("%(days)s d %(hours)s h") % {"days": days, "hours": hours})
    if hours:
        return str(_("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes})
    return str(_("%(minutes)s min") % {"minutes": minutes})


@dataclass
class UnitRow:
    unit: Unit
    url: str
    patrols: int = 0
    villages: int = 0
    on_target: int = 0
    received: int = 0
    open: int = 0
    overdue: int = 0
    median_to_response: datetime.timedelta | None = None
    average_to_response: datetime.timedelta | None = None

    @property
    def median_label(self) -> str:
        return duration_words(self.median_to_response)

    @property
    def average_label(self) -> str:
        return duration_words(self.average_to_response)


def _child_key(selection: Selection):
    """The child unit a row belongs to: its own unit when every child is a leaf (a Polres's
    Polsek), else a CASE over the ids of each child's subtree (a Polda's Polres)."""
    if all(unit_id == child_id for unit_id, child_id in selection.child_of.items()):
        return F("unit_id")
    members: dict[int, list[int]] = defaultdict(list)
    for unit_id, child_id in selection.child_of.items():
        members[child_id].append(unit_id)
    return Case(
        *(When(unit_id__in=ids, then=Value(child_id)) for child_id, ids in members.items()),
        output_field=IntegerField(),
    )


def aspirations_per_child(period: Period, selection: Selection, now: datetime.datetime) -> dict[int, dict]:
    """Per child unit id: the period's aspirations received, open, overdue now, and the median
    and average time from receipt to the first response (one grouped query)."""
    to_response = Elapsed("first_response_at", "submitted_at")
    rows = (
        figures.cohort(period, list(selection.child_of))
        .alias(deadline=DEADLINE)
        .annotate(child=_child_key(selection))
        .order_by()
        .values("child")
        .annotate(
            received=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(deadline__lt=now)),
            median_to_response=Median(to_response),
            average_to_response=Avg(to_response),
        )
    )
    return {row["child"]: dict(row) for row in rows}


def unit_url(page: str, unit: Unit, query: dict[str, str]) -> str:
    """`page` (a URL name: the dashboard, the recap) of `unit`, for the same period."""
    return f"{reverse(page)}?{urlencode({**query, 'unit': unit.code})}"


def unit_rows(
    period: Period,
    selection: Selection,
    villages: list[coverage.VillageRow],
    now: datetime.datetime,
    period_query: dict[str, str],
    page: str = "dashboard:dashboard",
) -> list[UnitRow]:
    """The comparison's rows, one per child of the chosen unit (none for a Polsek: no query)."""
    if not selection.has_children:
        return []
    rows = {child.pk: UnitRow(unit=child, url=unit_url(page, child, period_query)) for child in selection.children}
    for unit_id, n in figures.patrols_per_unit(period, list(selection.child_of)).items():
        rows[selection.child_of[unit_id]].patrols += n
    for village in villages:
        row = rows.get(selection.child_of.get(village.village.unit_id or 0, 0))
        if row is not None:
            row.villages += 1
            row.on_target += not village.overdue
    for child_id, values in aspirations_per_child(period, selection, now).items():
        row = rows[child_id]
        row.received, row.open, row.overdue = values["received"], values["open"], values["overdue"]
        row.median_to_response = values["median_to_response"]
        row.average_to_response = _as_duration(values["average_to_response"])
    return list(rows.values())


def _as_duration(value) -> datetime.timedelta | None:
    """Avg of a duration: a timedelta on PostgreSQL, microseconds (a number) on SQLite."""
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))
