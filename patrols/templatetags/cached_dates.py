"""Dates and times for long lists, each distinct day or time of day formatted once per language.

Django's `date` and `time` filters parse the format and look up the translated
day and month names on every call: five per row made half of a patrol row's
rendering time (bench/FINDINGS.md). A list shows the same few days and times
of day over and over, so these filters keep what Django formatted, keyed by the
active language, the format and the local day (or time of day):

    {{ patrol.started_at|day:"D, j M Y" }}   like |date, for day letters only
    {{ patrol.started_at|clock }}            like |time (the language's TIME_FORMAT)
    {{ patrol.started_at|zone }}             like |date:"T"
    {{ patrol.started_at|iso }}              like |date:"c"

The output is Django's own, so the localisation is exactly that of `date` and
`time`; the values are converted to local time (WIB) first, as theirs are.
"""

from __future__ import annotations

import datetime
import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat, formats
from django.utils.translation import get_language

register = template.Library()

# Time-zone letters need the aware datetime, which the cached key drops: formats with
# them are formatted each time.
_ZONE_LETTERS = frozenset("eOTZI")


@functools.lru_cache(maxsize=4096)
def _day(language: str | None, format_string: str, value: datetime.date) -> str:
    # A date object: Django refuses time letters in the format (TypeError), so
    # nothing finer than the day can slip into the key.
    return formats.date_format(value, format_string)


@functools.lru_cache(maxsize=8192)
def _clock(language: str | None, format_string: str, value: datetime.time) -> str:
    return formats.time_format(value, format_string)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    # Tests change formats, languages and locale paths; what was formatted before may differ.
    _day.cache_clear()
    _clock.cache_clear()


@register.filter(expects_localtime=True, is_safe=False)
def day(value, arg: str | None = None) -> str:
    """The day of a date or datetime, as `|date:arg` shows it (DATE_FORMAT by default)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif not isinstance(value, datetime.date):
        return ""
    return _day(get_language(), arg or "DATE_FORMAT", value)


@register.filter(expects_localtime=True, is_safe=False)
def clock(value, arg: str | None = None) -> str:
    """The time of day of a datetime or time, as `|time:arg` shows it (TIME_FORMAT by default)."""
    if arg and _ZONE_LETTERS.intersection(arg):
        return formats.time_format(value, arg) if isinstance(value, datetime.datetime | datetime.time) else ""
    if isinstance(value, datetime.datetime):
        value = value.time()
    elif not isinstance(value, datetime.time):
        return ""
    return _clock(get_language(), arg or "TIME_FORMAT", value)


@register.filter(expects_localtime=True, is_safe=False)
def zone(value) -> str:
    """The time zone's abbreviation (WIB), as `|date:"T"` shows it, without parsing a format."""
    if not isinstance(value, datetime.datetime):
        return ""
    return dateformat.TimeFormat(value).T()


@register.filter(expects_localtime=True, is_safe=False)
def iso(value) -> str:
    """ISO 8601 with the offset, for <time datetime="…"> (what `|date:"c"` gives)."""
    if not isinstance(value, datetime.date):
        return ""
    return value.isoformat()
