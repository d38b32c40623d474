"""The dashboard page section by section, and the monthly recap: rows, bars, links.

The dashboard reads four sets of figures once (`dashboard`) and hands each section
the ones it shows; a section's docstring says what it costs on top. Pure Python over
the results of figures.py and coverage.py, apart from those queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aspirations.models import Status
from patrols.models import Officer, PatrolType, Situation
from units.models import Unit

from . import charts, comparison, coverage, figures, links
from .comparison import duration_words as _duration
from .periods import Period
from .selection import Selection


@dataclass
class Figure:
    """A headline number with its label, the list behind it and an optional note."""

    key: str
    label: str | Promise
    value: object
    url: str | None = None
    note: str = ""
    css: str = ""


def _share(part: int, whole: int) -> str:
    return "–" if not whole else f"{round(100 * part / whole)}%"


# ------------------------------------------------------------------------------ headline


@dataclass
class Headline:
    patrols: list[Figure]
    aspirations: list[Figure]


def headline(
    period: Period, sel: Selection, weekly_patrols: list[dict], villages: list[coverage.VillageRow], summary: dict
) -> Headline:
    """The two rows of headline numbers, each linking to the list behind it.

    No query of its own: it sums the weekly patrol tallies, counts the coverage rows
    and formats the aspiration summary that `dashboard` read.
    """
    visited = sum(1 for row in villages if row.patrols)
    overdue = sum(1 for row in villages if row.overdue)
    patrols = [
        Figure("patrols", _("Patrols"), sum(row["n"] for row in weekly_patrols), links.patrols(period, unit=sel.code)),
        Figure(
            "residents",
            _("Residents met"),
            sum(row["residents"] for row in weekly_patrols),
            links.patrols(period, unit=sel.code),
        ),
        Figure(
            "visited",
            _("Villages visited"),
            _("%(visited)s of %(total)s") % {"visited": visited, "total": len(villages)},
            "#cakupan",
        ),
        Figure("villages_overdue", _("Villages overdue"), overdue, "#cakupan", css="text-danger" if overdue else ""),
        Figure(
            "incidents",
            _("Patrols with an incident"),
            sum(row["incidents"] for row in weekly_patrols),
            links.patrols(period, unit=sel.code, situation=Situation.INCIDENT),
        ),
    ]
    aspirations = [
        Figure("received", _("Aspirations received"), summary["received"], links.aspirations(period, unit=sel.code)),
        Figure("open", _("Still open"), summary["open"], links.aspirations(period, unit=sel.code)),
        Figure(
            "resolved",
            _("Resolved"),
            summary["resolved"],
            links.aspirations(period, unit=sel.code, status=Status.SELESAI),
        ),
        Figure(
            "overdue",
            _("Overdue now"),
            summary["overdue"],
            links.aspirations(period, unit=sel.code, overdue=links.YES),
            css="text-danger" if summary["overdue"] else "",
        ),
        Figure(
            "verified_on_time",
            _("Verified within the deadline"),
            _share(summary["verified_on_time"], summary["verify_counted"]),
            links.aspirations(period, unit=sel.code),
            _("%(on_time)s of %(due)s due")
            % {"on_time": summary["verified_on_time"], "due": summary["verify_counted"]},
        ),
        Figure(
            "replied_on_time",
            _("First response within the deadline"),
            _share(summary["replied_on_time"], summary["reply_counted"]),
            links.aspirations(period, unit=sel.code),
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
    return Headline(patrols=patrols, aspirations=aspirations)


# ------------------------------------------------------------------------------ coverage (the map: coverage.map_points)


@dataclass
class Coverage:
    villages: list[coverage.VillageRow]
    sort: str


def coverage_table(villages: list[coverage.VillageRow], sort: str) -> Coverage:
    """The village coverage table in the order asked for (overdue first by default).

    No query: the rows come from `coverage.village_rows` (four queries, read once
    by `dashboard` and shared with the headline, the map and the village bars).
    """
    ordered, sort_used = coverage.sort_villages(villages, sort)
    return Coverage(villages=ordered, sort=sort_used)


# ------------------------------------------------------------------------------ overdue villages (above a Polsek)

# A command above a Polsek reads the worst overdue villages, not all of them: the rest
# are a count, and each Polsek's own dashboard lists its villages in full.
OVERDUE_LIMIT = 20


@dataclass
class OverdueVillage:
    row: coverage.VillageRow
    unit: Unit | None  # the village's Polsek (None: a village of the chosen unit itself)
    url: str | None  # that Polsek's dashboard, for the same period


@dataclass
class Overdue:
    villages: list[OverdueVillage]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.villages)


def overdue_villages(
    sel: Selection,
    villages: list[coverage.VillageRow],
    period_query: dict[str, str],
    page: str = "dashboard:dashboard",
) -> Overdue:
    """The `OVERDUE_LIMIT` worst overdue villages of the subtree, each with its Polsek and a link
    to that Polsek's `page` (its dashboard, or its recap) for the same period, and how many are
    overdue in all. No query: the coverage rows and the subtree's units are in hand."""
    worst = coverage.worst_first(villages)
    shown = []
    for row in worst[:OVERDUE_LIMIT]:
        unit = sel.below.get(row.village.unit_id or 0)
        url = comparison.unit_url(page, unit, period_query) if unit else None
        shown.append(OverdueVillage(row=row, unit=unit, url=url))
    return Overdue(villages=shown, total=len(worst))


