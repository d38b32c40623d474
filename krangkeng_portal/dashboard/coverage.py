"""Village coverage: each village's last patrol against its visit target, the period's
patrols and aspirations per village, the table's sort orders and the map's points.

Shared by the dashboard (its coverage table and map) and the monthly recap. Four
queries for the rows (`village_rows`); everything else here is pure Python.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import cast

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patrols.models import Officer, RiskLevel, Situation, Village

from . import figures, links
from .periods import Period
from .selection import Selection

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
    def state_label(self) -> str | Promise:
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


def village_rows(
    period: Period, sel: Selection, now: datetime.datetime, *, detail: bool = True
) -> tuple[list[VillageRow], dict]:
    """Every village of the chosen unit's subtree, its coverage in the period, and the unit's
    aspirations from outside its villages.

    Four queries: villages, their officers, patrols per village, aspirations per village.
    Without `detail` (a command above a Polsek, which shows counts and the overdue
    villages only) three: no officers, and no links to build for each row.
    """
    as_of = period.as_of(now)
    as_of_day = min(timezone.localdate(now), period.last_day)
    villages = figures.villages_with_last_patrol(as_of, as_of_day, sel.ids, officers=detail)
    patrols = figures.patrols_by_village(period, sel.ids)
    aspirations = figures.aspirations_by_village(period, sel.ids)
    rows = []
    for village in villages:
        last = village.last_patrol
        days = None if last is None else (as_of_day - timezone.localdate(last)).days
        patrol = patrols.get(village.pk, {})
        aspiration = aspirations.get(village.pk, {})
        row = VillageRow(
            village=village,
            officers=[assignment.officer for assignment in village.current_assignments] if detail else [],
            last_patrol=last,
            days_since=days,
            state=figures.visit_state(days, village.visit_target_days),
            patrols=patrol.get("n", 0),
            residents=patrol.get("residents", 0),
            incidents=patrol.get("incidents", 0),
            received=aspiration.get("n", 0),
            open=aspiration.get("open", 0),
            resolved=aspiration.get("resolved", 0),
        )
        if detail:
            add_links(row, period, sel)
        rows.append(row)
    return rows, aspirations.get(None, {})


def add_links(row: VillageRow, period: Period, sel: Selection) -> None:
    """The row's links to the patrol list and the inbox, filtered on its village (no query)."""
    village = row.village.pk
    row.patrols_url = links.patrols(period, unit=sel.code, village=village)
    row.incidents_url = links.patrols(period, unit=sel.code, village=village, situation=Situation.INCIDENT)
    row.received_url = links.aspirations(period, unit=sel.code, village=village)
    row.open_url = links.aspirations(period, unit=sel.code, village=village)


def worst_first(rows: list[VillageRow]) -> list[VillageRow]:
    """The overdue villages, worst first: never visited (the riskiest first), then the most
    days past their target, then the riskier, then by name."""

    def key(row: VillageRow) -> tuple:
        late = math.inf if row.days_since is None else row.days_since - row.target
        return (-late, -RISK_ORDER.get(cast(RiskLevel, row.village.risk_level), 0), row.village.name.lower())

    return sorted((row for row in rows if row.overdue), key=key)


def map_points(rows: list[VillageRow]) -> list[dict]:
    """The map section of the dashboard: the villages coloured by coverage, for Leaflet
    (read from json_script) and its SVG fallback. No query: the coverage rows are in hand.

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
