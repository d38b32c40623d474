"""The home page's public figures: the last 30 days' patrols per village, aspirations received and resolved."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from krangkeng_portal.dashboard import transparency
from krangkeng_portal.dashboard.periods import Period
from tests.factories import OfficerFactory
from tests.portal import dashboard_world
from tests.portal.dashboard_world import wib

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_figures():
    """The figures are cached for minutes: every test starts without them."""
    key = transparency.cache_key(timezone.localdate())
    cache.delete(key)
    yield
    cache.delete(key)


def last_30_days() -> Period:
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=29), today)


class TestFigures:
    def test_counts_of_the_month_in_wib(self, bhabin, other_bhabin):
        dashboard_world.build(bhabin, other_bhabin)
        june = transparency.compute(Period(datetime.date(2024, 6, 1), datetime.date(2024, 6, 30)))
        assert june["patrols"] == 1  # P2 at 00:10 WIB on 1 June; P1 at 23:30 on 31 May is May's
        assert dict(june["villages"])["Krangkeng"] == 1
        assert june["received"] == 1  # A5
        may = transparency.compute(dashboard_world.MAY)
        assert may["patrols"] == 5
        assert (may["received"], may["resolved"]) == (4, 1)
        assert len(may["villages"]) == 11
        assert dict(may["villages"])["Purwajaya"] == 0

    def test_two_queries(self, django_assert_num_queries):
        with django_assert_num_queries(2):
            transparency.compute(last_30_days())


class TestHomePage:
    def test_shows_the_last_30_days_figures(self, client, bhabin):
        now = timezone.now()
        for hours in (1, 2):
            dashboard_world.patrol("Krangkeng", now - datetime.timedelta(hours=hours + 1), bhabin)
        # 28 days ago is in, whatever the day of the month; 31 days ago is out.
        dashboard_world.patrol("Krangkeng", now - datetime.timedelta(days=28), bhabin)
        dashboard_world.patrol("Krangkeng", now - datetime.timedelta(days=31), bhabin)
        dashboard_world.aspiration(now - datetime.timedelta(minutes=5))
        html = client.get(reverse("home")).content.decode()
        section = html.split('aria-labelledby="transparency-heading"', 1)[1].split("</section>", 1)[0]
        assert "Kinerja kami 30 hari terakhir" in section
        assert '<th scope="row" class="fw-normal">Krangkeng</th><td class="text-end">3</td>' in section
        assert "Aspirasi masuk" in section

    def test_nothing_that_identifies_anyone(self, client, bhabin):
        dashboard_world.patrol(
            "Krangkeng", timezone.now() - datetime.timedelta(hours=2), bhabin, place="Rumah Pak Kuwu"
        )
        aspiration = dashboard_world.aspiration(
            timezone.now() - datetime.timedelta(minutes=5),
            reporter_name="Siti Aminah",
            reporter_phone="081234567890",
            consent_given_at=timezone.now(),
        )
        html = client.get(reverse("home")).content.decode()
        for private in (
            "Rumah Pak Kuwu",
            bhabin.last_name,
            "Siti Aminah",
            "081234567890",
            aspiration.code,
            aspiration.title,
        ):
            assert private not in html

    def test_cached_for_a_few_minutes(self, client, bhabin, django_assert_max_num_queries):
        client.get(reverse("home"))
        with django_assert_max_num_queries(0):
            client.get(reverse("home"))
        dashboard_world.patrol("Krangkeng", timezone.now() - datetime.timedelta(hours=2), bhabin)
        assert transparency.last_30_days()["patrols"] == 0  # still the cached figure
        cache.delete(transparency.cache_key(timezone.localdate()))
        assert transparency.last_30_days()["patrols"] == 1

    def test_signed_in_staff_see_it_too(self, bhabin):
        from tests.conftest import client_for

        assert "transparency-heading" in client_for(bhabin).get(reverse("home")).content.decode()


def test_the_first_minutes_of_the_month_belong_to_it(bhabin):
    period = Period(datetime.date(2024, 6, 1), datetime.date(2024, 6, 10))
    dashboard_world.patrol("Tanjakan", wib(2024, 6, 1, 0, 10), OfficerFactory(role="officer"))
    dashboard_world.patrol("Tanjakan", wib(2024, 5, 31, 23, 30), OfficerFactory(role="officer"))
    assert dict(transparency.compute(period)["villages"])["Tanjakan"] == 1