# ------------------------------------------------------------------------------ trends


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


def patrol_chart(period: Period, sel: Selection, rows: list[dict]) -> charts.StackChart:
    weeks, spans = _weeks(period)
    values: dict[tuple, int] = defaultdict(int)
    for row in rows:
        values[(row["week"], row["patrol_type"])] += row["n"]
    present = {row["patrol_type"] for row in rows}
    series = charts.series_for([(value, label) for value, label in PatrolType.choices if value in present])
    return charts.stacked(
        rows=weeks,
        series=series,
        values=values,
        row_url=lambda week: links.patrols(spans[week], unit=sel.code),
        cell_url=lambda week, kind: links.patrols(spans[week], unit=sel.code, patrol_type=kind),
        series_url=lambda kind: links.patrols(period, unit=sel.code, patrol_type=kind),
    )


def category_chart(period: Period, sel: Selection, rows: list[dict]) -> charts.StackChart:
    weeks, spans = _weeks(period)
    values: dict[tuple, int] = defaultdict(int)
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
        row_url=lambda week: links.aspirations(spans[week], unit=sel.code),
        cell_url=lambda week, category_id: links.aspirations(spans[week], unit=sel.code, category=category_id),
        series_url=lambda category_id: links.aspirations(period, unit=sel.code, category=category_id),
    )


@dataclass
class Trends:
    patrol_chart: charts.StackChart
    category_chart: charts.StackChart


def trends(period: Period, sel: Selection, weekly_patrols: list[dict], weekly_categories: list[dict]) -> Trends:
    """Patrols per week by type, aspirations per week by category.

    No query of its own: the weekly patrol tallies and the weekly categories are
    read once by `dashboard` (one query each).
    """
    return Trends(
        patrol_chart=patrol_chart(period, sel, weekly_patrols),
        category_chart=category_chart(period, sel, weekly_categories),
    )


# ------------------------------------------------------------------------------ aspirations


# Above a Polsek the aspirations-by-village chart shows the villages most written about only.
VILLAGE_BARS_ABOVE_POLSEK = 10


def _village_and_unit(row: coverage.VillageRow, sel: Selection) -> str:
    unit = sel.below.get(row.village.unit_id or 0)
    return f"{row.village.name} ({unit.name})" if unit else row.village.name


@dataclass
class Concerns:
    status_bars: list[charts.Bar]
    category_bars: list[charts.Bar]
    village_bars: list[charts.Bar]
    topic_bars: list[charts.Bar]


