"""{% load cached_dates %}: what |date and |time show, in WIB and in the user's language."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

UTC = datetime.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

# A Monday evening in UTC is already Tuesday in WIB (UTC+7).
LATE_MONDAY_UTC = datetime.datetime(2024, 5, 6, 20, 30, 15, 250, tzinfo=UTC)
VALUES = [
    LATE_MONDAY_UTC,
    datetime.datetime(2024, 12, 31, 0, 0, tzinfo=WIB),
    datetime.datetime(2025, 1, 1, 12, 0, tzinfo=WIB),
    datetime.datetime(2024, 8, 17, 23, 59, 59, tzinfo=WIB),
]


def render(source: str, value) -> str:
    return Template("{% load cached_dates %}" + source).render(Context({"value": value}))


class TestCachedDates:
    @pytest.mark.parametrize("language", ["id", "en"])
    @pytest.mark.parametrize("value", VALUES)
    @pytest.mark.parametrize(
        ("cached", "django"),
        [
            ('{{ value|day:"D, j M Y" }}', '{{ value|date:"D, j M Y" }}'),
            ('{{ value|day:"l, j F Y" }}', '{{ value|date:"l, j F Y" }}'),
            ("{{ value|day }}", "{{ value|date }}"),
            ("{{ value|clock }}", "{{ value|time }}"),
            ('{{ value|clock:"H:i" }}', '{{ value|time:"H:i" }}'),
            ('{{ value|clock:"H:i T" }}', '{{ value|time:"H:i T" }}'),
            ("{{ value|zone }}", '{{ value|date:"T" }}'),
            ("{{ value|iso }}", '{{ value|date:"c" }}'),
        ],
    )
    def test_shows_what_django_shows(self, language, value, cached, django):
        with translation.override(language):
            assert render(cached, value) == render(django, value)

    def test_in_wib_and_in_the_language(self):
        source = '{{ value|day:"D, j M Y" }} {{ value|clock }}'
        with translation.override("id"):
            assert render(source, LATE_MONDAY_UTC) == "Sel, 7 Mei 2024 3.30"
        with translation.override("en"):
            assert render(source, LATE_MONDAY_UTC) == "Tue, 7 May 2024 3:30 a.m."

    def test_a_day_format_with_time_letters_is_refused(self):
        with pytest.raises(TypeError):
            render('{{ value|day:"j M Y H:i" }}', LATE_MONDAY_UTC)

    @pytest.mark.parametrize("value", [None, "", "kemarin"])
    def test_nothing_for_what_is_no_date(self, value):
        assert render("{{ value|day }}|{{ value|clock }}|{{ value|zone }}|{{ value|iso }}", value) == "|||"

    def test_dates_and_times_without_a_zone(self):
        assert render('{{ value|day:"j M Y" }}', datetime.date(2024, 5, 7)) == "7 Mei 2024"
        assert render('{{ value|clock:"H:i" }}', datetime.time(8, 5)) == "08:05"

    def test_a_changed_format_setting_is_followed(self, settings):
        # Without an active language Django formats with settings.DATE_FORMAT.
        with translation.override(None):
            settings.DATE_FORMAT = "j M Y"
            assert render("{{ value|day }}", LATE_MONDAY_UTC) == "7 May 2024"
            settings.DATE_FORMAT = "d/m/Y"
            assert render("{{ value|day }}", LATE_MONDAY_UTC) == "07/05/2024"
