"""Dasbor per unit: the selector limited to the user's subtree, the Polres's table comparing its
Polsek (each linking to its own dashboard), the figures of the chosen unit only, and a query
count that does not grow with the number of Polsek."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from krangkeng_portal.dashboard import coverage, figures, pages
from krangkeng_portal.dashboard.periods import preset_period
from patrols.models import Officer, RiskLevel, Village
from tests.conftest import client_for
from tests.factories import PatrolFactory, unit
from tests.portal import polres_world
from tests.portal.dashboard_world import set_risk, unit_selection
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:dashboard")
# The whole page as the Kapolres: the figures (9 at the Polres, 12 at a Polsek) and the
# request's own 3 (user, the units they may choose, the scope), apart from reading the
# session (the database, or Redis when the suite runs with KRK_TEST_CACHE: tests/queries.py).
POLRES_PAGE_QUERIES = 9 + 3
POLSEK_PAGE_QUERIES = 12 + 3


def units_table(html: str) -> str:
    return html.split('id="h-units"', 1)[1].split("</table>", 1)[0]


def headline(html: str, label: str) -> str:
    """The value of the headline figure `label` (e.g. "Patroli")."""
    match = re.search(rf'<span class="krk-value[^"]*">([^<]+)</span>\s*<span class="krk-label">{label}</span>', html)
    assert match, label
    return match[1].strip()


class TestPolresCommand:
    def test_sees_its_polsek_side_by_side_each_linking_to_its_dashboard(self):
        _, first, _ = polres_world.polres(3)
        polres_world.fill(first, patrols=2, aspirations=2)
        html = client_for(polres_world.kapolres()).get(URL).content.decode()
        table = units_table(html)
        rows = re.findall(r'<tr>\s*<th scope="row"><a href="([^"]+)">([^<]+)</a></th>(.*?)</tr>', table, re.S)
        assert [name for _, name, _ in rows] == ["Polsek Krangkeng", "Polsek Sektor 1", "Polsek Sektor 2"]
        links = {name: url for url, name, _ in rows}
        assert links["Polsek Sektor 1"] == f"{URL}?period=30d&amp;unit=sektor1"
        cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", rest) for _, name, rest in rows}
        # patrols, villages on target, received, open, overdue, median, average
        assert cells["Polsek Sektor 1"][:5] == ["3", "1 dari 2", "3", "3", "0"]
        assert cells["Polsek Sektor 2"][:5] == ["1", "1 dari 2", "1", "1", "0"]
        assert cells["Polsek Sektor 2"][5:] == ["2 jam 0 menit", "2 jam 0 menit"]
        assert cells["Polsek Krangkeng"][1] == "1 dari 11"
        assert headline(html, "Patroli") == "5"  # the whole Polres

    def test_opens_each_polsek_dashboard(self):
        _, first, _ = polres_world.polres(3)
        polres_world.fill(first, patrols=2, aspirations=0)
        client = client_for(polres_world.kapolres())
        html = client.get(URL, {"unit": "sektor1"}).content.decode()
        assert '<span id="unit-label">Polsek Sektor 1</span>' in html
        assert headline(html, "Patroli") == "3"
        assert 'id="h-units"' not in html  # a Polsek has no units below it
        assert "Desa 1-1" in html and "Krangkeng</th>" not in html  # only its own villages
        # The figures link to lists of that Polsek only.
        assert f"{reverse('patrols:patrol_list')}?date_from=" in html and "unit=sektor1" in html

    def test_the_selector_offers_the_polres_and_its_polsek_and_works_without_javascript(self):
        polres_world.polres(3)
        html = client_for(polres_world.kapolres()).get(URL).content.decode()
        selector = html.split('class="d-flex flex-wrap align-items-end gap-2 mb-3 no-print krk-unit-selector"', 1)[1]
        selector = selector.split("</form>", 1)[0]
        assert re.findall(r'<option value="([^"]+)"', selector) == ["indramayu", "krangkeng", "sektor1", "sektor2"]
        assert '<option value="indramayu" selected>' in selector
        assert '<button type="submit"' in selector  # a plain GET form; JavaScript only submits it sooner
        assert '<input type="hidden" name="period" value="30d">' in selector

    def test_the_recap_link_and_the_period_form_keep_the_unit(self):
        polres_world.polres(2)
        html = client_for(polres_world.kapolres()).get(URL, {"unit": "sektor1", "period": "7d"}).content.decode()
        assert '<input type="hidden" name="unit" value="sektor1">' in html
        assert 'href="?period=month&amp;unit=sektor1"' in html


def overdue_rows(html: str) -> list[tuple[str, str, str]]:
    """(village, its Polsek's link, the Polsek's name) of each row of the overdue villages."""
    section = html.split('id="h-overdue"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)</th>\s*<td><a href="([^"]+)">([^<]+)</a></td>', section)


class TestPolresOverview:
    """Above a Polsek the page lists the worst overdue villages, capped, and no officer."""

    @pytest.fixture
    def world(self):
        """Polres Indramayu with Krangkeng (11 villages), Sektor 1 and 2 (2 each) and Sektor 3
        (10): 25 villages, one visited yesterday in each Polsek; Desa 3-10 visited 40 days ago
        (26 days past its target of 14); the other 20 never visited: 21 overdue."""
        polres_world.polres(3)
        sektor3 = polres_world.polsek(3, villages=10)
        polres_world.fill(sektor3, patrols=1, aspirations=0)
        set_risk("Desa 1-2", RiskLevel.SANGAT_RAWAN)
        long_ago = timezone.now() - datetime.timedelta(days=40)
        PatrolFactory(village=Village.objects.get(name="Desa 3-10"), started_at=long_ago)
        return sektor3

    def test_lists_the_worst_overdue_villages_capped_with_the_rest_counted(self, world):
        html = client_for(polres_world.kapolres()).get(URL).content.decode()
        assert '<h2 class="h5" id="h-overdue">21 desa terlambat</h2>' in html
        rows = overdue_rows(html)
        assert len(rows) == pages.OVERDUE_LIMIT == 20
        # Never visited first, the riskiest (sangat rawan) at the top; the village visited
        # 40 days ago comes after the 20 never visited: past the cap, counted below.
        assert rows[0][0] == "Desa 1-2"
        assert "Desa 3-10" not in [village for village, _, _ in rows]
        assert "dan 1 desa terlambat lainnya" in html
        # Visited villages are not listed, nor is the whole coverage table or the map.
        assert "Desa 1-1</th>" not in html
        assert 'id="h-coverage"' not in html and "krk-map-points" not in html and "leaflet" not in html

    def test_each_overdue_village_links_to_its_polsek_dashboard(self, world):
        html = client_for(polres_world.kapolres()).get(URL).content.decode()
        polsek_of = {village: (url, name) for village, url, name in overdue_rows(html)}
        assert polsek_of["Desa 1-2"] == (f"{URL}?period=30d&amp;unit=sektor1", "Polsek Sektor 1")
        assert polsek_of["Desa 3-2"] == (f"{URL}?period=30d&amp;unit=sektor3", "Polsek Sektor 3")
        assert {name for _, name in polsek_of.values()} == {
            "Polsek Krangkeng",
            "Polsek Sektor 1",
            "Polsek Sektor 2",
            "Polsek Sektor 3",
        }

    def test_officers_show_on_their_polsek_dashboard_only(self, world):
        officer = Officer.objects.filter(unit=world).get()
        client = client_for(polres_world.kapolres())
        polres = client.get(URL).content.decode()
        assert officer.display_name not in polres
        assert 'id="h-officers"' not in polres
        polsek = client.get(URL, {"unit": "sektor3"}).content.decode()
        assert 'id="h-officers"' in polsek
        assert f'<th scope="row">{officer.display_name}</th>' in polsek
        # The Polsek's own dashboard lists every one of its villages, the visited ones too.
        assert "Desa 3-1</th>" in polsek and "Desa 3-10</th>" in polsek

    def test_worst_first_is_never_visited_then_most_days_past_the_target(self):
        def row(name: str, days: int | None, target: int, risk: str = RiskLevel.AMAN) -> coverage.VillageRow:
            village = Village(name=name, risk_level=risk, visit_target_days=target)
            return coverage.VillageRow(village, [], None, days, figures.visit_state(days, target))

        rows = [
            row("Aman 20 of 14", 20, 14),  # 6 days late
            row("Sangat rawan 10 of 3", 10, 3, RiskLevel.SANGAT_RAWAN),  # 7 days late
            row("Never, aman", None, 14),
            row("Never, rawan", None, 7, RiskLevel.RAWAN),
            row("Within target", 3, 14),
            row("Due today", 7, 7),
            row("Rawan 13 of 7", 13, 7, RiskLevel.RAWAN),  # 6 days late, riskier than the aman one
        ]
        assert [each.village.name for each in coverage.worst_first(rows)] == [
            "Never, rawan",
            "Never, aman",
            "Sangat rawan 10 of 3",
            "Rawan 13 of 7",
            "Aman 20 of 14",
        ]

    def test_without_any_overdue_village_says_so(self):
        polres_world.polres(2)
        Village.objects.update(visit_target_days=365)
        for each in Village.objects.filter(patrols__isnull=True):
            PatrolFactory(village=each, started_at=timezone.now() - datetime.timedelta(days=300))
        html = client_for(polres_world.kapolres()).get(URL).content.decode()
        assert '<h2 class="h5" id="h-overdue">0 desa terlambat</h2>' in html
        assert "Tidak ada desa yang terlambat." in html
        assert overdue_rows(html) == []


class TestPolsekCommand:
    def test_sees_only_its_own_unit_without_a_selector(self, commander):
        polres_world.polres(2)
        html = client_for(commander).get(URL).content.decode()
        assert '<span id="unit-label">Polsek Krangkeng</span>' in html
        assert "krk-unit-selector" not in html
        assert 'id="h-units"' not in html
        assert headline(html, "Patroli") == "1"

    @pytest.mark.parametrize("code", ["sektor1", "indramayu", "jabar", "tidak-ada"])
    def test_cannot_choose_a_neighbour_or_a_unit_above(self, commander, code):
        polres_world.polres(2)
        response = client_for(commander).get(URL, {"unit": code})
        assert response.status_code == 404
        assert b"Sektor" not in response.content

    def test_the_recap_refuses_them_too(self, commander):
        polres_world.polres(2)
        assert client_for(commander).get(reverse("dashboard:recap"), {"unit": "sektor1"}).status_code == 404


class TestWithoutAUnit:
    def test_a_superuser_starts_at_the_top_and_sees_the_polres_roll_up(self, superuser):
        superuser.unit = None
        superuser.save()
        polres_world.polres(3)
        html = client_for(superuser).get(URL).content.decode()
        assert '<span id="unit-label">Polda Jawa Barat</span>' in html
        table = units_table(html)
        assert ">Polres Indramayu</a>" in table
        assert '<td class="text-end">3</td>' in table  # three patrols, one per Polsek, summed per Polres


class TestQueries:
    def _page_queries(self, client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    def test_a_polres_costs_the_same_with_3_and_with_8_polsek(self):
        polres_world.polres(3)
        client = client_for(polres_world.kapolres())
        client.get(reverse("home"))  # the session's first write
        three = self._page_queries(client)
        for number in range(3, 8):
            polres_world.fill(polres_world.polsek(number), patrols=2, aspirations=2)
        assert self._page_queries(client) == three

    def test_the_figures_of_a_polres_cost_fewer_queries_than_a_polsek(self, django_assert_num_queries):
        # A Polsek: 12 (tests/portal/test_dashboard.py). A Polres: the comparison (2) on top,
        # but neither the villages' officers (1) nor the officers' activity (4).
        polres_world.polres(4)
        period = preset_period("30d")
        polres, krangkeng = unit_selection("indramayu"), unit_selection("krangkeng")
        assert len(polres.children) == 4 and not krangkeng.children
        with django_assert_num_queries(12):
            pages.dashboard(period, krangkeng)
        with django_assert_num_queries(9):
            data = pages.dashboard(period, polres)
        assert [row.patrols for row in data.units] == [1, 1, 1, 1]
        assert unit("indramayu") == data.unit

    @pytest.mark.parametrize(
        ("code", "queries"), [("indramayu", POLRES_PAGE_QUERIES), ("sektor1", POLSEK_PAGE_QUERIES)]
    )
    def test_the_page_costs_the_same_with_3_and_with_8_polsek(self, code, queries):
        polres_world.polres(3)
        client = client_for(polres_world.kapolres())
        client.get(reverse("home"))  # the session's first write
        with page_queries() as three:
            assert client.get(URL, {"unit": code}).status_code == 200
        for number in range(3, 8):
            polres_world.fill(polres_world.polsek(number, villages=5), patrols=2, aspirations=2)
        with page_queries() as eight:
            assert client.get(URL, {"unit": code}).status_code == 200
        assert len(three) == len(eight) == queries

    def test_a_polres_sums_the_unit_tally_and_reads_the_village_tally_only_per_village(self):
        """At national density the village tally holds a row per patrol (bench/FINDINGS.md, issue 14):
        the roll-ups (the weekly figures by type, the Polsek side by side) read the unit tally."""
        polres_world.polres(3)
        with CaptureQueriesContext(connection) as queries:
            data = pages.dashboard(preset_period("30d"), unit_selection("indramayu"))
        tables = [
            [table for table in ('"patrols_unitpatroltally"', '"patrols_patroltally"') if table in query["sql"]]
            for query in queries.captured_queries
        ]
        assert tables.count(['"patrols_unitpatroltally"']) == 2
        assert tables.count(['"patrols_patroltally"']) == 1  # the coverage per village
        assert [row.patrols for row in data.units] == [1, 1, 1]


class TestExports:
    """The dashboard's export links carry its unit; the files name each row's Polsek."""

    def _csv(self, client, name: str, **params) -> list[list[str]]:
        import csv
        import io

        response = client.get(reverse(name), {"format": "csv", **params})
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
        return list(csv.reader(io.StringIO(text)))

    def test_the_dashboard_of_a_polsek_exports_that_polsek(self):
        polres_world.polres(3)
        client = client_for(polres_world.kapolres())
        html = client.get(URL, {"unit": "sektor1"}).content.decode()
        assert f'href="{reverse("patrols:patrol_export")}?date_from=' in html
        assert "unit=sektor1&amp;format=xlsx" in html
        header, *rows = self._csv(client, "patrols:patrol_export", unit="sektor1")
        assert header[6] == "Satuan"
        assert [row[6] for row in rows] == ["Polsek Sektor 1"]
        header, *rows = self._csv(client, "aspirations:inbox_export", unit="sektor1")
        assert header[7] == "Satuan"
        assert [row[7] for row in rows] == ["Polsek Sektor 1"]

    def test_the_polres_exports_every_polsek_by_name(self):
        polres_world.polres(3)
        client = client_for(polres_world.kapolres())
        _, *rows = self._csv(client, "patrols:patrol_export", unit="indramayu")
        assert sorted(row[6] for row in rows) == ["Polsek Krangkeng", "Polsek Sektor 1", "Polsek Sektor 2"]
