"""Turn the figures into what the dashboard and the recap pages show: rows, bars, links.

Pure Python over the results of figures.py: no query here.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from aspirations.models import Status
from patrols.models import Officer, PatrolType, RiskLevel, Situation, Village

from . import charts, figures, links
from .periods import Period

RISK_ORDER = {RiskLevel.AMAN: 0, RiskLevel.RAWAN: 1, RiskLevel.SANGAT_RAWAN: 2}
STATE_LABELS = {
    figures.OK: _("Visited within target"),
    figures.DUE: _("Visit due"),
    figures.OVERDUE: _("Overdue"),
    figures.NEVER: _("Never visited"),
}


@dataclass
class VillageRow:
    village: Village
    officers: list[Officer]
    last_patrol: datetime.datetime | None
    days_since: int | None
    state: str
    patrols: int = 0
    residents: int = 0
    incidents: int = 0
    received: int = 0
    open: int = 0
    resolved: int = 0
    patrols_url: str | None = None
    incidents_url: str | None = None
    received_url: str | None = None
    open_url: str | None = None

    @property
    def target(self) -> int:
        return self.village.visit_target_days

    @property
    def overdue(self) -> bool:
        return self.state in (figures.OVERDUE, figures.NEVER)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def officer_names(self) -> str:
        return ", ".join(officer.display_name for officer in self.officers)


def _never_first(row: VillageRow) -> float:
    return math.inf if row.days_since is None else row.days_since


SORTS = {
    "village": lambda row: row.village.name.lower(),
    "officer": lambda row: (row.officer_names.lower() or "~", row.village.name.lower()),
    "risk": lambda row: (RISK_ORDER.get(row.village.risk_level, 0), row.village.name.lower()),
    "days": lambda row: (_never_first(row), row.village.name.lower()),
    "target": lambda row: (row.target, row.village.name.lower()),
    "patrols": lambda row: (row.patrols, row.village.name.lower()),
    "open": lambda row: (row.open, row.village.name.lower()),
}
# Overdue first, the longest unvisited (never visited) at the very top, then by name.
DEFAULT_SORT = "overdue"
# The coverage table's columns, most telling first (a phone shows the first four).
SORT_COLUMNS = [
    ("village", _("Village")),
    ("days", _("Last patrol")),
    ("target", _("Target (days)")),
    ("patrols", _("Patrols")),
    ("open", _("Open aspirations")),
    ("risk", _("Risk")),
    ("officer", _("Bhabinkamtibmas")),
]


def sort_villages(rows: list[VillageRow], sort: str) -> tuple[list[VillageRow], str]:
    """Rows in the order asked for (`name` or `-name`); unknown keys fall back to overdue first."""
    key = sort.removeprefix("-")
    if key in SORTS:
        return sorted(rows, key=SORTS[key], reverse=sort.startswith("-")), sort
    ordered = sorted(rows, key=lambda row: (not row.overdue, -_never_first(row), row.village.name.lower()))
    return ordered, DEFAULT_SORT


def village_rows(period: Period, now: datetime.datetime) -> tuple[list[VillageRow], dict]:
    """Every village's coverage in the period, and the aspirations from outside the district.

    Four queries: villages, their officers, patrols per village, aspirations per village.
    """
    as_of = period.as_of(now)
    as_of_day = min(timezone.localdate(now), period.last_day)
    villages = figures.villages_with_last_patrol(as_of, as_of_day)
    patrols = figures.patrols_by_village(period)
    aspirations = figures.aspirations_by_village(period)
    rows = []
    for village in villages:
        last = village.last_patrol
        days = None if last is None else (as_of_day - timezone.localdate(last)).days
        patrol = patrols.get(village.pk, {})
        aspiration = aspirations.get(village.pk, {})
        rows.append(
            VillageRow(
                village=village,
                officers=[assignment.officer for assignment in village.current_assignments],
                last_patrol=last,
                days_since=days,
                state=figures.visit_state(days, village.visit_target_days),
                patrols=patrol.get("n", 0),
                residents=patrol.get("residents", 0),
                incidents=patrol.get("incidents", 0),
                received=aspiration.get("n", 0),
                open=aspiration.get("open", 0),
                resolved=aspiration.get("resolved", 0),
                patrols_url=links.patrols(period, village=village.pk),
                incidents_url=links.patrols(period, village=village.pk, situation=Situation.INCIDENT),
                received_url=links.aspirations(period, village=village.pk),
                open_url=links.aspirations(period, village=village.pk),
            )
        )
    return rows, aspirations.get(None, {})


def _week_label(first: datetime.date, last: datetime.date) -> str:
    if first == last:
        return formats.date_format(first, "j M")
    if first.month == last.month:
        return f"{first.day}–{formats.date_format(last, 'j M')}"
    return f"{formats.date_format(first, 'j M')} – {formats.date_format(last, 'j M')}"


def _weeks(period: Period) -> tuple[list[tuple[datetime.date, str]], dict[datetime.date, Period]]:
    weeks = period.weeks()
    rows = [(monday, _week_label(first, last)) for monday, first, last in weeks]
    spans = {monday: Period(first, last) for monday, first, last in weeks}
    return rows, spans


def patrol_chart(period: Period, rows: list[dict]) -> charts.StackChart:
    weeks, spans = _weeks(period)
    values = defaultdict(int)
    for row in rows:
        values[(row["week"], row["patrol_type"])] += row["n"]
    present = {row["patrol_type"] for row in rows}
    series = charts.series_for([(value, label) for value, label in PatrolType.choices if value in present])
    return charts.stacked(
        rows=weeks,
        series=series,
        values=values,
        row_url=lambda week: links.patrols(spans[week]),
        cell_url=lambda week, kind: links.patrols(spans[week], patrol_type=kind),
        series_url=lambda kind: links.patrols(period, patrol_type=kind),
    )


def category_chart(period: Period, rows: list[dict]) -> charts.StackChart:
    weeks, spans = _weeks(period)
    values = defaultdict(int)
    labels = {}
    for row in rows:
        values[(row["week"], row["category_id"])] += row["n"]
        labels[row["category_id"]] = (row["sort_order"], row["label"])
    ordered = sorted(labels.items(), key=lambda item: item[1])
    series = charts.series_for([(category_id, label) for category_id, (_, label) in ordered])
    return charts.stacked(
        rows=weeks,
        series=series,
        values=values,
        row_url=lambda week: links.aspirations(spans[week]),
        cell_url=lambda week, category_id: links.aspirations(spans[week], category=category_id),
        series_url=lambda category_id: links.aspirations(period, category=category_id),
    )


@dataclass
class Figure:
    """A headline number with its label, the list behind it and an optional note."""

    key: str
    label: str
    value: object
    url: str | None = None
    note: str = ""
    css: str = ""


def _share(part: int, whole: int) -> str:
    return "–" if not whole else f"{round(100 * part / whole)}%"


def _duration(value: datetime.timedelta | None) -> str:
    """A median duration in words a commander reads at a glance: "2 days 4 hours", "5 hours", "40 minutes"."""
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
class Dashboard:
    period: Period
    patrol_figures: list[Figure]
    aspiration_figures: list[Figure]
    villages: list[VillageRow]
    sort: str
    patrol_chart: charts.StackChart
    category_chart: charts.StackChart
    status_bars: list[charts.Bar]
    category_bars: list[charts.Bar]
    village_bars: list[charts.Bar]
    topic_bars: list[charts.Bar]
    officers: list[dict]
    map_points: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def dashboard(period: Period, *, now: datetime.datetime | None = None, sort: str = "") -> Dashboard:
    """Everything the dashboard shows: 12 queries, whatever the data size."""
    now = now or timezone.now()
    weekly_patrols = figures.patrols_by_week_and_type(period)
    rows, outside_district = village_rows(period, now)
    summary = figures.aspiration_summary(period, now)
    weekly_categories = figures.aspirations_by_week_and_category(period)
    topics = figures.top_topics(period)
    officers = figures.officer_activity(period, now)

    total = sum(row["n"] for row in weekly_patrols)
    visited = sum(1 for row in rows if row.patrols)
    overdue = sum(1 for row in rows if row.overdue)
    patrol_figures = [
        Figure("patrols", _("Patrols"), total, links.patrols(period)),
        Figure("residents", _("Residents met"), sum(row["residents"] for row in weekly_patrols), links.patrols(period)),
        Figure(
            "visited",
            _("Villages visited"),
            _("%(visited)s of %(total)s") % {"visited": visited, "total": len(rows)},
            "#cakupan",
        ),
        Figure("villages_overdue", _("Villages overdue"), overdue, "#cakupan", css="text-danger" if overdue else ""),
        Figure(
            "incidents",
            _("Patrols with an incident"),
            sum(row["incidents"] for row in weekly_patrols),
            links.patrols(period, situation=Situation.INCIDENT),
        ),
    ]
    aspiration_figures = [
        Figure("received", _("Aspirations received"), summary["received"], links.aspirations(period)),
        Figure("open", _("Still open"), summary["open"], links.aspirations(period)),
        Figure("resolved", _("Resolved"), summary["resolved"], links.aspirations(period, status=Status.SELESAI)),
        Figure(
            "overdue",
            _("Overdue now"),
            summary["overdue"],
            links.aspirations(period, overdue=links.YES),
            css="text-danger" if summary["overdue"] else "",
        ),
        Figure(
            "verified_on_time",
            _("Verified within the deadline"),
            _share(summary["verified_on_time"], summary["verify_counted"]),
            links.aspirations(period),
            _("%(on_time)s of %(due)s due")
            % {"on_time": summary["verified_on_time"], "due": summary["verify_counted"]},
        ),
        Figure(
            "replied_on_time",
            _("First response within the deadline"),
            _share(summary["replied_on_time"], summary["reply_counted"]),
            links.aspirations(period),
            _("%(on_time)s of %(due)s due") % {"on_time": summary["replied_on_time"], "due": summary["reply_counted"]},
        ),
        Figure(
            "median_to_verification",
            _("Median time to verification"),
            _duration(summary["median_to_verification"]),
            None,
        ),
        Figure(
            "median_to_response", _("Median time to first response"), _duration(summary["median_to_response"]), None
        ),
    ]

    status_bars = charts.bars(
        charts.Bar(str(label), summary["by_status"][value], links.aspirations(period, status=value), css=f"krk-{value}")
        for value, label in Status.choices
    )
    by_category: dict[int, list] = {}
    for row in weekly_categories:
        entry = by_category.setdefault(row["category_id"], [row["label"], 0])
        entry[1] += row["n"]
    category_bars = charts.bars(
        charts.Bar(label, n, links.aspirations(period, category=category_id))
        for category_id, (label, n) in sorted(by_category.items(), key=lambda item: (-item[1][1], item[1][0]))
    )
    village_items = [
        charts.Bar(row.village.name, row.received, row.received_url) for row in sorted(rows, key=lambda r: -r.received)
    ]
    outside = outside_district.get("n", 0)
    if outside:
        village_items.append(
            charts.Bar(str(_("Outside the district")), outside, links.aspirations(period, village=links.OUTSIDE))
        )
    village_bars = charts.bars(village_items)
    topic_bars = charts.bars(
        charts.Bar(topic["name"], topic["n"], links.patrols(period, topic=topic["id"])) for topic in topics
    )
    officer_rows = [
        {
            **row,
            "led_url": links.patrols(period, officer=row["officer"].pk, role=links.LED),
            "joined_url": links.patrols(period, officer=row["officer"].pk, role=links.JOINED),
            "assigned_url": links.aspirations(period, officer=row["officer"].pk),
            "overdue_url": links.aspirations(None, officer=row["officer"].pk, overdue=links.YES),
        }
        for row in officers
    ]
    sorted_rows, sort_used = sort_villages(rows, sort)
    return Dashboard(
        period=period,
        patrol_figures=patrol_figures,
        aspiration_figures=aspiration_figures,
        villages=sorted_rows,
        sort=sort_used,
        patrol_chart=patrol_chart(period, weekly_patrols),
        category_chart=category_chart(period, weekly_categories),
        status_bars=status_bars,
        category_bars=category_bars,
        village_bars=village_bars,
        topic_bars=topic_bars,
        officers=officer_rows,
        map_points=map_points(rows),
        summary=summary,
    )


def map_points(rows: list[VillageRow]) -> list[dict]:
    """The villages for the map (Leaflet reads them from json_script) and its SVG fallback.

    `x`/`y` place each village on a 0-100 square (north up) for the server-drawn map
    shown without JavaScript and in print; Leaflet uses `lat`/`lon`.
    """
    located = [row for row in rows if row.village.latitude is not None and row.village.longitude is not None]
    if not located:
        return []
    lats = [float(row.village.latitude) for row in located]
    lons = [float(row.village.longitude) for row in located]
    span = max(max(lats) - min(lats), max(lons) - min(lons)) or 1.0
    points = []
    for row in located:
        lat, lon = float(row.village.latitude), float(row.village.longitude)
        points.append(
            {
                "name": row.village.name,
                "lat": lat,
                "lon": lon,
                "x": round(8 + 84 * (lon - min(lons)) / span, 2),
                "y": round(8 + 84 * (max(lats) - lat) / span, 2),
                "state": row.state,
                "label": str(row.state_label),
                "days": row.days_since,
                "target": row.target,
                "patrols": row.patrols,
                "url": row.patrols_url,
            }
        )
    return points


# ------------------------------------------------------------------------------ recap

RECAP_LIST_LIMIT = 50


@dataclass
class Recap:
    period: Period
    villages: list[VillageRow]
    totals: dict
    patrol_types: list[tuple[str, int]]
    categories: list[dict]
    findings: list
    more_findings: bool
    overdue: list
    more_overdue: bool
    signer: Officer | None
    outside: dict = field(default_factory=dict)


def recap(period: Period, *, now: datetime.datetime | None = None) -> Recap:
    """The monthly recap's numbers: 10 queries, whatever the data size."""
    now = now or timezone.now()
    weekly_patrols = figures.patrols_by_week_and_type(period)
    rows, outside = village_rows(period, now)
    summary = figures.aspiration_summary(period, now)
    categories = figures.aspirations_by_category(period)
    findings = figures.notable_findings(period, RECAP_LIST_LIMIT + 1)
    overdue = figures.overdue_aspirations(period, now, RECAP_LIST_LIMIT + 1)

    by_type: dict[str, int] = defaultdict(int)
    for row in weekly_patrols:
        by_type[row["patrol_type"]] += row["n"]
    totals = {
        "patrols": sum(by_type.values()),
        "residents": sum(row["residents"] for row in weekly_patrols),
        "incidents": sum(row["incidents"] for row in weekly_patrols),
        "villages": len(rows),
        "visited": sum(1 for row in rows if row.patrols),
        "overdue_villages": sum(1 for row in rows if row.overdue),
        **{key: summary[key] for key in ("received", "open", "resolved", "rejected", "overdue")},
        "verified_on_time": _share(summary["verified_on_time"], summary["verify_counted"]),
        "replied_on_time": _share(summary["replied_on_time"], summary["reply_counted"]),
        "median_to_verification": _duration(summary["median_to_verification"]),
        "median_to_response": _duration(summary["median_to_response"]),
    }
    return Recap(
        period=period,
        villages=rows,
        totals=totals,
        patrol_types=[(label, by_type[value]) for value, label in PatrolType.choices if by_type.get(value)],
        categories=categories,
        findings=findings[:RECAP_LIST_LIMIT],
        more_findings=len(findings) > RECAP_LIST_LIMIT,
        overdue=overdue[:RECAP_LIST_LIMIT],
        more_overdue=len(overdue) > RECAP_LIST_LIMIT,
        signer=figures.kapolsek(),
        outside=outside,
    )
