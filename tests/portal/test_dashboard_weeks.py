"""The weekly patrols by type: the database groups the daily tallies by day, Python folds the
days into weeks starting on Monday (figures.patrols_by_week_and_type). The weeks and numbers
are those `TruncWeek` gave when the database computed them, across a week's and a month's end."""

import datetime

import pytest
from django.db.models import Sum
from django.db.models.functions import TruncWeek

from krangkeng_portal.dashboard import figures
from krangkeng_portal.dashboard.periods import Period
from patrols.models import PatrolTally, PatrolType, Situation
from tests.portal import dashboard_world
from tests.portal.dashboard_world import wib

pytestmark = pytest.mark.django_db

# Monday 20 May to Sunday 9 June 2024: three whole weeks, May's end in the middle one.
PERIOD = Period(datetime.date(2024, 5, 20), datetime.date(2024, 6, 9))
MAY_20, MAY_27, JUNE_3 = datetime.date(2024, 5, 20), datetime.date(2024, 5, 27), datetime.date(2024, 6, 3)


@pytest.fixture
def patrols(bhabin):
    def patrol(start, **fields):
        dashboard_world.patrol("Krangkeng", start, bhabin, **fields)

    patrol(wib(2024, 5, 26, 23, 30), residents_met=3)  # Sunday night: the week of 20 May
    patrol(wib(2024, 5, 27, 0, 10), residents_met=2)  # Monday in WIB (Sunday in UTC): the week of 27 May
    patrol(wib(2024, 5, 31, 23, 30), patrol_type=PatrolType.DIALOGIS, situation=Situation.INCIDENT)  # May's last
    patrol(wib(2024, 6, 1, 0, 10), residents_met=5)  # June's first day, still the week of 27 May
    patrol(wib(2024, 6, 2, 23, 59), patrol_type=PatrolType.KRYD)  # that week's last minute
    patrol(wib(2024, 6, 3, 0, 0), residents_met=1)  # the next week's first minute
    patrol(wib(2024, 6, 10, 8, 0))  # after the period


def as_tuples(rows: list[dict]) -> set[tuple]:
    return {(row["week"], row["patrol_type"], row["n"], row["residents"], row["incidents"]) for row in rows}


class TestPatrolsByWeekAndType:
    def test_days_fold_into_weeks_starting_on_monday(self, patrols):
        rows = figures.patrols_by_week_and_type(PERIOD, dashboard_world.krangkeng().ids)
        assert [(row["week"], row["patrol_type"]) for row in rows] == [
            (MAY_20, PatrolType.SAMBANG),
            (MAY_27, PatrolType.DIALOGIS),
            (MAY_27, PatrolType.KRYD),
            (MAY_27, PatrolType.SAMBANG),
            (JUNE_3, PatrolType.SAMBANG),
        ]
        assert as_tuples(rows) == {
            (MAY_20, PatrolType.SAMBANG, 1, 3, 0),
            (MAY_27, PatrolType.SAMBANG, 2, 7, 0),  # 27 May and 1 June: across the month's end
            (MAY_27, PatrolType.DIALOGIS, 1, 0, 1),
            (MAY_27, PatrolType.KRYD, 1, 0, 0),
            (JUNE_3, PatrolType.SAMBANG, 1, 1, 0),
        }

    def test_the_same_weeks_and_numbers_as_truncweek_in_the_database(self, patrols):
        before = (
            PatrolTally.objects.filter(day__gte=PERIOD.first_day, day__lte=PERIOD.last_day)
            .order_by()
            .annotate(week=TruncWeek("day"))
            .values("week", "patrol_type")
            .annotate(n=Sum("patrols"), residents=Sum("residents"), incidents=Sum("incidents"))
        )
        expected = [
            {**row, "week": row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]}
            for row in before
        ]
        assert len(expected) == 5
        rows = figures.patrols_by_week_and_type(PERIOD, dashboard_world.krangkeng().ids)
        assert as_tuples(rows) == as_tuples(expected)

    def test_a_period_starting_midweek_keeps_the_monday_of_its_first_week(self, patrols):
        # Thursday 30 May to Sunday 2 June: one (clipped) week, named by its Monday.
        rows = figures.patrols_by_week_and_type(
            Period(datetime.date(2024, 5, 30), datetime.date(2024, 6, 2)), dashboard_world.krangkeng().ids
        )
        assert as_tuples(rows) == {
            (MAY_27, PatrolType.SAMBANG, 1, 5, 0),
            (MAY_27, PatrolType.DIALOGIS, 1, 0, 1),
            (MAY_27, PatrolType.KRYD, 1, 0, 0),
        }
