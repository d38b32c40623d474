"""Rekap Bulanan: one month of figures on a printable A4 page with letterhead and signature."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from krangkeng_portal.dashboard import pages
from krangkeng_portal.dashboard.periods import MonthForm, month_period
from krangkeng_portal.dashboard.views import signer_title
from patrols.models import Position, Rank
from tests.conftest import client_for
from tests.factories import OfficerFactory, neighbour_village
from tests.portal import dashboard_world
from tests.portal.dashboard_world import MAY, NOW

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:recap")
# Patrols by week and type; villages and their officers; patrols and aspirations by
# village; the aspiration summary; by category; findings; overdue aspirations; Kapolsek.
RECAP_QUERIES = 10


@pytest.fixture
def may(bhabin, other_bhabin):
    return dashboard_world.build(bhabin, other_bhabin)


def page(user, month: str = "2024-05") -> str:
    response = client_for(user).get(URL, {"bulan": month})
    assert response.status_code == 200
    return response.content.decode()


class TestFigures:
    def test_totals_match_the_hand_count(self, may):
        totals = pages.recap(MAY, now=NOW).totals
        assert {key: totals[key] for key in ("patrols", "residents", "incidents", "visited", "villages")} == {
            "patrols": 5,
            "residents": 20,
            "incidents": 1,
            "visited": 4,
            "villages": 11,
        }
        assert totals["overdue_villages"] == 8
        assert (totals["received"], totals["resolved"], totals["rejected"], totals["open"]) == (4, 1, 1, 2)
        assert (totals["verified_on_time"], totals["replied_on_time"]) == ("33%", "50%")

    def test_per_village(self, may):
        rows = {row.village.name: row for row in pages.recap(MAY, now=NOW).villages}
        krangkeng = rows["Krangkeng"]
        assert (krangkeng.patrols, krangkeng.residents, krangkeng.received, krangkeng.resolved, krangkeng.open) == (
            1,
            10,
            2,
            1,
            1,
        )
        assert (rows["Tanjakan"].incidents, rows["Tanjakan"].received, rows["Tanjakan"].open) == (1, 1, 1)

    def test_per_category_and_type(self, may):
        data = pages.recap(MAY, now=NOW)
        categories = {
            row["label"]: (row["n"], row["open"], row["resolved"], row["rejected"]) for row in data.categories
        }
        assert categories == {"Keamanan lingkungan dan pencurian": (3, 1, 1, 1), "Narkoba": (1, 1, 0, 0)}
        assert dict(data.patrol_types) == {
            "Patroli Sambang": 3,
            "Patroli Dialogis": 1,
            "KRYD (Kegiatan Rutin Yang Ditingkatkan)": 1,
        }

    def test_notable_findings_are_the_patrols_with_an_incident(self, may):
        data = pages.recap(MAY, now=NOW)
        assert data.findings == [may["P3"]]
        assert not data.more_findings

    def test_overdue_aspirations_as_of_the_end_of_the_month(self, may):
        data = pages.recap(MAY, now=NOW)
        # A1 (verification due 7 May) and A3 (follow-up due 28 May, no response); A6 (April,
        # due in May) too: it was received before the month ended. A5 came in June.
        assert [a.pk for a in data.overdue] == [may["A6"].pk, may["A1"].pk, may["A3"].pk]

    def test_an_empty_month(self, may):
        april_2023 = month_period(datetime.date(2023, 4, 1))
        data = pages.recap(april_2023, now=NOW)
        assert data.totals["patrols"] == 0
        assert data.totals["received"] == 0
        assert data.findings == []
        assert data.totals["median_to_verification"] == "–"

    def test_constant_queries(self, bhabin, other_bhabin, django_assert_num_queries):
        with django_assert_num_queries(RECAP_QUERIES):
            pages.recap(MAY, now=NOW)
        dashboard_world.build(bhabin, other_bhabin)
        dashboard_world.more_rows(bhabin, other_bhabin, count=60)
        with django_assert_num_queries(RECAP_QUERIES):
            pages.recap(MAY, now=NOW)


class TestPage:
    def test_letterhead_comes_from_the_settings(self, may, commander, settings):
        settings.KRK_UNIT_NAME = "Polsek Lohbener"
        settings.KRK_PARENT_UNIT_NAME = "Polres Indramayu Kota"
        html = page(commander)
        letterhead = html.split('<header class="krk-letterhead">', 1)[1].split("</header>", 1)[0]
        assert "KEPOLISIAN NEGARA REPUBLIK INDONESIA" in letterhead
        assert "Polres Indramayu Kota" in letterhead
        assert "Polsek Lohbener" in letterhead
        assert "Kapolsek Lohbener" in html
        assert "Lohbener, " in html

    def test_shows_the_month_its_tables_and_findings(self, may, commander):
        html = page(commander)
        assert "Bulan: Mei 2024" in html
        assert "Dua kelompok remaja hampir tawuran di lapangan." in html
        assert may["A3"].code in html
        assert may["A5"].code not in html  # June
        assert "I. Ringkasan" in html and "VI. Aspirasi terlambat" in html

    def test_the_signature_is_the_current_kapolsek(self, may, commander, operator):
        commander.first_name, commander.last_name, commander.rank, commander.nrp = (
            "Hendra",
            "Gunawan",
            Rank.AKP,
            "75010101",
        )
        commander.save()
        html = page(operator)
        signature = html.split('<div class="krk-signature">', 1)[1].split("Dicetak dari portal", 1)[0]
        assert "Hendra Gunawan" in signature
        assert "AKP" in signature and "75010101" in signature
        # A new Kapolsek takes office: the recap follows the data, nothing is hard-coded.
        commander.position = Position.ANGGOTA
        commander.save()
        OfficerFactory(username="kapolsek.baru", first_name="Dewi", last_name="Lestari", position=Position.KAPOLSEK)
        html = page(operator)
        assert "Dewi Lestari" in html
        assert "Hendra Gunawan" not in html

    def test_with_several_polsek_the_kapolsek_of_the_letterheads_unit_signs(self, may, operator):
        OfficerFactory(username="kapolsek.krangkeng", first_name="Hendra", position=Position.KAPOLSEK)
        neighbour = neighbour_village().unit
        OfficerFactory(username="kapolsek.tetangga", first_name="Yudi", position=Position.KAPOLSEK, unit=neighbour)
        signature = page(operator).split('<div class="krk-signature">', 1)[1]
        assert "Hendra" in signature and "Yudi" not in signature

    def test_without_a_kapolsek_the_name_is_left_blank_with_a_hint(self, may, operator):
        html = page(operator)
        assert "Belum ada personel aktif berjabatan Kapolsek" in html

    def test_printable_on_a4(self, commander):
        html = page(commander)
        assert "dashboard/recap.css" in html
        assert "dashboard/recap.js" in html
        css = (Path(settings.BASE_DIR) / "static" / "dashboard" / "recap.css").read_text()
        assert "@page { size: A4" in css
        assert "@media print" in css

    def test_the_month_defaults_to_last_month(self, commander):
        response = client_for(commander).get(URL)
        period = response.context["period"]
        assert period.first_day.day == 1
        assert period.last_day == timezone.localdate().replace(day=1) - datetime.timedelta(days=1)

    @pytest.mark.parametrize("bad", ["2024-13", "Mei 2024", "1999-12", "9999-01"])
    def test_a_bad_month_shows_an_error_and_last_month(self, commander, bad):
        response = client_for(commander).get(URL, {"bulan": bad})
        assert response.status_code == 200
        assert 'class="invalid-feedback"' in response.content.decode()

    def test_constant_page_queries(self, commander, bhabin, other_bhabin):
        client = client_for(commander)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as empty:
            client.get(URL, {"bulan": "2024-05"})
        dashboard_world.build(bhabin, other_bhabin)
        dashboard_world.more_rows(bhabin, other_bhabin, count=60)
        with CaptureQueriesContext(connection) as full:
            client.get(URL, {"bulan": "2024-05"})
        assert len(full) == len(empty)

    def test_officer_is_refused(self, bhabin):
        assert client_for(bhabin).get(URL).status_code == 403


class TestMonthForm:
    TODAY = datetime.date(2024, 6, 10)

    def test_default_is_last_month(self):
        assert MonthForm(None, today=self.TODAY).chosen_month() == datetime.date(2024, 5, 1)
        assert MonthForm({"bulan": ""}, today=self.TODAY).chosen_month() == datetime.date(2024, 5, 1)

    def test_the_current_month_may_be_chosen(self):
        assert MonthForm({"bulan": "2024-06"}, today=self.TODAY).chosen_month() == datetime.date(2024, 6, 1)

    def test_a_future_month_is_refused(self):
        form = MonthForm({"bulan": "2024-07"}, today=self.TODAY)
        assert not form.is_valid()
        assert form.chosen_month() == datetime.date(2024, 5, 1)

    def test_whole_months_in_wib(self):
        february = month_period(datetime.date(2024, 2, 1))
        assert february.last_day == datetime.date(2024, 2, 29)
        assert february.end == dashboard_world.wib(2024, 3, 1)


def test_signer_title():
    assert signer_title("Polsek Krangkeng") == "Kapolsek Krangkeng"
    assert signer_title("Sektor Krangkeng") == "Kapolsek Sektor Krangkeng"
