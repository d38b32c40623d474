"""Pagination without COUNT(*): fetch one row more than a page to know if another follows.

Counting 100,000 rows on every page view costs more than rendering the page; the
lists only need "newer" and "older" links.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0


def page_of(queryset: QuerySet, raw_number: str | None, *, per_page: int = PER_PAGE) -> Page:
    """The requested page (1 if the number is missing or nonsense): one query."""
    try:
        number = max(1, min(int(raw_number or 1), 100_000))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Page(rows=rows[:per_page], number=number, has_next=len(rows) > per_page, per_page=per_page)
