"""The staff lists (patrols, the aspiration inbox, the audit trail), read and shown one way.

`filtered_list` reads the filters from the query string (the page number is none of
them), fetches one page without COUNT(*) (`core.pagination`) and renders the page
with its filter card (`core/_filter_card.html`) and page links
(`core/_pagination.html`). The filter sets derive from `ListFilterSet`, which knows
whether the user asked for a filter (then the card opens).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .pagination import PER_PAGE, Page, page_of


class ListFilterSet(django_filters.FilterSet):
    # Filters shown outside the card (the inbox's status tabs and order): they do not open it.
    outside_card: tuple[str, ...] = ()

    @property
    def is_filtered(self) -> bool:
        """True when the user asked for a filter of the card (or typed one that is invalid)."""
        if not self.is_bound:
            return False
        if not self.form.is_valid():
            return True
        return any(
            value not in (None, "") for name, value in self.form.cleaned_data.items() if name not in self.outside_card
        )


FilterSetT = TypeVar("FilterSetT", bound=ListFilterSet)


@dataclass
class FilteredList(Generic[FilterSetT]):
    request: HttpRequest
    filter: FilterSetT
    page: Page

    def render(self, template: str, context: dict[str, Any]) -> HttpResponse:
        """The list's template with `filter`, `is_filtered` and `page`, and the view's `context`."""
        shared = {"filter": self.filter, "is_filtered": self.filter.is_filtered, "page": self.page}
        return render(self.request, template, {**shared, **context})


def filtered_list(
    request: HttpRequest,
    filterset_class: type[FilterSetT],
    queryset: QuerySet[Any],
    *,
    per_page: int = PER_PAGE,
    defaults: dict[str, str] | None = None,
    **filter_kwargs: Any,
) -> FilteredList[FilterSetT]:
    """The page of `queryset` the query string asks for, filtered (one query for the page).

    Without filters the filter set stays unbound, on every page, not only the first:
    the form shows its defaults and the card stays closed. The filter set gets the
    request and `filter_kwargs` (e.g. `mine=True`). The queryset must be ordered.
    `defaults` are filters that apply unless the query string gives the name at all
    (Aspirasi Saya opens on "needs my action"; its "All" tab sends `status=`).
    """
    filters = request.GET.copy()
    filters.pop("page", None)
    for name, value in (defaults or {}).items():
        filters.setdefault(name, value)
    filterset = filterset_class(filters or None, queryset=queryset, request=request, **filter_kwargs)
    return FilteredList(
        request=request,
        filter=filterset,
        page=page_of(filterset.qs, request.GET.get("page"), per_page=per_page),
    )
