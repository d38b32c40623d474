"""Ekspor: the patrol list as Excel and CSV, with the list's scope and filters."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import exports as writer
from patrols import exports
from patrols.models import ImbauanTopic, Patrol, Situation
from tests.conftest import client_for
from tests.factories import OfficerFactory, PatrolFactory, village
from tests.portal.dashboard_world import wib

pytestmark = pytest.mark.django_db

URL = reverse("patrols:patrol_export")
HEADERS = [
    "No. patroli",
    "Mulai (WIB)",
    "Selesai (WIB)",
    "Jenis",
    "Moda",
    "Desa",
    "Satuan",
    "Tempat",
    "Ketua Tim",
    "NRP Ketua Tim",
    "Personel lain",
    "Tiga pilar dan pihak lain",
    "Warga yang ditemui",
    "Imbauan kamtibmas",
    "Situasi",
    "Kegiatan",
    "Temuan",
    "Tindakan",
    "Lintang",
    "Bujur",
    "Dicatat oleh",
    "Dicatat pada (WIB)",
]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the mark to read UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def read_xlsx(response):
    assert response["Content-Type"] == writer.CONTENT_TYPES["xlsx"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook["Patroli"]


@pytest.fixture
def night_patrol(bhabin, other_bhabin):
    """Led by bhabin at 23:30 WIB on 31 May 2024 (16:30 UTC), other_bhabin along, two topics."""
    bhabin.nrp = "78050110"
    bhabin.save(update_fields=["nrp"])
    topics = list(ImbauanTopic.objects.order_by("position", "name")[:2])
    return PatrolFactory(
        leader=bhabin,
        started_at=wib(2024, 5, 31, 23, 30),
        ended_at=wib(2024, 6, 1, 1, 0),
        patrol_type="kryd",
        mode="r4",
        place="Jalan Raya Pantura",
        partners="Serda Hadi (Babinsa)",
        residents_met=12,
        situation=Situation.INCIDENT,
        summary="KRYD malam hari.",
        findings="Balap liar di jalur Pantura.",
        actions="Dibubarkan.",
        latitude=Decimal("-6.487600"),
        longitude=Decimal("108.503100"),
        members=[other_bhabin],
        topics=topics,
        created_at=wib(2024, 6, 1, 1, 15),
    )


class TestCsv:
    def test_indonesian_headers_and_wib_values(self, bhabin, other_bhabin, night_patrol):
        response = client_for(bhabin).get(URL, {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="patroli-')
        header, row = read_csv(response)
        assert header == HEADERS
        topics = ", ".join(sorted(night_patrol.topics.values_list("name", flat=True)))
        assert row == [
            str(night_patrol.pk),
            "2024-05-31 23:30",
            "2024-06-01 01:00",
            "KRYD (Kegiatan Rutin Yang Ditingkatkan)",
            "Mobil (R4)",
            "Krangkeng",
            "Polsek Krangkeng",
            "Jalan Raya Pantura",
            bhabin.display_name,
            "78050110",
            other_bhabin.display_name,
            "Serda Hadi (Babinsa)",
            "12",
            topics,
            "Ada kejadian",
            "KRYD malam hari.",
            "Balap liar di jalur Pantura.",
            "Dibubarkan.",
            "-6.487600",
            "108.503100",
            bhabin.display_name,
            "2024-06-01 01:15",
        ]

    def test_headers_stay_indonesian_when_the_screen_is_english(self, bhabin, night_patrol):
        client = client_for(bhabin)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        header, _ = read_csv(client.get(URL, {"format": "csv"}))
        assert header == HEADERS


class TestXlsx:
    def test_a_worksheet_with_real_dates(self, bhabin, night_patrol):
        response = client_for(bhabin).get(URL)  # Excel is the default
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = read_xlsx(response)
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == HEADERS
        assert sheet["A1"].font.b
        assert sheet.freeze_panes == "A2"
        assert rows[1][0] == night_patrol.pk
        assert rows[1][1] == datetime.datetime(2024, 5, 31, 23, 30)  # WIB, as Excel has no time zones
        assert sheet["B2"].number_format == writer.XLSX_DATETIME
        assert rows[1][12] == 12
        assert len(rows) == 2


FORMULAS = {
    "place": '=HYPERLINK("http://evil.example","klik")',
    "partners": "+6281234567890",
    "summary": "-1+1",
    "findings": "@SUM(A1:A2)",
    "actions": "\tcmd",
}


class TestFormulaNeutralisation:
    def test_csv_cells_start_with_an_apostrophe(self, bhabin):
        PatrolFactory(leader=bhabin, **FORMULAS)
        _, row = read_csv(client_for(bhabin).get(URL, {"format": "csv"}))
        assert row[7] == "'" + FORMULAS["place"]
        assert row[11] == "'+6281234567890"
        assert row[15] == "'-1+1"
        assert row[16] == "'@SUM(A1:A2)"
        assert row[17] == "'\tcmd"

    def test_xlsx_cells_are_text_never_formulas(self, bhabin):
        PatrolFactory(leader=bhabin, **FORMULAS)
        sheet = read_xlsx(client_for(bhabin).get(URL, {"format": "xlsx"}))
        assert sheet["H2"].value == "'" + FORMULAS["place"]
        assert sheet["H2"].data_type == "s"
        assert sheet["P2"].value == "'-1+1"


class TestScopeAndFilters:
    def test_an_officer_exports_only_what_the_list_shows_them(self, bhabin, other_bhabin):
        mine = PatrolFactory(leader=bhabin)
        PatrolFactory(leader=other_bhabin, village=village("Tanjakan"))
        rows = read_csv(client_for(bhabin).get(URL, {"format": "csv"}))[1:]
        assert [row[0] for row in rows] == [str(mine.pk)]

    def test_command_exports_everything_with_the_list_filters(self, bhabin, other_bhabin, commander):
        PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 31, 23, 30), ended_at=wib(2024, 6, 1, 0, 30))
        june = PatrolFactory(leader=bhabin, started_at=wib(2024, 6, 1, 0, 10), ended_at=wib(2024, 6, 1, 1, 0))
        tanjakan = PatrolFactory(
            leader=other_bhabin,
            village=village("Tanjakan"),
            started_at=wib(2024, 6, 2, 9),
            ended_at=wib(2024, 6, 2, 10),
        )
        client = client_for(commander)
        rows = read_csv(client.get(URL, {"format": "csv", "date_from": "2024-06-01", "date_to": "2024-06-30"}))[1:]
        assert [row[0] for row in rows] == [str(tanjakan.pk), str(june.pk)]  # newest first, as the list
        rows = read_csv(
            client.get(URL, {"format": "csv", "date_from": "2024-06-01", "village": village("Krangkeng").pk})
        )[1:]
        assert [row[0] for row in rows] == [str(june.pk)]

    def test_the_list_links_to_the_export_with_its_filters(self, bhabin):
        html = client_for(bhabin).get(reverse("patrols:patrol_list"), {"situation": "kejadian", "page": 2}).content
        assert f'href="{URL}?situation=kejadian&amp;format=xlsx"'.encode() in html
        assert f'href="{URL}?situation=kejadian&amp;format=csv"'.encode() in html

    def test_too_many_rows_are_refused_with_a_message(self, bhabin, monkeypatch):
        monkeypatch.setattr(writer, "MAX_ROWS", 2)
        for _ in range(3):
            PatrolFactory(leader=bhabin)
        response = client_for(bhabin).get(URL, {"format": "csv", "situation": "aman"}, follow=True)
        assert response.redirect_chain[0][0] == f"{reverse('patrols:patrol_list')}?situation=aman"
        assert "Lebih dari 2 patroli cocok" in response.content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.get(URL).status_code == 302


class TestQueries:
    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_constant_whatever_the_number_of_rows(self, commander, bhabin, file_format, django_assert_num_queries):
        topics = list(ImbauanTopic.objects.all()[:3])
        PatrolFactory(leader=bhabin)
        client = client_for(commander)
        client.get(reverse("home"))

        def export_queries() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as context:
                response = client.get(URL, {"format": file_format})
                b"".join(response.streaming_content)
            return len(context)

        one = export_queries()
        crew = [OfficerFactory(role="officer") for _ in range(4)]
        for n in range(30):
            PatrolFactory(leader=crew[n % 4], members=crew[:2], topics=topics)
        assert export_queries() == one
        # The rows: officers, villages, units, topics, then the patrols with their members and topics.
        with django_assert_num_queries(5):
            list(exports.patrol_rows(Patrol.objects.all()))
