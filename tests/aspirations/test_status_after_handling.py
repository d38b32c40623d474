"""After staff handle a ticket, Cek Status shows the public replies and statuses, nothing internal."""

import datetime

import pytest
from django.utils import timezone

from aspirations import services
from aspirations.models import RejectionReason, Status
from tests.aspirations.builders import in_status
from tests.aspirations.conftest import look_up_status

pytestmark = pytest.mark.django_db

INTERNAL = {
    "note": "CATATAN-INTERNAL pelapor kerabat terlapor",
    "instructions": "INSTRUKSI-DISPOSISI cek rumah nomor 17",
    "reopen": "ALASAN-BUKA-KEMBALI dari Kapolsek",
    "name": "Wiranata Kusumawardhani",
    "phone": "081299887766",
}


def status_page(client, code) -> str:
    return look_up_status(client, code).content.decode()


def test_the_whole_journey_shows_only_what_is_public(client, operator, bhabin, commander):
    aspiration = in_status(
        Status.BARU,
        reporter_name=INTERNAL["name"],
        reporter_phone=INTERNAL["phone"],
        consent_given_at=timezone.now(),
    )
    services.aspiration_note(aspiration=aspiration, actor=operator, body=INTERNAL["note"])
    services.aspiration_verify(aspiration=aspiration, actor=operator)
    services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin, note=INTERNAL["instructions"])
    services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Petugas sudah mendatangi lokasi.")
    html = status_page(client, aspiration.code)
    assert "Dalam Tindak Lanjut" in html
    assert "Petugas sudah mendatangi lokasi." in html
    assert "Diteruskan kepada petugas untuk ditindaklanjuti" not in html  # the assignment itself is internal

    services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body="Pelaku sudah dibina bersama orang tua.")
    services.aspiration_reopen(aspiration=aspiration, actor=commander, reason=INTERNAL["reopen"])
    services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body="Sudah tuntas.")
    html = status_page(client, aspiration.code)
    assert "Selesai" in html
    for public in ("Petugas sudah mendatangi lokasi.", "Pelaku sudah dibina bersama orang tua.", "Sudah tuntas."):
        assert public in html
    for what, secret in INTERNAL.items():
        assert secret not in html, f"{what} leaked"
    for officer in (operator, bhabin, commander):
        assert officer.display_name not in html and officer.username not in html


def test_a_rejection_shows_the_reason_and_where_to_go(client, operator):
    aspiration = in_status(Status.BARU)
    services.aspiration_reject(
        aspiration=aspiration, actor=operator, reason=RejectionReason.NOT_AUTHORITY, referred_to="dumas_presisi"
    )
    html = status_page(client, aspiration.code)
    assert "Ditolak" in html and "Dumas Presisi" in html
    assert html.count("dumaspresisi.polri.go.id") == 1  # said once, not repeated by the timeline


def test_a_duplicate_never_reveals_the_original_ticket(client, operator):
    """The original's code is another resident's key to their report: never on the duplicate's page."""
    original = in_status(Status.TERVERIFIKASI)
    copy = in_status(Status.BARU)
    services.aspiration_reject(aspiration=copy, actor=operator, reason=RejectionReason.DUPLICATE, duplicate_of=original)
    html = status_page(client, copy.code)
    assert original.code not in html
    assert "Ditolak" in html


def test_an_answered_ticket_is_not_shown_overdue(client, operator):
    """The follow-up clock stops at the first reply, on the status page as on the staff pages."""
    aspiration = in_status(Status.TERVERIFIKASI)
    services.aspiration_reply(aspiration=aspiration, actor=operator, body="Sudah kami cek ke lokasi.")
    aspiration.refresh_from_db()
    type(aspiration).objects.filter(pk=aspiration.pk).update(followup_due=timezone.now() - datetime.timedelta(days=3))
    html = status_page(client, aspiration.code)
    assert "Sudah kami cek ke lokasi." in html
    assert "Terlambat" not in html


def test_an_unanswered_ticket_past_its_follow_up_is_overdue(client):
    aspiration = in_status(Status.TERVERIFIKASI)
    type(aspiration).objects.filter(pk=aspiration.pk).update(followup_due=timezone.now() - datetime.timedelta(days=3))
    assert "Terlambat" in status_page(client, aspiration.code)
