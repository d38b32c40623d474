"""Dasbor: figures against hand-computed data (tests/portal/dashboard_world.py), coverage,
overdue rules, links, sorting, the period form and the constant number of queries."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from krangkeng_portal.dashboard import coverage, figures, pages
from krangkeng_portal.dashboard.periods import MAX_DAYS, Period, PeriodForm
from patrols.models import DEFAULT_VISIT_TARGET_DAYS, RiskLevel
from tests.conftest import client_for
from tests.factories import PatrolFactory, village
from tests.portal import dashboard_world
from tests.portal.dashboard_world import MAY, NOW, wib

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:dashboard")
# The figures of a dashboard, whatever the data: patrols by week and type; villages
# (last patrol as a subquery) and their officers; patrols and aspirations by village;
# the aspiration summary; aspirations by week and category; top topics; patrols led
# and joined (one query of the daily tallies) and aspirations per officer, then the
# officers themselves.
DASHBOARD_QUERIES = 12


@pytest.fixture
def may(bhabin, other_bhabin):
    return dashboard_world.build(bhabin, other_bhabin)


def may_dashboard(sel=None, **kwargs) -> pages.Dashboard:
    return pages.dashboard(MAY, sel or dashboard_world.krangkeng(), now=NOW, **kwargs)


def figure(figures_list, key: str):
    return next(f for f in figures_list if f.key == key)


def by_name(data: pages.Dashboard) -> dict[str, coverage.VillageRow]:
    return {row.village.name: row for row in data.coverage.villages}


class TestAccess:
    def test_command_and_operator_see_it(self, commander, operator):
        assert client_for(commander).get(URL).status_code == 200
        assert client_for(operator).get(URL).status_code == 200

    def test_officer_is_refused(self, bhabin):
        assert client_for(bhabin).get(URL).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_navigation_shows_it_to_command_only(self, commander, bhabin):
        assert f'href="{URL}"' in client_for(commander).get(reverse("home")).content.decode()
        assert f'href="{URL}"' not in client_for(bhabin).get(reverse("home")).content.decode()


class TestPatrolFigures:
    def test_headline_matches_the_hand_count(self, may):
        data = may_dashboard()
        assert figure(data.headline.patrols, "patrols").value == 5  # P1, P3, P4, P6, P7
        assert figure(data.headline.patrols, "residents").value == 20
        assert str(figure(data.headline.patrols, "visited").value) == "4 dari 11"
        assert figure(data.headline.patrols, "villages_overdue").value == 8
        assert figure(data.headline.patrols, "incidents").value == 1

    def test_a_patrol_at_2330_wib_on_the_last_day_belongs_to_the_month(self, may):
        rows = by_name(may_dashboard())
        assert rows["Krangkeng"].patrols == 1  # P1 (31 May 23:30), not P2 (1 June 00:10)
        assert rows["Krangkeng"].residents == 10

    def test_a_patrol_at_0010_wib_on_the_first_belongs_to_the_next_month(self, may):
        june = Period(datetime.date(2024, 6, 1), datetime.date(2024, 6, 30))
        rows = by_name(pages.dashboard(june, dashboard_world.krangkeng(), now=NOW))
        assert rows["Krangkeng"].patrols == 1
        assert rows["Krangkeng"].residents == 99

    def test_weeks_start_on_monday_in_wib(self, may):
        chart = may_dashboard().trends.patrol_chart
        totals = {row.label: row.total for row in chart.rows}
        # P7 (Sunday 26 May 23:30 WIB) is in the week of 20 May; P6 (Monday 27 May 00:10 WIB,
        # still Sunday in UTC) in the week of 27 May.
        assert totals == {"1–5 Mei": 0, "6–12 Mei": 0, "13–19 Mei": 0, "20–26 Mei": 2, "27–31 Mei": 3}

    def test_weekly_numbers_per_type(self, may):
        chart = may_dashboard().trends.patrol_chart
        assert [series.key for series in chart.series] == ["sambang", "dialogis", "kryd"]
        last_week = chart.rows[-1]
        assert [value for value, _ in last_week.cells] == [2, 0, 1]  # P1, P6 sambang; P4 kryd
        assert [value for value, _ in chart.totals] == [3, 1, 1]

    def test_top_topics(self, may):
        t1, t2 = dashboard_world.topics()
        bars = may_dashboard().aspirations.topic_bars
        assert [(bar.label, bar.value) for bar in bars] == [(t1.name, 2), (t2.name, 1)]
        assert bars[0].width == 100
        assert bars[1].width == 50

    def test_officer_activity(self, may, bhabin, other_bhabin):
        rows = {row["officer"]: row for row in may_dashboard().officers}
        assert (rows[bhabin]["led"], rows[bhabin]["joined"]) == (2, 1)  # P1, P4; joined P3
        assert (rows[other_bhabin]["led"], rows[other_bhabin]["joined"]) == (3, 0)  # P3, P6, P7
        assert (rows[bhabin]["assigned"], rows[bhabin]["resolved"], rows[bhabin]["overdue"]) == (2, 1, 1)
        assert rows[other_bhabin]["assigned"] == 0

    def test_a_period_without_data_shows_zeros(self, may):
        empty = Period(datetime.date(2023, 1, 1), datetime.date(2023, 1, 31))
        data = pages.dashboard(empty, dashboard_world.krangkeng(), now=NOW)
        assert figure(data.headline.patrols, "patrols").value == 0
        assert figure(data.headline.aspirations, "received").value == 0
        assert figure(data.headline.aspirations, "verified_on_time").value == "–"
        assert figure(data.headline.aspirations, "median_to_verification").value == "–"
        assert data.trends.patrol_chart.total == 0
        assert data.aspirations.topic_bars == []
        # Before any patrol existed every village was never visited.
        assert {row.state for row in data.coverage.villages} == {figures.NEVER}


class TestAspirationFigures:
    def test_summary_matches_the_hand_count(self, may):
        summary = figures.aspiration_summary(MAY, dashboard_world.krangkeng().ids, NOW)
        assert summary["received"] == 4  # A1-A4: A4 at 23:30 on 31 May counts, A5 (1 June) and A6 (April) do not
        assert summary["open"] == 2
        assert summary["resolved"] == 1
        assert summary["rejected"] == 1
        assert summary["overdue"] == 2
        assert summary["outside"] == 1
        assert summary["by_status"] == {
            "baru": 1,
            "terverifikasi": 0,
            "ditindaklanjuti": 1,
            "selesai": 1,
            "ditolak": 1,
        }

    def test_deadline_shares(self, may):
        data = may_dashboard()
        verified = figure(data.headline.aspirations, "verified_on_time")
        assert verified.value == "33%"
        assert str(verified.note) == "1 dari 3 yang jatuh tempo"
        replied = figure(data.headline.aspirations, "replied_on_time")
        assert replied.value == "50%"
        assert str(replied.note) == "1 dari 2 yang jatuh tempo"

    def test_medians_are_computed_by_the_database(self, may):
        summary = figures.aspiration_summary(MAY, dashboard_world.krangkeng().ids, NOW)
        assert summary["median_to_verification"] == datetime.timedelta(hours=132)
        assert summary["median_to_response"] == datetime.timedelta(hours=48)
        data = may_dashboard()
        assert figure(data.headline.aspirations, "median_to_verification").value == "5 hari 12 jam"
        assert figure(data.headline.aspirations, "median_to_response").value == "2 hari 0 jam"

    def test_by_category_and_village(self, may):
        data = may_dashboard()
        assert [(bar.label, bar.value) for bar in data.aspirations.category_bars] == [
            ("Keamanan lingkungan dan pencurian", 3),
            ("Narkoba", 1),
        ]
        villages = {bar.label: bar.value for bar in data.aspirations.village_bars}
        assert villages["Krangkeng"] == 2
        assert villages["Tanjakan"] == 1
        assert villages["Di luar wilayah"] == 1
        assert villages["Kalianyar"] == 0

    def test_weekly_categories(self, may):
        chart = may_dashboard().trends.category_chart
        totals = {row.label: row.total for row in chart.rows}
        assert totals == {"1–5 Mei": 2, "6–12 Mei": 1, "13–19 Mei": 0, "20–26 Mei": 0, "27–31 Mei": 1}


class TestCoverage:
    def test_states_per_village(self, may):
        rows = by_name(may_dashboard())
        assert (rows["Krangkeng"].days_since, rows["Krangkeng"].state) == (0, figures.OK)
        assert (rows["Tanjakan"].days_since, rows["Tanjakan"].state) == (11, figures.OK)
        assert (rows["Srengseng"].days_since, rows["Srengseng"].state) == (4, figures.OK)
        assert (rows["Luwunggesik"].days_since, rows["Luwunggesik"].state) == (4, figures.OVERDUE)
        assert (rows["Kalianyar"].days_since, rows["Kalianyar"].state) == (31, figures.OVERDUE)
        assert (rows["Purwajaya"].last_patrol, rows["Purwajaya"].state) == (None, figures.NEVER)
        assert rows["Purwajaya"].overdue

    def test_a_past_period_counts_to_its_last_day_and_ignores_later_patrols(self, may):
        # P2 (1 June) happened after May: May's last Krangkeng patrol stays P1.
        rows = by_name(may_dashboard())
        assert rows["Krangkeng"].last_patrol == wib(2024, 5, 31, 23, 30)

    def test_officer_and_open_aspirations(self, may, bhabin):
        rows = by_name(may_dashboard())
        assert rows["Krangkeng"].officers == [bhabin]
        assert rows["Krangkeng"].open == 1  # A1 (A2 is resolved)
        assert rows["Kalianyar"].officers == []

    def test_overdue_first_then_the_longest_unvisited(self, may):
        names = [row.village.name for row in may_dashboard().coverage.villages]
        overdue = names[:8]
        assert set(overdue) == {
            "Luwunggesik",
            "Kalianyar",
            "Purwajaya",
            "Kapringan",
            "Singakerta",
            "Dukuhjati",
            "Tegalmulya",
            "Kedungwungu",
        }
        assert overdue[-2:] == ["Kalianyar", "Luwunggesik"]  # never visited ones first (by name), then 31 and 4 days
        assert names[8:] == ["Tanjakan", "Srengseng", "Krangkeng"]

    @pytest.mark.parametrize(
        ("sort", "first", "last"),
        [
            ("village", "Dukuhjati", "Tegalmulya"),
            ("-village", "Tegalmulya", "Dukuhjati"),
            ("patrols", "Dukuhjati", "Srengseng"),
            ("-days", "Tegalmulya", "Krangkeng"),
            ("risk", "Dukuhjati", "Luwunggesik"),
        ],
    )
    def test_sortable(self, may, sort, first, last):
        data = may_dashboard(sort=sort)
        assert data.coverage.sort == sort
        rows = data.coverage.villages
        assert (rows[0].village.name, rows[-1].village.name) == (first, last)

    def test_unknown_sort_falls_back_to_overdue_first(self, may):
        assert may_dashboard(sort="password").coverage.sort == "overdue"


@pytest.mark.parametrize(
    ("risk", "fine", "due", "late"),
    [(RiskLevel.SANGAT_RAWAN, 2, 3, 4), (RiskLevel.RAWAN, 6, 7, 8), (RiskLevel.AMAN, 13, 14, 15)],
)
class TestOverduePerRiskLevel:
    def test_visit_state(self, risk, fine, due, late):
        target = DEFAULT_VISIT_TARGET_DAYS[risk]
        assert figures.visit_state(fine, target) == figures.OK
        assert figures.visit_state(due, target) == figures.DUE
        assert figures.visit_state(late, target) == figures.OVERDUE
        assert figures.visit_state(None, target) == figures.NEVER

    def test_on_the_dashboard_today(self, risk, fine, due, late, bhabin):
        dashboard_world.set_risk("Krangkeng", risk)
        today = timezone.localdate()
        PatrolFactory(
            leader=bhabin,
            village=village("Krangkeng"),
            started_at=timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=late), datetime.time(9))
            ),
        )
        period = Period(today - datetime.timedelta(days=29), today)
        row = by_name(pages.dashboard(period, dashboard_world.krangkeng()))["Krangkeng"]
        assert (row.days_since, row.state, row.overdue) == (late, figures.OVERDUE, True)
        PatrolFactory(
            leader=bhabin,
            village=village("Krangkeng"),
            started_at=timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=due), datetime.time(9))
            ),
        )
        row = by_name(pages.dashboard(period, dashboard_world.krangkeng()))["Krangkeng"]
        assert (row.days_since, row.state, row.overdue) == (due, figures.DUE, False)


class TestLinks:
    def test_every_figure_links_to_its_list(self, may):
        data = may_dashboard()
        patrols = figure(data.headline.patrols, "patrols").url
        assert patrols == f"{reverse('patrols:patrol_list')}?date_from=2024-05-01&date_to=2024-05-31&unit=krangkeng"
        incidents = figure(data.headline.patrols, "incidents").url
        assert incidents.endswith("date_from=2024-05-01&date_to=2024-05-31&unit=krangkeng&situation=kejadian")
        rows = by_name(data)
        assert rows["Krangkeng"].patrols_url.endswith(f"&village={village('Krangkeng').pk}")
        t1, _ = dashboard_world.topics()
        assert data.aspirations.topic_bars[0].url.endswith(f"&topic={t1.pk}")
        week = data.trends.patrol_chart.rows[-1]
        assert week.url.endswith("date_from=2024-05-27&date_to=2024-05-31&unit=krangkeng")
        assert week.cells[0][1].endswith("date_from=2024-05-27&date_to=2024-05-31&unit=krangkeng&patrol_type=sambang")

    def test_the_patrol_list_link_shows_the_same_number(self, may, commander):
        data = may_dashboard()
        client = client_for(commander)
        for url, expected in [
            (figure(data.headline.patrols, "patrols").url, 5),
            (figure(data.headline.patrols, "incidents").url, 1),
            (by_name(data)["Srengseng"].patrols_url, 2),
            (data.aspirations.topic_bars[0].url, 2),
            *[(row["led_url"], row["led"]) for row in data.officers],
            *[(row["joined_url"], row["joined"]) for row in data.officers],
        ]:
            html = client.get(url).content.decode()
            assert html.count('class="list-group-item position-relative"') == expected, url

    def test_the_inbox_link_shows_the_same_number(self, may, commander):
        data = may_dashboard()
        client = client_for(commander)
        for url, expected in [
            (figure(data.headline.aspirations, "received").url, 4),
            (figure(data.headline.aspirations, "resolved").url, 1),
            (figure(data.headline.aspirations, "overdue").url, 2),
            (data.aspirations.category_bars[1].url, 1),
            (by_name(data)["Krangkeng"].received_url, 2),
        ]:
            html = client.get(url).content.decode()
            assert html.count('<span class="ticket-code">') == expected, url

    def test_aspiration_figures_link_to_the_inbox(self, may):
        inbox = reverse("aspirations:inbox")
        data = may_dashboard()
        assert figure(data.headline.aspirations, "resolved").url == (
            f"{inbox}?date_from=2024-05-01&date_to=2024-05-31&unit=krangkeng&status=selesai"
        )
        assert figure(data.headline.aspirations, "overdue").url.endswith("&overdue=ya")
        assert data.aspirations.village_bars[-1].url.endswith("&village=luar") or any(
            bar.url.endswith("&village=luar") for bar in data.aspirations.village_bars
        )


class TestPage:
    def test_shows_the_period_and_the_coverage(self, may, commander):
        response = client_for(commander).get(
            URL, {"period": "custom", "date_from": "2024-05-01", "date_to": "2024-05-31"}
        )
        html = response.content.decode()
        assert "1 Mei 2024 – 31 Mei 2024" in html
        assert 'id="cakupan"' in html
        assert "Terlambat" in html
        assert "Belum pernah dikunjungi" in html

    def test_map_data_is_a_json_script_for_leaflet(self, may, commander, settings):
        settings.KRK_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
        html = client_for(commander).get(URL, {"date_from": "2024-05-01", "date_to": "2024-05-31"}).content.decode()
        data = re.search(r'<script id="krk-map-points" type="application/json">(.*?)</script>', html, re.S)
        points = {point["name"]: point for point in json.loads(data[1])}
        assert len(points) == 11
        assert points["Luwunggesik"]["state"] == "overdue"
        assert points["Krangkeng"]["state"] == "ok"
        assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in html
        assert "vendor/leaflet/leaflet.js" in html

    def test_without_javascript_an_svg_map_shows_every_village(self, may, commander):
        html = client_for(commander).get(URL, {"date_from": "2024-05-01", "date_to": "2024-05-31"}).content.decode()
        svg = html.split('<svg class="krk-svgmap', 1)[1].split("</svg>", 1)[0]
        assert svg.count("<circle") == 11
        assert 'class="krk-state-overdue"' in svg
        # SVG numbers never take the Indonesian decimal comma.
        assert re.search(r'cx="\d+(\.\d+)?"', svg)

    def test_sort_links_keep_the_period(self, may, commander):
        html = client_for(commander).get(URL, {"period": "last_month"}).content.decode()
        assert 'href="?period=last_month&amp;unit=krangkeng&amp;sort=village#cakupan"' in html

    def test_export_links_carry_the_period(self, may, commander):
        html = client_for(commander).get(URL, {"date_from": "2024-05-01", "date_to": "2024-05-31"}).content.decode()
        export = reverse("patrols:patrol_export")
        assert f'href="{export}?date_from=2024-05-01&amp;date_to=2024-05-31&amp;unit=krangkeng&amp;format=xlsx"' in html

    def test_bars_are_svg_widths_not_styles(self, may, commander):
        html = client_for(commander).get(URL, {"date_from": "2024-05-01", "date_to": "2024-05-31"}).content.decode()
        assert 'style="' not in html
        assert '<rect width="100.0" height="10"' in html or '<rect width="100" height="10"' in html

    def test_invalid_custom_period_shows_the_error_and_the_default(self, commander):
        response = client_for(commander).get(
            URL, {"period": "custom", "date_from": "2024-05-31", "date_to": "2024-05-01"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Hari pertama tidak boleh setelah hari terakhir." in html
        assert response.context["period"].preset == "30d"


class TestPeriodForm:
    TODAY = datetime.date(2024, 6, 10)

    @pytest.mark.parametrize(
        ("data", "first", "last"),
        [
            ({}, datetime.date(2024, 5, 12), datetime.date(2024, 6, 10)),
            ({"period": "7d"}, datetime.date(2024, 6, 4), datetime.date(2024, 6, 10)),
            ({"period": "30d"}, datetime.date(2024, 5, 12), datetime.date(2024, 6, 10)),
            ({"period": "month"}, datetime.date(2024, 6, 1), datetime.date(2024, 6, 10)),
            ({"period": "last_month"}, datetime.date(2024, 5, 1), datetime.date(2024, 5, 31)),
            (
                {"period": "custom", "date_from": "2024-02-03", "date_to": "2024-03-04"},
                datetime.date(2024, 2, 3),
                datetime.date(2024, 3, 4),
            ),
            (
                {"date_from": "2024-02-03", "date_to": "2024-02-03"},
                datetime.date(2024, 2, 3),
                datetime.date(2024, 2, 3),
            ),
        ],
    )
    def test_presets_and_custom_dates(self, data, first, last):
        period = PeriodForm(data or None, today=self.TODAY).chosen_period()
        assert (period.first_day, period.last_day) == (first, last)

    def test_last_month_in_january_is_december(self):
        period = PeriodForm({"period": "last_month"}, today=datetime.date(2025, 1, 15)).chosen_period()
        assert (period.first_day, period.last_day) == (datetime.date(2024, 12, 1), datetime.date(2024, 12, 31))

    @pytest.mark.parametrize(
        "data",
        [
            {"period": "custom", "date_from": "2024-05-01"},
            {"period": "custom", "date_from": "2024-05-10", "date_to": "2024-05-01"},
            {"period": "custom", "date_from": "2024-07-01", "date_to": "2024-07-02"},
            {"date_from": "2022-01-01", "date_to": "2024-01-01"},
            {"period": "forever"},
            {"date_from": "kemarin", "date_to": "2024-01-01"},
        ],
    )
    def test_invalid_input_falls_back_to_the_default(self, data):
        form = PeriodForm(data, today=self.TODAY)
        assert not form.is_valid()
        assert form.chosen_period().preset == "30d"

    def test_at_most_a_year_and_a_day(self):
        first = datetime.date(2023, 6, 1)
        ok = {"date_from": first.isoformat(), "date_to": (first + datetime.timedelta(days=MAX_DAYS - 1)).isoformat()}
        assert PeriodForm(ok, today=self.TODAY).is_valid()

    def test_bounds_are_wib_midnights(self):
        assert MAY.start == wib(2024, 5, 1)
        assert MAY.end == wib(2024, 6, 1)
        assert MAY.start.utcoffset() == datetime.timedelta(hours=7)


class TestQueryCount:
    def test_the_figures_cost_a_fixed_number_of_queries(self, bhabin, other_bhabin, django_assert_num_queries):
        dashboard_world.build(bhabin, other_bhabin)
        sel = dashboard_world.krangkeng()
        with django_assert_num_queries(DASHBOARD_QUERIES):
            may_dashboard(sel)
        dashboard_world.more_rows(bhabin, other_bhabin, count=60)
        with django_assert_num_queries(DASHBOARD_QUERIES):
            may_dashboard(sel)

    def test_an_empty_database_costs_the_same(self, django_assert_num_queries):
        sel = dashboard_world.krangkeng()
        with django_assert_num_queries(DASHBOARD_QUERIES):
            may_dashboard(sel)

    def test_the_page_costs_the_same_with_one_row_and_with_many(self, commander, bhabin, other_bhabin):
        client = client_for(commander)
        client.get(reverse("home"))  # the first request sets up the session
        params = {"date_from": "2024-05-01", "date_to": "2024-05-31"}
        dashboard_world.patrol("Krangkeng", wib(2024, 5, 3, 9), bhabin)
        dashboard_world.aspiration(wib(2024, 5, 3, 9))
        with CaptureQueriesContext(connection) as one:
            assert client.get(URL, params).status_code == 200
        dashboard_world.build(bhabin, other_bhabin)
        dashboard_world.more_rows(bhabin, other_bhabin, count=60)
        with CaptureQueriesContext(connection) as many:
            assert client.get(URL, params).status_code == 200
        assert len(many) == len(one)
        assert len(one) <= DASHBOARD_QUERIES + 6  # sign-in checks and session upkeep on top
