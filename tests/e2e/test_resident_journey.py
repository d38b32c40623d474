"""A resident on a cheap phone: sends an aspiration without an account, gets a code, checks it."""

import re

import pytest
from playwright.sync_api import expect

from aspirations.models import Aspiration
from aspirations.status_links import link_path
from tests.e2e.conftest import PHONE, open_menu
from tests.factories import AspirationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def fill_the_form(page, *, title: str) -> None:
    page.get_by_label("Keluhan").check()
    page.get_by_label("Kategori").select_option(label="Geng motor dan tawuran")
    page.get_by_label("Judul").fill(title)
    page.get_by_label("Apa yang terjadi?").fill("Setiap malam Minggu ada balap liar di jalan Pantura dekat SPBU.")
    page.get_by_label("Desa").select_option(label="Krangkeng")
    page.get_by_label("Lokasi Kejadian").fill("Jalan Pantura dekat SPBU")


def test_resident_submits_anonymously_gets_a_code_and_checks_its_status(page, settings):
    settings.KRK_MIN_FILL_SECONDS = 0  # a script types faster than any person
    page.goto("/")
    page.get_by_role("link", name="Sampaikan Aspirasi").last.click()
    expect(page.get_by_text("Dumas Presisi")).to_be_visible()
    assert page.get_by_label("Rahasiakan identitas saya (anonim)").is_checked()
    assert fits_the_screen(page)

    fill_the_form(page, title="Balap liar tiap malam Minggu")
    page.get_by_role("button", name="Kirim Aspirasi").click()

    code = page.locator("#ticket-code").inner_text().strip()
    assert re.fullmatch(r"KRK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", code)
    expect(page.locator("#ticket-code")).to_be_visible()
    assert fits_the_screen(page)
    aspiration = Aspiration.objects.get(code=code)
    assert aspiration.is_anonymous and not aspiration.is_spam_suspected

    page.get_by_role("button", name="Cek status sekarang").click()
    expect(page.get_by_text("Menunggu Verifikasi")).to_be_visible()
    expect(page.get_by_text("Aspirasi diterima")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/aspirasi/status/$"))  # the code is in no URL

    # Later, from the menu, typing the code carelessly.
    page.goto("/")
    open_menu(page).get_by_role("link", name="Cek Status").first.click()
    page.get_by_label("Kode Tiket").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Cek Status").click()
    expect(page.get_by_text("Menunggu Verifikasi")).to_be_visible()
    expect(page.get_by_text("Geng motor dan tawuran")).to_be_visible()
    assert code not in page.url
    expect(page.get_by_role("heading", name="Balap liar tiap malam Minggu")).to_be_visible()  # their own title
    assert "dekat SPBU" not in page.content()  # the story they wrote stays private
    assert fits_the_screen(page)


def test_without_javascript_errors_show_by_their_fields_and_nothing_typed_is_lost(browser, live_server, settings):
    settings.KRK_MIN_FILL_SECONDS = 0
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/aspirasi/kirim/")
        fill_the_form(page, title="")
        page.get_by_label("Saya ingin dihubungi").check()
        page.get_by_label("Nama Anda").fill("Siti Aminah")
        page.get_by_role("button", name="Kirim Aspirasi").click()

        expect(page.locator("#error_1_id_title")).to_be_visible()
        expect(page.locator("#error_1_id_reporter_phone")).to_be_visible()
        expect(page.locator("#error_1_id_consent")).to_be_visible()
        assert page.get_by_label("Nama Anda").input_value() == "Siti Aminah"
        assert page.get_by_label("Lokasi Kejadian").input_value() == "Jalan Pantura dekat SPBU"
        assert Aspiration.objects.count() == 0

        page.get_by_label("Judul").fill("Balap liar tiap malam Minggu")
        page.get_by_label("Nomor telepon atau WhatsApp Anda").fill("0812 3456 7890")
        page.get_by_label(re.compile("Saya setuju Polres Indramayu")).check()
        page.get_by_role("button", name="Kirim Aspirasi").click()
        code = page.locator("#ticket-code").inner_text().strip()
        assert Aspiration.objects.get(code=code).reporter_phone == "081234567890"
        expect(page.get_by_role("button", name="Cetak")).not_to_be_visible()  # needs JavaScript; the menu prints

        # Cek Status is a plain form: the look-up works without JavaScript too.
        page.goto("/aspirasi/status/")
        page.get_by_label("Kode Tiket").fill(code)
        page.get_by_role("button", name="Cek Status").click()
        expect(page.get_by_text("Menunggu Verifikasi")).to_be_visible()
        assert code not in page.url
    finally:
        context.close()


def test_a_second_tap_while_sending_is_ignored(page):
    """On a slow connection a resident taps "Kirim" again while the photos upload: the
    form says it is on its way and the second submit is cancelled, so one report makes
    one ticket. (Synthetic submit events: they run the page's handlers without sending.)"""
    page.goto("/aspirasi/kirim/")
    fill_the_form(page, title="Balap liar tiap malam Minggu")  # an empty form is stopped before sending
    first, second, shown = page.evaluate(
        """() => {
            const form = document.getElementById("aspiration-form");
            const tap = () => {
                const event = new SubmitEvent("submit", {bubbles: true, cancelable: true});
                form.dispatchEvent(event);
                return event.defaultPrevented;
            };
            return [tap(), tap(), form.querySelector("[role=status]").textContent];
        }"""
    )
    assert (first, second) == (False, True)
    assert shown.startswith("Sedang mengirim")


def test_the_link_in_a_message_opens_the_status_once(page):
    """An email's link carries a one-time token: its button shows the status; a second time, type the code."""
    aspiration = AspirationFactory()
    link = link_path(aspiration)
    page.goto(link)
    assert aspiration.code not in page.content()
    page.get_by_role("button", name="Lihat Status").click()
    expect(page.locator("#status-result").get_by_text(aspiration.code)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/aspirasi/status/$"))
    page.goto(link)
    expect(page.get_by_text("Tautan ini sudah pernah dipakai")).to_be_visible()
    expect(page.get_by_label("Kode Tiket")).to_be_visible()


def test_the_error_summary_takes_the_focus_and_its_links_focus_their_fields(page):
    page.goto("/aspirasi/kirim/")
    expect(page.get_by_label("Nama Anda")).to_be_hidden()  # anonymous: no identity fields
    expect(page.get_by_label("Nomor HP atau WhatsApp Anda")).to_be_hidden()
    page.get_by_label("Saya ingin dihubungi").check()
    expect(page.get_by_label("Nama Anda")).to_be_visible()
    page.get_by_label("Rahasiakan identitas saya (anonim)").check()
    expect(page.get_by_label("Nama Anda")).to_be_hidden()

    page.get_by_role("button", name="Kirim Aspirasi").click()
    summary = page.locator("[data-krk-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Judul: Bidang ini tidak boleh kosong.").click()
    expect(page.get_by_label("Judul")).to_be_focused()
    summary.get_by_role("link", name="Desa: Bidang ini tidak boleh kosong.").click()
    expect(page.locator("#id_village")).to_be_focused()
