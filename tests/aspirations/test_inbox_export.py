"""Ekspor from the inbox: the inbox's filters, Indonesian headers, WIB, and the reporter's identity rules."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aspirations.models import Status
from audit.models import AuditAction, AuditEntry
from core import exports as writer
from tests.conftest import client_for
from tests.factories import OfficerFactory
from tests.portal.dashboard_world import aspiration, wib

pytestmark = pytest.mark.django_db

URL = reverse("aspirations:inbox_export")
INBOX = reverse("aspirations:inbox")
HEADERS = [
    "Kode Tiket",
    "Diterima (WIB)",
    "Jenis",
    "Kategori",
    "Judul",
    "Uraian",
    "Desa",
    "Satuan",
    "Lokasi Kejadian",
    "Waktu kejadian (WIB)",
    "Saluran",
    "Prioritas",
    "Status",
    "Petugas yang ditunjuk",
    "Batas verifikasi (WIB)",
    "Diverifikasi (WIB)",
    "Batas tindak lanjut (WIB)",
    "Tanggapan pertama (WIB)",
    "Selesai (WIB)",
    "Alasan penolakan",
    "Diduga spam",
]
IDENTITY_HEADERS = ["Nama pelapor", "Telepon pelapor", "Email pelapor", "Persetujuan diberikan (WIB)"]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Aspirasi"]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def identified(bhabin):
    """Verified 24 h after it came in on 3 May 2024 at 09:00 WIB, resolved, with the reporter's identity."""
    return aspiration(
        wib(2024, 5, 3, 9, 0),
        status=Status.SELESAI,
        verified=datetime.timedelta(hours=24),
        responded=datetime.timedelta(hours=48),
        assigned_to=bhabin,
        title='=HYPERLINK("http://evil.example")',
        reporter_name="Siti Aminah",
        reporter_phone="081234567890",
        reporter_email="siti@example.org",
        consent_given_at=wib(2024, 5, 3, 9, 0),
    )


class TestWithoutIdentity:
    def test_headers_and_values(self, operator, bhabin, identified):
        header, row = read_csv(client_for(operator).get(URL, {"format": "csv"}))
        assert header == HEADERS
        assert row[0] == identified.code
        assert row[1] == "2024-05-03 09:00"
        assert row[3] == "Keamanan lingkungan dan pencurian"
        assert row[4] == '\'=HYPERLINK("http://evil.example")'  # neutralised
        assert row[6] == "Krangkeng"
        assert row[7] == "Polsek Krangkeng"
        assert row[12] == "Selesai"
        assert row[13] == bhabin.display_name
        assert row[15] == "2024-05-04 09:00"
        assert row[17] == "2024-05-05 09:00"
        assert row[20] == "Tidak"

    def test_no_identity_even_for_those_who_may_see_it_and_no_audit_entry(self, commander, identified):
        client = client_for(commander)
        for file_format in ("csv", "xlsx"):
            response = client.get(URL, {"format": file_format})
            content = b"".join(response.streaming_content)
            assert b"Siti Aminah" not in content
            assert b"081234567890" not in content
        assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()

    def test_xlsx_has_real_dates(self, operator, identified):
        rows = read_xlsx(client_for(operator).get(URL))
        assert list(rows[0]) == HEADERS
        assert rows[1][1] == datetime.datetime(2024, 5, 3, 9, 0)

    def test_the_inbox_filters_apply(self, operator, identified):
        open_one = aspiration(timezone.now() - datetime.timedelta(hours=1))
        client = client_for(operator)
        rows = read_csv(client.get(URL, {"format": "csv", "status": "baru"}))[1:]
        assert [row[0] for row in rows] == [open_one.code]
        rows = read_csv(client.get(URL, {"format": "csv", "date_from": "2024-05-01", "date_to": "2024-05-31"}))[1:]
        assert [row[0] for row in rows] == [identified.code]

    def test_the_inbox_offers_it_with_its_filters(self, operator):
        html = client_for(operator).get(INBOX, {"status": "baru"}).content.decode()
        assert f'href="{URL}?status=baru&amp;format=xlsx"' in html
        assert f'action="{URL}?status=baru"' in html

    def test_the_exports_sit_behind_a_menu_not_above_the_list(self, commander):
        html = client_for(commander).get(INBOX).content.decode()
        menu = html.split('<details class="krk-menu">', 1)[1].split("</details>", 1)[0]
        assert f'href="{URL}?format=xlsx"' in menu
        assert f'action="{URL}"' in menu  # the export with the reporters' identity

    def test_officers_are_refused(self, bhabin):
        assert client_for(bhabin).get(URL).status_code == 403
        assert client_for(bhabin).post(URL, {"format": "csv"}).status_code == 403

    def test_too_many_rows_go_back_to_the_inbox(self, operator, identified, monkeypatch):
        monkeypatch.setattr(writer, "MAX_ROWS", 0)
        response = client_for(operator).get(URL, {"format": "csv", "status": "selesai"})
        assert response.status_code == 302
        assert response.url == f"{INBOX}?status=selesai"


class TestWithIdentity:
    def test_identity_columns_and_an_audit_entry(self, commander, identified):
        response = client_for(commander).post(f"{URL}?status=selesai", {"format": "csv"})
        header, row = read_csv(response)
        assert header == HEADERS + IDENTITY_HEADERS
        assert row[-4:] == ["Siti Aminah", "081234567890", "siti@example.org", "2024-05-03 09:00"]
        assert "no-store" in response["Cache-Control"]
        entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
        assert entry.actor == commander
        assert "1 baris" in entry.summary
        assert "status=selesai" in entry.summary

    def test_xlsx_too(self, operator, identified):
        rows = read_xlsx(client_for(operator).post(URL, {"format": "xlsx"}))
        assert rows[1][-4:-1] == ("Siti Aminah", "081234567890", "siti@example.org")
        assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED, actor=operator).count() == 1

    def test_refused_without_the_identity_permission(self, identified):
        readers = Group.objects.create(name="inbox readers")
        readers.permissions.add(
            Permission.objects.get(content_type__app_label="aspirations", codename="view_all_aspirations")
        )
        reader = OfficerFactory(username="reader.test")
        reader.groups.add(readers)
        client = client_for(reader)
        assert client.get(URL, {"format": "csv"}).status_code == 200
        assert client.post(URL, {"format": "csv"}).status_code == 403
        assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()
        assert "action=" not in client.get(INBOX).content.decode().split("Ekspor CSV", 1)[1].split("</div>", 1)[0]

    def test_needs_the_csrf_token(self, commander, identified):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(commander)
        assert client.post(URL, {"format": "csv"}).status_code == 403
        assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()


class TestQueries:
    def test_constant_whatever_the_number_of_rows(self, operator, bhabin):
        client = client_for(operator)
        client.get(INBOX)
        aspiration(timezone.now() - datetime.timedelta(hours=2))

        def export_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                b"".join(client.get(URL, {"format": "csv"}).streaming_content)
            return len(context)

        one = export_queries()
        for n in range(30):
            aspiration(
                timezone.now() - datetime.timedelta(hours=n + 3),
                status=Status.DITINDAKLANJUTI,
                verified=datetime.timedelta(hours=1),
                assigned_to=bhabin,
            )
        assert export_queries() == one
