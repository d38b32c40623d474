"""The inbox's filters. They only ever receive querysets already scoped by visible_to()."""

from __future__ import annotations

import datetime
from typing import cast

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from core.dates import FromDayFilter, UntilDayFilter
from core.lists import ListFilterSet
from patrols.models import DISPLAY_NAME_FIELDS, Village
from units.filters import UnitFilter

from . import tickets
from .forms import CategoryChoiceField
from .models import Aspiration, AspirationType, Category, Channel, Status
from .selectors import handling_officers, open_status_counts

YES = "ya"
NO = "tidak"
# The default order: the nearest deadline first, overdue ones at the very top;
# nothing due (answered, closed) after them, newest first.
BY_DEADLINE = (F("deadline").asc(nulls_last=True), "-submitted_at", "-pk")
ORDERINGS = {
    "tenggat": BY_DEADLINE,
    "terbaru": ("-submitted_at", "-pk"),
    "terlama": ("submitted_at", "pk"),
}


class CategoryFilter(django_filters.ModelChoiceFilter):
    # The name in the interface's language. (django-filter's stubs ask for its own field
    # class; any ModelChoiceField serves.)
    field_class = CategoryChoiceField  # type: ignore[assignment]


class OfficerField(FilterModelChoiceField):
    """django-filter's field (it offers a "not assigned" choice), labelled with rank and name."""

    def label_from_instance(self, obj) -> str:
        return obj.display_name


class OfficerFilter(django_filters.ModelChoiceFilter):
    field_class = OfficerField


# The model choices read only the columns their labels show.
CATEGORIES = Category.objects.only("name", "name_en")
VILLAGES = Village.objects.only("name")
OFFICERS = handling_officers(include_inactive=True).only(*DISPLAY_NAME_FIELDS)


# Aspirasi Saya's first tab and default: verified and in follow-up, the officer's turn.
AWAITING_ME = "tindakan"


class AspirationFilterForm(forms.Form):
    """The choices two to a row on a phone, the dates side by side, the search box first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        width = {"q": "col-12", "date_from": "col-6 col-lg-3", "date_to": "col-6 col-lg-3"}
        shown = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        hidden = [name for name, field in self.fields.items() if field.widget.is_hidden]
        self.helper.layout = Layout(
            Row(*[Column(name, css_class=width.get(name, "col-6 col-lg-3")) for name in shown]), *hidden
        )


class AspirationFilter(ListFilterSet):
    outside_card = ("status", "sort", "unit")  # the status tabs, the order links, the dashboard's unit
    unit = UnitFilter()
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("title, text or ticket code…")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses"), method="filter_status"
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=AspirationType.choices, empty_label=_("All types"))
    category = CategoryFilter(label=_("Category"), queryset=CATEGORIES, empty_label=_("All categories"))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"),
        queryset=VILLAGES,
        empty_label=_("All villages"),
        null_label=_("No village (outside the area)"),
        null_value="luar",
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    officer = OfficerFilter(
        label=_("Assigned officer"),
        field_name="assigned_to",
        queryset=OFFICERS,
        empty_label=_("All officers"),
        null_label=_("Not assigned"),
        null_value="belum",
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[(YES, _("Overdue only"))],
        empty_label=_("Any deadline"),
        method="filter_overdue",
    )
    spam = django_filters.ChoiceFilter(
        label=_("Spam flag"),
        choices=[(YES, _("Suspected spam")), (NO, _("Not flagged"))],
        empty_label=_("Flagged or not"),
        method="filter_spam",
    )
    date_from = FromDayFilter(
        label=_("Sent from"), field_name="submitted_at", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = UntilDayFilter(
        label=_("Sent until"), field_name="submitted_at", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[("terbaru", _("Newest first")), ("terlama", _("Oldest first"))],
        empty_label=_("Nearest deadline first"),
        method="filter_sort",
    )

    class Meta:
        model = Aspiration
        fields: list[str] = []
        form = AspirationFilterForm

    def __init__(self, *args, mine: bool = False, now: datetime.datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        if mine:  # Aspirasi Saya: the officer is always the user; spam never reaches them
            del self.filters["officer"]
            del self.filters["spam"]
            self.filters["status"].extra["choices"] = [(AWAITING_ME, _("Needs my action")), *Status.choices]

    def filter_status(self, queryset, name, value: str):
        return queryset.awaiting_officer() if value == AWAITING_ME else queryset.filter(status=value)

    def filter_text(self, queryset, name, value: str):
        try:
            return queryset.filter(code=tickets.normalise(value))
        except tickets.InvalidTicketCode:
            pass
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_overdue(self, queryset, name, value: str):
        return queryset.overdue(self.now) if value == YES else queryset

    def filter_spam(self, queryset, name, value: str):
        return queryset.filter(is_spam_suspected=value == YES)

    def filter_sort(self, queryset, name, value: str):
        return queryset.order_by(*ORDERINGS.get(value, BY_DEADLINE))

    def filter_queryset(self, queryset, *, skip: tuple[str, ...] = ()):
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def open_status_counts(self) -> dict[str, int]:
        """Per open status, how many match every other filter (one query): the tabs' numbers."""
        base = cast(QuerySet[Aspiration], self.queryset)  # always given
        if self.is_bound:
            self.errors  # noqa: B018 (validates the form, as FilterSet.qs does)
            base = self.filter_queryset(base, skip=("status", "sort"))
        return open_status_counts(base)
