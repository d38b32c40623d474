"""Durations the database computes for the dashboard (aggregates.Elapsed, Median): the same
values as Python's subtraction, to the millisecond, on SQLite (julianday) and PostgreSQL."""

import datetime

import pytest
from django.db.models import Avg

from aspirations.models import Aspiration, Status
from krangkeng_portal.dashboard.aggregates import Elapsed, Median
from tests.portal.dashboard_world import aspiration, wib

pytestmark = pytest.mark.django_db

OFFSETS = [
    datetime.timedelta(hours=1, minutes=30, seconds=15, milliseconds=250),
    datetime.timedelta(days=2, hours=3, milliseconds=1),  # across a month's end (below)
    datetime.timedelta(days=40),
]


@pytest.fixture
def answered():
    starts = [wib(2024, 5, 2, 10, 0), wib(2024, 5, 30, 22, 59, 59), wib(2024, 4, 1, 0, 0)]
    for start, offset in zip(starts, OFFSETS, strict=True):
        aspiration(start, status=Status.SELESAI, verified=offset / 2, responded=offset)
    aspiration(wib(2024, 5, 3, 9, 0))  # never answered: no duration at all


class TestElapsed:
    def test_each_duration_is_the_difference_of_its_timestamps(self, answered):
        rows = Aspiration.objects.annotate(took=Elapsed("first_response_at", "submitted_at")).order_by("submitted_at")
        expected = {
            row.pk: None if row.first_response_at is None else row.first_response_at - row.submitted_at for row in rows
        }
        assert {row.pk: row.took for row in rows} == expected
        assert sorted(filter(None, expected.values())) == OFFSETS

    def test_median_and_average_ignore_the_unanswered(self, answered):
        took = Elapsed("first_response_at", "submitted_at")
        figures = Aspiration.objects.aggregate(median=Median(took), average=Avg(took))
        assert figures["median"] == OFFSETS[1]
        average = figures["average"]
        if not isinstance(average, datetime.timedelta):  # SQLite: microseconds
            average = datetime.timedelta(microseconds=average)
        assert abs(average - sum(OFFSETS, datetime.timedelta()) / 3) < datetime.timedelta(milliseconds=1)
