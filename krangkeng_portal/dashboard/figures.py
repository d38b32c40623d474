"""The dashboard's and the recap's numbers: a fixed handful of aggregate queries.

Every function here runs ONE query (village_rows two: the villages, then their
current officers), whatever the number of patrols or aspirations. Patrol figures
sum the daily tallies (`patrols.models.tallies`: per day, village and type; per day
and officer; per day and topic), so a 30-day period reads a few hundred rows
however many patrols it holds; aspirations are read through their indexes by
`submitted_at`, (village, submitted_at) and (assigned_to, status). Nothing loops
over villages or officers with a query.

Figures that add up units read the unit tally (`UnitPatrolTally`: per day, unit and
type), never the village one: at national density (one patrol a day per village) the
village tally holds about a row per patrol, while the unit tally holds at most one
per unit, day and type, however many patrols (bench/FINDINGS.md, issue 14). Only
the figures per village (`patrols_by_village`) read the village tally.

Aspiration figures are about the period's *cohort*: the aspirations received in the
period, in the status they have now. So "received = open + resolved + rejected"
always holds, and every figure matches the inbox filtered on the same dates.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from aspirations.models import DEADLINE, OPEN_STATUSES, Aspiration, Category, Status
from patrols.models import (
    Assignment,
    Officer,
    OfficerPatrolTally,
    Patrol,
    PatrolTally,
    Position,
    Situation,
    TopicPatrolTally,
    UnitPatrolTally,
    Village,
)
from patrols.models.villages import VillageQuerySet
from patrols.selectors import patrol_officers

from .aggregates import Elapsed, Median
from .periods import Period

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WIB = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# A village's coverage, from its last patrol and its visit target.
OK = "ok"  # visited within the target
DUE = "due"  # today (or the period's last day) is the last day within the target
OVERDUE = "overdue"  # not visited for longer than the target
NEVER = "never"  # no patrol on record at all


def visit_state(days_since: int | None, target: int) -> str:
    """Overdue means more days since the last patrol than the village's target.

    A sangat rawan village (target 3) visited on Monday is fine on Thursday (3 days:
    the last day within the target, "due") and overdue on Friday (4 days).
    """
    if days_since is None:
        return NEVER
    if days_since > target:
        return OVERDUE
    if days_since == target:
        return DUE
    return OK


def in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


# ---------------------------------------------------------------------------- patrols


def tallies(model, period: Period, units: list[int] | None):
    """The tally rows of `units` (None: of every unit) in the period: one range of the
    (unit, day) index per unit."""
    rows = model.objects.filter(day__gte=period.first_day, day__lte=period.last_day).order_by()
    return rows if units is None else rows.filter(unit_id__in=units)


def patrols_per_unit(period: Period, units: list[int] | None = None) -> dict[int, int]:
    """Patrols in the period per unit id, of `units` or of every unit (one grouped query of the unit tally)."""
    return dict(
        tallies(UnitPatrolTally, period, units).values("unit_id").annotate(n=Sum("patrols")).values_list("unit_id", "n")
    )


def patrols_by_week_and_type(period: Period, units: list[int]) -> list[dict]:
    """Rows of (week Monday, patrol type, patrols, residents met, incidents): one grouped query of the
    unit tally (a Polsek's own rows or its whole subtree's: the same sums, fewer rows than per village).

    The database groups by day (at most days x types rows), Python folds the days into
    weeks starting on Monday: on SQLite `TruncWeek` is a Python function called once
    per tally row (1.65 s of 2.7 s at 317 villages), PostgreSQL's `date_trunc` gains
    nothing over a group by day. Sorted by week, then type.
    """
    daily = (
        tallies(UnitPatrolTally, period, units)
        .values("day", "patrol_type")
        .annotate(n=Sum("patrols"), residents=Sum("residents"), incidents=Sum("incidents"))
    )
    weeks: dict[tuple[datetime.date, str], dict] = {}
    for row in daily:
        monday = row["day"] - datetime.timedelta(days=row["day"].weekday())
        week = weeks.setdefault(
            (monday, row["patrol_type"]),
            {"week": monday, "patrol_type": row["patrol_type"], "n": 0, "residents": 0, "incidents": 0},
        )
        for key in ("n", "residents", "incidents"):
            week[key] += row[key] or 0
    return [weeks[key] for key in sorted(weeks)]


def patrols_by_village(period: Period, units: list[int]) -> dict[int, dict]:
    """Per village id: patrols, residents met, incidents in the period (one grouped query)."""
    rows = (
        tallies(PatrolTally, period, units)
        .values("village_id")
        .annotate(n=Sum("patrols"), residents=Sum("residents"), incidents=Sum("incidents"))
    )
    return {row.pop("village_id"): row for row in rows}


class LastPatrol(TypedDict):
    last_patrol: datetime.datetime | None
    current_assignments: list[Assignment]


def villages_with_last_patrol(
    as_of: datetime.datetime, on_day: datetime.date, units: list[int], *, officers: bool = True
) -> list[WithAnnotations[Village, LastPatrol]]:
    """Every village with `last_patrol` (the latest start before `as_of`) and its officers on `on_day`.

    Two queries: the villages (the last patrol is a correlated subquery that reads
    one entry of the (village, started_at) index per village), then the assignments
    in force into `village.current_assignments`. One without `officers` (then the
    villages have no `current_assignments`).
    """
    latest = (
        Patrol.objects.filter(village_id=OuterRef("pk"), started_at__lt=as_of)
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    villages: VillageQuerySet = Village.objects.filter(unit_id__in=units).annotate(last_patrol=Subquery(latest))
    if officers:
        villages = villages.with_current_officers(on_day)
    return list(villages.order_by("name"))


def top_topics(period: Period, units: list[int], limit: int = 10) -> list[dict]:
    """The imbauan topics delivered most often in the period: (id, name, n), one query."""
    rows = (
        tallies(TopicPatrolTally, period, units)
        .values("topic_id", "topic__name")
        .annotate(n=Sum("patrols"))
        .order_by("-n", "topic__name")[:limit]
    )
    return [{"id": row["topic_id"], "name": row["topic__name"], "n": row["n"]} for row in rows]


# ------------------------------------------------------------------------ aspirations


def cohort(period: Period, units: list[int]):
    """The aspirations `units` received in the period: a range of the (unit, submitted_at) index per unit."""
    return Aspiration.objects.filter(in_period(period, "submitted_at"), unit_id__in=units)


def aspiration_summary(period: Period, units: list[int], now: datetime.datetime) -> dict:
    """The period's aspirations in one aggregate query.

    Counts per status, open, overdue now, outside the district; the deadline shares
    (rejected tickets are left out: they end without verification or follow-up);
    and the medians from receipt to verification and to the first response.
    """
    not_rejected = ~Q(status=Status.DITOLAK)
    verify_counted = not_rejected & (Q(verified_at__isnull=False) | Q(verification_due__lt=now))
    verified_on_time = not_rejected & Q(verified_at__isnull=False, verified_at__lte=F("verification_due"))
    reply_counted = not_rejected & (Q(first_response_at__isnull=False) | Q(followup_due__lt=now))
    replied_on_time = not_rejected & (
        Q(first_response_at__isnull=False)
        & (Q(followup_due__isnull=True) | Q(first_response_at__lte=F("followup_due")))
    )
    totals = (
        cohort(period, units)
        .alias(deadline=DEADLINE)
        .order_by()
        .aggregate(
            received=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(deadline__lt=now)),
            outside=Count("pk", filter=Q(village__isnull=True)),
            verify_counted=Count("pk", filter=verify_counted),
            verified_on_time=Count("pk", filter=verified_on_time),
            reply_counted=Count("pk", filter=reply_counted),
            replied_on_time=Count("pk", filter=replied_on_time),
            median_to_verification=Median(Elapsed("verified_at", "submitted_at")),
            median_to_response=Median(Elapsed("first_response_at", "submitted_at")),
            **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in Status.values},
        )
    )
    totals["by_status"] = {status: totals.pop(f"status_{status}") for status in Status.values}
    totals["resolved"] = totals["by_status"][Status.SELESAI]
    totals["rejected"] = totals["by_status"][Status.DITOLAK]
    return totals


def aspirations_by_week_and_category(period: Period, units: list[int]) -> list[dict]:
    """Rows of (week Monday, category id, label, n): one query grouped by category, a count per week.

    Each week is a range on `submitted_at` (a FILTER per week), not a week computed
    for every row: converting each timestamp to WIB and truncating it cost more
    than reading the rows.
    """
    weeks = period.weeks()
    per_week = {
        f"week_{index}": Count("pk", filter=in_period(Period(first, last), "submitted_at"))
        for index, (_monday, first, last) in enumerate(weeks)
    }
    rows = (
        cohort(period, units)
        .order_by()
        .values("category_id", "category__name", "category__name_en", "category__sort_order")
        .annotate(**per_week)
    )
    return [
        {
            "week": monday,
            "category_id": row["category_id"],
            "label": Category.label_for(row["category__name"], row["category__name_en"]),
            "sort_order": row["category__sort_order"],
            "n": row[f"week_{index}"],
        }
        for row in rows
        for index, (monday, _first, _last) in enumerate(weeks)
        if row[f"week_{index}"]
    ]


def aspirations_by_category(period: Period, units: list[int]) -> list[dict]:
    """Per category: received, open, resolved, rejected (one grouped query), most received first."""
    rows = (
        cohort(period, units)
        .order_by()
        .values("category_id", "category__name", "category__name_en")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("pk", filter=Q(status=Status.SELESAI)),
            rejected=Count("pk", filter=Q(status=Status.DITOLAK)),
        )
    )
    result = [
        {
            "id": row["category_id"],
            "label": Category.label_for(row["category__name"], row["category__name_en"]),
            **{key: row[key] for key in ("n", "open", "resolved", "rejected")},
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["n"], row["label"]))


def aspirations_by_village(period: Period, units: list[int]) -> dict[int | None, dict]:
    """Per village id (None: outside the district): received, open, resolved (one grouped query)."""
    rows = (
        cohort(period, units)
        .order_by()
        .values("village_id")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("pk", filter=Q(status=Status.SELESAI)),
        )
    )
    return {row.pop("village_id"): row for row in rows}


# --------------------------------------------------------------------------- officers


def officer_activity(period: Period, units: list[int], now: datetime.datetime) -> list[dict]:
    """Per officer: patrols led and joined in the period, aspirations assigned, resolved, overdue.

    `assigned` and `resolved` count the period's aspirations assigned to the officer
    now; `overdue` counts every open aspiration assigned to them whose deadline has
    passed (now, whatever the period). Four queries, each grouped once over an
    index range (the period's officer tallies, its aspirations by receipt, the
    overdue ones by deadline), then the officers: the unit's field officers and
    anyone else who appears in those numbers.
    """
    patrols = {
        officer_id: {"led": led, "joined": joined}
        for officer_id, led, joined in tallies(OfficerPatrolTally, period, units)
        .values("officer_id")
        .annotate(led=Sum("led"), joined=Sum("joined"))
        .values_list("officer_id", "led", "joined")
    }
    handled = {
        row.pop("assigned_to_id"): row
        for row in cohort(period, units)
        .filter(assigned_to__isnull=False)
        .order_by()
        .values("assigned_to_id")
        .annotate(assigned=Count("pk"), resolved=Count("pk", filter=Q(status=Status.SELESAI)))
    }
    # Overdue whatever the period: a range of the deadline index (only open ones have a deadline).
    overdue = dict(
        Aspiration.objects.filter(unit_id__in=units, assigned_to__isnull=False)
        .overdue(now)
        .order_by()
        .values("assigned_to_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_to_id", "n")
    )
    involved = set(patrols) | set(handled) | set(overdue)
    # One WHERE of two index conditions (the units' officers, the ids involved) rather than
    # `pk IN (subquery)`, which made PostgreSQL scan every officer of the country.
    officers = (patrol_officers().filter(unit_id__in=units) | Officer.objects.filter(pk__in=involved)).order_by(
        "first_name", "last_name", "username"
    )
    return [
        {
            "officer": officer,
            **patrols.get(officer.pk, {"led": 0, "joined": 0}),
            **handled.get(officer.pk, {"assigned": 0, "resolved": 0}),
            "overdue": overdue.get(officer.pk, 0),
        }
        for officer in officers
    ]


# ----------------------------------------------------------------------- for the recap


def notable_findings(period: Period, units: list[int], limit: int) -> list[Patrol]:
    """Patrols in the period where something happened (situation: incident), oldest first."""
    patrols = (
        Patrol.objects.filter(in_period(period, "started_at"), unit_id__in=units, situation=Situation.INCIDENT)
        .select_related("village", "leader")
        .order_by("started_at", "pk")
    )
    return list(patrols[:limit])


def overdue_aspirations(period: Period, units: list[int], now: datetime.datetime, limit: int) -> list[Aspiration]:
    """Open aspirations received up to the period's end whose deadline had passed by then (or now)."""
    as_of = period.as_of(now)
    rows = (
        Aspiration.objects.filter(unit_id__in=units, submitted_at__lt=period.end)
        .with_deadline()
        .filter(deadline__lt=as_of)
        .select_related("category", "village", "assigned_to")
        .order_by("deadline", "pk")
    )
    return list(rows[:limit])


def kapolsek(unit_id: int) -> Officer | None:
    """Who signs a unit's recap when the unit names no commander: its active officer whose
    position is Kapolsek (or Kapolres, at a Polres); never a hard-coded name. One query."""
    return (
        Officer.objects.filter(unit_id=unit_id, position__in=[Position.KAPOLSEK, Position.KAPOLRES], is_active=True)
        .order_by("-date_joined", "-pk")
        .first()
    )
