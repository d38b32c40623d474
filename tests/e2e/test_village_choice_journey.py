"""A resident of a Polres of several kecamatan picks the village: kecamatan, then desa.

With JavaScript the desa list is filled from the kecamatan's small JSON list; without
it the "Tampilkan desanya" button sends the form back and the server lists them,
keeping what was typed. Either way the aspiration goes to that village's Polsek.
"""

import pytest
from playwright.sync_api import expect

from aspirations.models import Aspiration
from tests.e2e.conftest import PHONE
from tests.factories import neighbour_village

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def describe(page, title: str) -> None:
    page.get_by_label("Kategori").select_option(label="Geng motor dan tawuran")
    page.get_by_label("Judul").fill(title)
    page.get_by_label("Apa yang terjadi?").fill("Setiap malam Minggu ada balap liar di jalan desa.")


def test_with_javascript_the_desa_list_follows_the_kecamatan(page, settings):
    settings.KRK_MIN_FILL_SECONDS = 0
    neighbour_village()
    page.goto("/aspirasi/kirim/")
    expect(page.get_by_role("button", name="Tampilkan desanya")).to_be_hidden()
    describe(page, "Balap liar di Tanjungpura")
    village = page.get_by_label("Desa")
    expect(village.locator("option")).to_have_count(2)  # "choose the kecamatan first" and "outside"
    page.get_by_label("Kecamatan").select_option(label="Krangkeng")
    expect(village).to_contain_text("Purwajaya")
    page.get_by_label("Kecamatan").select_option(label="Karangampel")
    expect(village).to_contain_text("Tanjungpura")
    expect(village).not_to_contain_text("Purwajaya")
    village.select_option(label="Tanjungpura")
    page.get_by_role("button", name="Kirim Aspirasi").click()
    code = page.locator("#ticket-code").inner_text().strip()
    stored = Aspiration.objects.get(code=code)
    assert (stored.village.name, stored.unit.code) == ("Tanjungpura", "karangampel")


def test_without_javascript_a_second_step_lists_the_desa_and_keeps_the_text(browser, live_server, settings):
    settings.KRK_MIN_FILL_SECONDS = 0
    neighbour_village()
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/aspirasi/kirim/")
        describe(page, "Balap liar di Tanjungpura")
        page.get_by_label("Kecamatan").select_option(label="Karangampel")
        page.get_by_role("button", name="Tampilkan desanya").click()
        assert page.get_by_label("Judul").input_value() == "Balap liar di Tanjungpura"
        expect(page.locator("[data-krk-error-summary]")).to_have_count(0)
        page.get_by_label("Desa").select_option(label="Tanjungpura")
        page.get_by_role("button", name="Kirim Aspirasi").click()
        code = page.locator("#ticket-code").inner_text().strip()
        assert Aspiration.objects.get(code=code).unit.code == "karangampel"
    finally:
        context.close()


def test_the_polsek_page_leads_to_the_form_with_its_villages(page):
    neighbour_village()
    page.goto("/")
    page.get_by_role("link", name="Polsek Karangampel").click()
    expect(page.get_by_role("heading", name="Polsek Karangampel", level=1)).to_be_visible()
    page.get_by_role("link", name="Sampaikan Aspirasi").last.click()
    expect(page.get_by_label("Desa")).to_contain_text("Tanjungpura")
