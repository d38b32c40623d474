"""Public transparency on the home page: the last 30 days' patrols per village, aspirations received and resolved.

A rolling 30 days, not "this month": on the 2nd of a month a month's figures read
as failure.

Aggregates only: counts per village and in total, never a name, a place or a text.
Two queries, kept in the cache for a few minutes (the home page is the busiest
public page; figures a few minutes old are fine for residents). For one Polsek's
page (`unit`), the same figures of its villages and aspirations: the tallies carry
the unit. The home page of a Polres deployment, and a Polres's own page, list its
Polsek by kecamatan with each one's patrols (`polsek_rows`, two more queries, kept
with the figures), and the table per village only where there is one Polsek (a
Polres has 317 villages, the country 83,762). The home page of a Polda, or of the
whole country, lists its Polres under their Polda instead (`polda_groups`: the
country has 7,285 Polsek, too many for one page), each linking to its own page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from aspirations.models import Aspiration, Status
from core.kept import kept
from patrols.models import PatrolTally, UnitPatrolTally, Village
from units.models import Kecamatan, Unit, UnitKind
from units.selectors import deployment_root

from .figures import in_period, tallies
from .periods import Period

CACHE_SECONDS = 300
CACHE_KEY = "krk:transparency:v3:{day}"
UNIT_CACHE_KEY = "krk:transparency:v3:{day}:unit:{unit}"
DAYS = 30


@dataclass(frozen=True)
class PolsekRow:
    """A Polsek on the home page: where it serves and its patrols of the period."""

    code: str
    name: str
    kecamatan: list[str]
    regency: str
    patrols: int


@dataclass(frozen=True)
class PolresRow:
    """A Polres on the home page of a Polda or of the country: its page and its patrols of the period."""

    code: str
    name: str
    patrols: int
    url: str  # reversed once when counted, not once per row per page view (the country has ~500)


@dataclass(frozen=True)
class PoldaGroup:
    """A Polda with its Polres, by name."""

    name: str
    polres: list[PolresRow]


def cache_key(today: datetime.date, unit: Unit | None = None) -> str:
    if unit is None:
        return CACHE_KEY.format(day=today.isoformat())
    return UNIT_CACHE_KEY.format(day=today.isoformat(), unit=unit.pk)


def _of(unit: Unit, field: str = "unit") -> Q:
    """Rows of `unit`: of the Polsek itself, or of the units below a Polres or Polda (one indexed prefix match)."""
    if unit.kind == UnitKind.POLSEK:
        return Q(**{field: unit})
    return Q(**{f"{field}__path__startswith": unit.path})


def compute(period: Period, unit: Unit | None = None, *, per_village: bool = True) -> dict:
    """The period's public figures, of the deployment or of one unit's villages (two queries;
    one without the patrols per village, whose total the caller then gives)."""
    patrols = (
        PatrolTally.objects.filter(village_id=OuterRef("pk"), day__gte=period.first_day, day__lte=period.last_day)
        .order_by()
        .values("village_id")
        .annotate(n=Sum("patrols"))
        .values("n")
    )
    of_unit = Village.objects.all() if unit is None else Village.objects.filter(_of(unit))
    villages: list[tuple[str, int]] = (
        list(
            of_unit.annotate(patrol_count=Coalesce(Subquery(patrols), 0))
            .order_by("name")
            .values_list("name", "patrol_count")
        )
        if per_village
        else []
    )
    received = Aspiration.objects.filter(in_period(period, "submitted_at"))
    if unit is not None:
        received = received.filter(_of(unit))
    aspirations = received.order_by().aggregate(
        received=Count("pk"), resolved=Count("pk", filter=Q(status=Status.SELESAI))
    )
    return {
        "first_day": period.first_day,
        "last_day": period.last_day,
        "villages": villages,
        "patrols": sum(n for _, n in villages),
        "received": aspirations["received"] or 0,
        "resolved": aspirations["resolved"] or 0,
    }


def polsek_rows(period: Period, within: Unit) -> list[PolsekRow]:
    """Every Polsek of `within` (the deployment's unit, or a Polres) with its kecamatan, by
    regency and kecamatan name, and its patrols (two queries).

    The patrols are one indexed sum per unit over the unit tally (unit, day), never the villages.
    """
    of_within = tallies(UnitPatrolTally, period, None).filter(_of(within))
    patrols = dict(of_within.values("unit_id").annotate(n=Sum("patrols")).values_list("unit_id", "n"))
    covered = Kecamatan.objects.filter(_of(within))
    rows: dict[int, PolsekRow] = {}
    covered_rows = covered.order_by("regency_name", "name").values_list(
        "unit_id", "unit__code", "unit__name", "name", "regency_name"
    )
    for unit_id, code, name, kecamatan, regency in covered_rows:
        if unit_id not in rows:
            rows[unit_id] = PolsekRow(code, name, [], regency, patrols.get(unit_id) or 0)
        rows[unit_id].kecamatan.append(kecamatan)
    return list(rows.values())


def polda_groups(period: Period, root: Unit | None) -> tuple[list[PoldaGroup], int]:
    """The Polres below `root` (a Polda; None: the country) under their Polda, by name, with
    their patrols; and the patrols of them all (two queries, whatever the number of units).

    The patrols are one grouped sum of the unit tally by unit and its parent: a Polsek's
    count goes to its Polres, a count kept at a Polres to itself.
    """
    counted = tallies(UnitPatrolTally, period, None)
    polres = Unit.objects.polres()
    if root is not None:
        counted = counted.filter(_of(root))
        polres = polres.subtree(root)
    per_unit: dict[int, int] = {}
    total = 0
    for unit_id, parent_id, n in (
        counted.values("unit_id", "unit__parent_id")
        .annotate(n=Sum("patrols"))
        .values_list("unit_id", "unit__parent_id", "n")
    ):
        total += n
        for counted_id in (unit_id, parent_id):
            if counted_id is not None:
                per_unit[counted_id] = per_unit.get(counted_id, 0) + n
    groups: dict[int | None, PoldaGroup] = {}
    for pk, code, name, polda_id, polda_name in polres.order_by("parent__name", "parent_id", "name").values_list(
        "pk", "code", "name", "parent_id", "parent__name"
    ):
        group = groups.setdefault(polda_id, PoldaGroup(polda_name or "", []))
        group.polres.append(PolresRow(code, name, per_unit.get(pk, 0), reverse("polres", args=[code])))
    return list(groups.values()), total


def last_30_days(today: datetime.date | None = None, *, unit: Unit | None = None) -> dict:
    """The 30 days up to today, of the deployment (with its units) or of one unit (from the cache when fresh)."""
    today = today or timezone.localdate()
    # Redis down: the page counts afresh rather than fail (README: Redis).
    return kept(cache_key(today, unit), lambda: _count(today, unit), CACHE_SECONDS, what="the public figures")


def _count(today: datetime.date, unit: Unit | None) -> dict:
    """The figures of the 30 days up to `today`: of one unit, or of the deployment with its units."""
    period = Period(today - datetime.timedelta(days=DAYS - 1), today)
    if unit is not None:
        return compute(period, unit) if unit.kind == UnitKind.POLSEK else _with_polsek(period, unit)
    root = deployment_root()
    if root is not None and root.kind != UnitKind.POLDA:
        return _with_polsek(period, root)
    figures = compute(period, root, per_village=False)
    figures["polda"], figures["patrols"] = polda_groups(period, root)
    return figures


def _with_polsek(period: Period, within: Unit) -> dict:
    """The figures of `within` with its Polsek by kecamatan; the table per village only where
    there is one Polsek."""
    polsek = polsek_rows(period, within)
    several = len(polsek) > 1
    figures = compute(period, within, per_village=not several)
    figures["polsek"] = polsek
    if several:
        figures["patrols"] = sum(row.patrols for row in polsek)
    return figures
