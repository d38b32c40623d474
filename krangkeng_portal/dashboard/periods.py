"""The period a dashboard shows, and the month a recap covers, chosen from the query string.

Periods are whole days in WIB (the current time zone): the first day from midnight,
the last day until the next midnight, so a patrol at 23:30 WIB on the 31st belongs
to that month and one at 00:10 WIB on the 1st to the next.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 366
LAST_7 = "7d"
LAST_30 = "30d"
THIS_MONTH = "month"
LAST_MONTH = "last_month"
CUSTOM = "custom"
PRESETS = [
    (LAST_7, _("Last 7 days")),
    (LAST_30, _("Last 30 days")),
    (THIS_MONTH, _("This month")),
    (LAST_MONTH, _("Last month")),
    (CUSTOM, _("Custom dates")),
]
DEFAULT_PRESET = LAST_30


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight WIB at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    """Whole WIB days from `first_day` to `last_day`, both included."""

    first_day: datetime.date
    last_day: datetime.date
    preset: str = CUSTOM

    @property
    def start(self) -> datetime.datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound: `started_at < end`)."""
        return day_start(self.last_day + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def as_of(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The moment "days since the last patrol" is counted to: now, or the end of a past period."""
        return min(now or timezone.now(), self.end)

    def weeks(self) -> list[tuple[datetime.date, datetime.date, datetime.date]]:
        """(Monday, first day, last day) of each week the period touches, clipped to the period."""
        monday = self.first_day - datetime.timedelta(days=self.first_day.weekday())
        weeks = []
        while monday <= self.last_day:
            sunday = monday + datetime.timedelta(days=6)
            weeks.append((monday, max(monday, self.first_day), min(sunday, self.last_day)))
            monday += datetime.timedelta(days=7)
        return weeks

    def label(self) -> str:
        first = formats.date_format(self.first_day, "j F Y")
        last = formats.date_format(self.last_day, "j F Y")
        return first if first == last else f"{first} – {last}"

    def query(self) -> dict[str, str]:
        """The period as the dashboard's query string."""
        if self.preset != CUSTOM:
            return {"period": self.preset}
        return {"period": CUSTOM, "date_from": self.first_day.isoformat(), "date_to": self.last_day.isoformat()}


def preset_period(preset: str, today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    if preset == LAST_7:
        return Period(today - datetime.timedelta(days=6), today, preset)
    if preset == THIS_MONTH:
        return Period(month_start(today), today, preset)
    if preset == LAST_MONTH:
        last = month_start(today) - datetime.timedelta(days=1)
        return Period(month_start(last), last, preset)
    return Period(today - datetime.timedelta(days=29), today, LAST_30)


def month_period(first_day: datetime.date) -> Period:
    """A whole calendar month."""
    return Period(first_day, next_month(first_day) - datetime.timedelta(days=1))


class PeriodForm(forms.Form):
    """?period=7d|30d|month|last_month|custom, with date_from/date_to for custom dates.

    Dates alone (a link from elsewhere) mean custom dates. An invalid choice shows
    its error and the dashboard falls back to the default period.
    """

    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("period", css_class="col-12 col-md-4"),
                Column("date_from", css_class="col-6 col-md-4"),
                Column("date_to", css_class="col-6 col-md-4"),
            )
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        preset = data.get("period") or ""
        first, last = data.get("date_from"), data.get("date_to")
        if preset == CUSTOM or (not preset and (first or last)):
            data["period"] = CUSTOM
            if not first or not last:
                raise forms.ValidationError(_("Give both dates for a custom period."), code="incomplete")
            if first > last:
                raise forms.ValidationError(_("The first day must not be after the last day."), code="reversed")
            if first > self.today:
                raise forms.ValidationError(_("The period cannot start in the future."), code="future")
            if (last - first).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)s days.") % {"days": MAX_DAYS}, code="too_long")
        return data

    def chosen_period(self) -> Period:
        """The chosen period (the default when nothing valid was chosen)."""
        if not self.is_bound or not self.is_valid():
            return preset_period(DEFAULT_PRESET, self.today)
        data = self.cleaned_data
        if data["period"] == CUSTOM:
            return Period(data["date_from"], data["date_to"], CUSTOM)
        return preset_period(data["period"] or DEFAULT_PRESET, self.today)


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    """?bulan=YYYY-MM (the browser's month picker); the default is last month, the usual recap."""

    bulan = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"}),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_bulan(self) -> datetime.date | None:
        raw = self.cleaned_data["bulan"].strip()
        if not raw:
            return None
        match = MONTH_RE.match(raw)
        try:
            first = datetime.date(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            first = None
        if first is None or first.year < 2000:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2024-05."), code="invalid")
        if first > self.today:
            raise forms.ValidationError(_("That month has not begun yet."), code="future")
        return first

    def chosen_month(self) -> datetime.date:
        """The first day of the chosen month."""
        if self.is_bound and self.is_valid() and self.cleaned_data["bulan"]:
            return self.cleaned_data["bulan"]
        return month_start(month_start(self.today) - datetime.timedelta(days=1))
