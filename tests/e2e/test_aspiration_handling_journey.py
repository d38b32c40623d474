"""A ticket from the public form to "Selesai" on phones: operator verifies and assigns, the village
officer replies and resolves, the resident reads the reply on the status page."""

import pytest
from playwright.sync_api import expect

from aspirations.models import Aspiration, Status
from audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, open_menu, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPLY = "Bhabinkamtibmas sudah mendatangi lokasi bersama Babinsa."
CLOSING = "Balap liar dibubarkan; patroli malam Minggu dilanjutkan."


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(15_000)
    return context


def resident_sends(page) -> str:
    page.goto("/aspirasi/kirim/")
    page.get_by_label("Keluhan").check()
    page.get_by_label("Kategori").select_option(label="Geng motor dan tawuran")
    page.get_by_label("Judul").fill("Balap liar tiap malam Minggu")
    page.get_by_label("Apa yang terjadi?").fill("Setiap malam Minggu ada balap liar di jalan Pantura dekat SPBU.")
    page.get_by_label("Desa").select_option(label="Krangkeng")
    page.get_by_label("Saya ingin dihubungi").check()
    page.get_by_label("Nama Anda").fill("Siti Aminah")
    page.get_by_label("Nomor telepon atau WhatsApp Anda").fill("0812 3456 7890")
    page.get_by_label("Saya setuju", exact=False).check()
    page.get_by_role("button", name="Kirim Aspirasi").click()
    return page.locator("#ticket-code").inner_text().strip()


def test_a_ticket_travels_from_the_form_to_selesai(page, browser, live_server, settings, bhabin, operator):
    settings.KRK_MIN_FILL_SECONDS = 0  # a script types faster than any person
    code = resident_sends(page)

    # The operator finds it in the inbox, sees who sent it only after a click, verifies and assigns.
    office = phone(browser, live_server)
    desk = office.new_page()
    try:
        sign_in(desk, operator.username, PASSWORD)
        open_menu(desk).get_by_role("link", name="Aspirasi", exact=True).click()
        expect(desk.get_by_role("heading", name="Aspirasi")).to_be_visible()
        assert fits_the_phone(desk)
        desk.get_by_role("link", name="Balap liar tiap malam Minggu").click()
        expect(desk.get_by_text(code)).to_be_visible()
        expect(desk.get_by_text("Siti Aminah")).to_be_hidden()
        desk.get_by_role("button", name="Tampilkan identitas pelapor").click()
        expect(desk.get_by_text("Siti Aminah")).to_be_visible()
        assert desk.get_by_role("link", name="Chat lewat WhatsApp").get_attribute("href") == (
            "https://wa.me/6281234567890"
        )
        assert fits_the_phone(desk)
        desk.get_by_role("button", name="Verifikasi").click()
        expect(desk.get_by_text("Aspirasi diverifikasi.")).to_be_visible()  # after the POST's redirect has loaded
        assert desk.locator("#id_assign-officer option:checked").inner_text().strip() == bhabin.display_name
        desk.locator("#id_assign-note").fill("Mohon dicek malam ini.")
        desk.get_by_role("button", name="Disposisikan", exact=True).click()
        expect(
            desk.get_by_text(f"Aspirasi didisposisikan kepada {bhabin.display_name}.")
        ).to_be_visible()  # after the POST's redirect has loaded
        assert fits_the_phone(desk)
    finally:
        office.close()
    assert AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED, actor=operator).count() == 1

    # The village officer replies, then resolves; the reporter's identity stays hidden from them.
    field = phone(browser, live_server)
    officer = field.new_page()
    try:
        sign_in(officer, bhabin.username, PASSWORD)
        open_menu(officer).get_by_role("link", name="Aspirasi Saya").click()
        officer.get_by_role("link", name="Balap liar tiap malam Minggu").click()
        expect(officer.get_by_text("Mohon dicek malam ini.")).to_be_visible()
        assert "Siti Aminah" not in officer.content()
        assert officer.get_by_role("button", name="Tampilkan identitas pelapor").count() == 0
        officer.get_by_label("Tanggapan publik").fill(REPLY)
        officer.get_by_role("button", name="Kirim tanggapan").click()
        expect(
            officer.get_by_text("Tanggapan dipublikasikan di halaman status.")
        ).to_be_visible()  # after the POST's redirect has loaded
        officer.get_by_label("Tanggapan penutup").fill(CLOSING)
        officer.get_by_role("button", name="Tandai selesai").click()
        expect(officer.get_by_text("Aspirasi diselesaikan.")).to_be_visible()  # after the POST's redirect has loaded
        assert fits_the_phone(officer)
    finally:
        field.close()

    # The resident checks the status with the code.
    page.goto("/aspirasi/status/")
    page.get_by_label("Kode Tiket").fill(code)
    page.get_by_role("button", name="Cek Status").click()
    result = page.locator("#status-result")
    expect(result.get_by_text("Selesai", exact=True).first).to_be_visible()
    expect(result.get_by_text(REPLY)).to_be_visible()
    expect(result.get_by_text(CLOSING)).to_be_visible()
    html = page.content()
    assert "Mohon dicek malam ini." not in html and bhabin.display_name not in html and "Siti Aminah" not in html
    assert fits_the_phone(page)
    assert Aspiration.objects.get(code=code).status == Status.SELESAI
