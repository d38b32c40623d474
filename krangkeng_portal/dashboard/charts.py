"""Bar geometry for the server-rendered charts.

The templates draw bars as SVG rectangles whose `width` (in a 0-100 viewBox) is
computed here: no style attributes (the CSP forbids them) and no JavaScript. Every
chart is drawn next to a table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Colour classes for series (patrol types, categories), defined in dashboard.css.
PALETTE_SIZE = 10


@dataclass
class Bar:
    label: str
    value: int
    url: str | None = None
    width: float = 0.0  # share of the longest bar, 0-100
    css: str = ""


def bars(items: Iterable[Bar]) -> list[Bar]:
    """Scale the bars so the longest fills the width (a zero chart stays empty)."""
    items = list(items)
    top = max((bar.value for bar in items), default=0)
    for bar in items:
        bar.width = round(100 * bar.value / top, 2) if top else 0.0
    return items


@dataclass
class Series:
    key: Any  # a patrol type, a category id
    label: str | Promise
    css: str


@dataclass
class Segment:
    x: float
    width: float
    css: str
    label: str | Promise
    value: int


@dataclass
class StackRow:
    label: str
    total: int
    url: str | None
    segments: list[Segment] = field(default_factory=list)
    cells: list[tuple[int, str | None]] = field(default_factory=list)


@dataclass
class StackChart:
    series: list[Series]
    rows: list[StackRow]
    totals: list[tuple[int, str | None]]
    total: int


def series_for(keys_and_labels: Sequence[tuple[Any, str | Promise]]) -> list[Series]:
    return [Series(key, label, f"krk-s{index % PALETTE_SIZE}") for index, (key, label) in enumerate(keys_and_labels)]


def stacked(
    *,
    rows: Sequence[tuple[Any, str]],
    series: list[Series],
    values: dict[tuple[Any, Any], int],
    row_url: Callable[[Any], str | None],
    cell_url: Callable[[Any, Any], str | None],
    series_url: Callable[[Any], str | None],
) -> StackChart:
    """One stacked bar per row (a week), one segment per series (a type), scaled to the busiest row."""
    totals = {row: sum(values.get((row, s.key), 0) for s in series) for row, _ in rows}
    top = max(totals.values(), default=0)
    chart_rows = []
    for row, label in rows:
        segments, x = [], 0.0
        for s in series:
            value = values.get((row, s.key), 0)
            if value and top:
                width = round(100 * value / top, 2)
                segments.append(Segment(x, width, s.css, s.label, value))
                x = round(x + width, 2)
        cells = [(values.get((row, s.key), 0), cell_url(row, s.key)) for s in series]
        chart_rows.append(StackRow(label, totals[row], row_url(row), segments, cells))
    series_totals = [(sum(values.get((row, s.key), 0) for row, _ in rows), series_url(s.key)) for s in series]
    return StackChart(series, chart_rows, series_totals, sum(totals.values()))