def aspirations(
    period: Period,
    sel: Selection,
    summary: dict,
    weekly_categories: list[dict],
    villages: list[coverage.VillageRow],
    outside_district: dict,
) -> Concerns:
    """What residents raise (aspirations by status, category and village) and the
    imbauan the patrols delivered most.

    One query of its own (the top topics); the rest comes from what `dashboard` read.
    """
    status_bars = charts.bars(
        charts.Bar(
            str(label),
            summary["by_status"][value],
            links.aspirations(period, unit=sel.code, status=value),
            css=f"krk-{value}",
        )
        for value, label in Status.choices
    )
    by_category: dict[int, list] = {}
    for row in weekly_categories:
        entry = by_category.setdefault(row["category_id"], [row["label"], 0])
        entry[1] += row["n"]
    category_bars = charts.bars(
        charts.Bar(label, n, links.aspirations(period, unit=sel.code, category=category_id))
        for category_id, (label, n) in sorted(by_category.items(), key=lambda item: (-item[1][1], item[1][0]))
    )
    ranked = sorted(villages, key=lambda r: -r.received)
    if sel.has_children:
        # Above a Polsek: the villages most written about, named with their Polsek.
        village_items = [
            charts.Bar(
                _village_and_unit(row, sel),
                row.received,
                links.aspirations(period, unit=sel.code, village=row.village.pk),
            )
            for row in [row for row in ranked if row.received][:VILLAGE_BARS_ABOVE_POLSEK]
        ]
    else:
        village_items = [charts.Bar(row.village.name, row.received, row.received_url) for row in ranked]
    outside = outside_district.get("n", 0)
    if outside:
        village_items.append(
            charts.Bar(
                str(_("Outside the area")), outside, links.aspirations(period, unit=sel.code, village=links.OUTSIDE)
            )
        )
    topic_bars = charts.bars(
        charts.Bar(topic["name"], topic["n"], links.patrols(period, unit=sel.code, topic=topic["id"]))
        for topic in figures.top_topics(period, sel.ids)
    )
    return Concerns(
        status_bars=status_bars,
        category_bars=category_bars,
        village_bars=charts.bars(village_items),
        topic_bars=topic_bars,
    )


# ------------------------------------------------------------------------------ officers


def officers(period: Period, sel: Selection, now: datetime.datetime) -> list[dict]:
    """Each field officer's patrols led and joined, aspirations assigned and resolved in the
    period, and open ones overdue now, each linking to the list behind it.

    Four queries (`figures.officer_activity`), whatever the number of officers.
    """
    return [
        {
            **row,
            "led_url": links.patrols(period, unit=sel.code, officer=row["officer"].pk, role=links.LED),
            "joined_url": links.patrols(period, unit=sel.code, officer=row["officer"].pk, role=links.JOINED),
            "assigned_url": links.aspirations(period, unit=sel.code, officer=row["officer"].pk),
            "overdue_url": links.aspirations(None, unit=sel.code, officer=row["officer"].pk, overdue=links.YES),
        }
        for row in figures.officer_activity(period, sel.ids, now)
    ]


# ------------------------------------------------------------------------------ the dashboard


@dataclass
class Dashboard:
    period: Period
    unit: Unit
    # A Polsek's own page (no units below it): every village, the map and the officers.
    detail: bool
    units: list[comparison.UnitRow]
    headline: Headline
    coverage: Coverage
    overdue: Overdue | None
    map_points: list[dict]
    trends: Trends
    aspirations: Concerns
    officers: list[dict]


def dashboard(period: Period, sel: Selection, *, now: datetime.datetime | None = None, sort: str = "") -> Dashboard:
    """Everything the dashboard of `sel`'s unit shows: 12 queries for a Polsek, 9 for a unit
    with units below it, whatever the data size and the number of units.

    Read once here and shared by the sections: the weekly patrol tallies (1 query),
    the village coverage rows (4), the aspiration summary (1) and the weekly
    categories (1). The sections add the top topics (1) and the officers (4).

    A unit with units below it (a Polres, a Polda) shows the comparison of those
    units (2 queries) and its worst overdue villages instead of every village, the
    map and every officer: the coverage rows without officers (3), no officers'
    activity. Its page then grows with its child units, not with its villages.
    """
    now = now or timezone.now()
    detail = not sel.has_children
    weekly_patrols = figures.patrols_by_week_and_type(period, sel.ids)
    villages, outside_district = coverage.village_rows(period, sel, now, detail=detail)
    summary = figures.aspiration_summary(period, sel.ids, now)
    weekly_categories = figures.aspirations_by_week_and_category(period, sel.ids)
    return Dashboard(
        period=period,
        unit=sel.unit,
        detail=detail,
        units=comparison.unit_rows(period, sel, villages, now, period.query()),
        headline=headline(period, sel, weekly_patrols, villages, summary),
        coverage=coverage_table(villages, sort) if detail else Coverage(villages=[], sort=sort),
        overdue=None if detail else overdue_villages(sel, villages, period.query()),
        map_points=coverage.map_points(villages) if detail else [],
        trends=trends(period, sel, weekly_patrols, weekly_categories),
        aspirations=aspirations(period, sel, summary, weekly_categories, villages, outside_district),
        officers=officers(period, sel, now) if detail else [],
    )


# ------------------------------------------------------------------------------ recap

RECAP_LIST_LIMIT = 50


@dataclass
class Recap:
    period: Period
    # A Polsek's recap lists every village; above a Polsek, the units table breaks the figures
    # down and section II shows the worst overdue villages (`overdue_villages`) instead.
    detail: bool
    villages: list[coverage.VillageRow]
    overdue_villages: Overdue | None
    totals: dict
    patrol_types: list[tuple[str | Promise, int]]
    categories: list[dict]
    findings: list
    more_findings: bool
    overdue: list
    more_overdue: bool
    signer: Officer | None
    units: list[comparison.UnitRow]
    outside: dict = field(default_factory=dict)


def recap(period: Period, sel: Selection, *, now: datetime.datetime | None = None) -> Recap:
    """The monthly recap of `sel`'s unit: 10 queries (11 with units below it), whatever the data size.

    Above a Polsek it prints the comparison of the units below and the worst overdue villages,
    not every village (a Polres has 317 of them; each Polsek's recap, linked from the units
    table, lists its own): the village rows are read without their officers.
    """
    now = now or timezone.now()
    detail = not sel.has_children
    month = {"bulan": period.first_day.strftime("%Y-%m")}
    weekly_patrols = figures.patrols_by_week_and_type(period, sel.ids)
    rows, outside = coverage.village_rows(period, sel, now, detail=detail)
    summary = figures.aspiration_summary(period, sel.ids, now)
    categories = figures.aspirations_by_category(period, sel.ids)
    findings = figures.notable_findings(period, sel.ids, RECAP_LIST_LIMIT + 1)
    overdue = figures.overdue_aspirations(period, sel.ids, now, RECAP_LIST_LIMIT + 1)

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
        detail=detail,
        villages=rows if detail else [],
        overdue_villages=None if detail else overdue_villages(sel, rows, month, page="dashboard:recap"),
        totals=totals,
        patrol_types=[(label, by_type[value]) for value, label in PatrolType.choices if by_type.get(value)],
        categories=categories,
        findings=findings[:RECAP_LIST_LIMIT],
        more_findings=len(findings) > RECAP_LIST_LIMIT,
        overdue=overdue[:RECAP_LIST_LIMIT],
        more_overdue=len(overdue) > RECAP_LIST_LIMIT,
        signer=None if sel.unit.commander_name else figures.kapolsek(sel.unit.pk),
        units=comparison.unit_rows(period, sel, rows, now, month, page="dashboard:recap"),
        outside=outside,
    )
