"""Command opens the dashboard on a phone, changes the period and downloads an export."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, open_menu, sign_in
from tests.factories import PatrolFactory, village
from tests.portal import polres_world
from tests.portal.dashboard_world import aspiration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_command_changes_the_period_and_downloads_the_patrols(page, live_server, commander, bhabin, other_bhabin):
    live = live_server.url
    today = timezone.localdate()
    recent = timezone.now() - datetime.timedelta(hours=3)
    PatrolFactory(leader=bhabin, place="Pos Kamling Blok Pahing", started_at=recent)
    older = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=20), datetime.time(9)))
    PatrolFactory(leader=other_bhabin, village=village("Tanjakan"), place="Balai Desa Tanjakan", started_at=older)
    aspiration(recent)
    # No tile server (the default): the villages on a plain background, and nothing leaves the portal.
    elsewhere = []
    page.on("request", lambda request: elsewhere.append(request.url) if not request.url.startswith(live) else None)

    sign_in(page, commander.username, PASSWORD)
    page.wait_for_load_state()  # the menu collapses once the page's scripts have run
    open_menu(page).get_by_role("link", name="Dasbor").click()
    expect(page.get_by_role("heading", name="Dasbor", exact=True)).to_be_visible()
    assert page.locator("#period-label").inner_text().startswith((today - datetime.timedelta(days=29)).strftime("%-d "))
    patrols = page.locator(".krk-figure", has_text="Patroli").first
    assert patrols.locator(".krk-value").inner_text() == "2"
    # Leaflet draws the 11 villages as circles even without tiles; the SVG fallback steps aside.
    page.locator("#krk-coverage-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#krk-coverage-map path.leaflet-interactive").count() == 11
    assert page.locator(".krk-svgmap").is_hidden()
    assert page.locator("#krk-coverage-map .leaflet-control-attribution svg").count() == 0  # no flag
    assert elsewhere == []
    assert fits_the_phone(page)

    page.get_by_text("Pilih periode").click()
    page.locator("#id_period").select_option("7d")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"[?&]period=7d"))  # the next page has loaded
    expect(page.locator("#period-label")).to_have_text(
        re.compile("^" + (today - datetime.timedelta(days=6)).strftime("%-d "))
    )
    expect(page.locator(".krk-figure", has_text="Patroli").first.locator(".krk-value")).to_have_text("1")
    expect(page.get_by_role("link", name="7 hari terakhir")).to_have_attribute("aria-current", "page")
    assert fits_the_phone(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Patroli (Excel)").click()
    download = download_info.value
    status = page.locator("#h-export ~ [role=status]")
    assert status.inner_text().startswith("Menyiapkan berkas")  # the file may take a while
    assert download.suggested_filename.startswith("patroli-")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["Patroli"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("No. patroli", "Mulai (WIB)", "Selesai (WIB)")
    assert [row[7] for row in rows[1:]] == ["Pos Kamling Blok Pahing"]  # only the last 7 days
    assert [row[6] for row in rows[1:]] == ["Polsek Krangkeng"]  # the unit, after the village


def test_the_recap_prints_on_a_phone_too(page, commander, bhabin):
    PatrolFactory(leader=bhabin)
    sign_in(page, commander.username, PASSWORD)
    page.wait_for_load_state()
    open_menu(page).get_by_role("link", name="Rekap Bulanan").click()
    expect(page.get_by_role("heading", name="Rekap Bulanan")).to_be_visible()
    page.get_by_role("button", name="Cetak").wait_for()  # shown once JavaScript runs
    page.locator("#id_bulan").fill(timezone.localdate().strftime("%Y-%m"))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".krk-letterhead")).to_contain_text("KEPOLISIAN NEGARA REPUBLIK INDONESIA")
    expect(page.locator("table").nth(1).get_by_role("rowheader", name="Krangkeng")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_kapolres_compares_the_polsek_and_opens_one(browser, live_server, javascript):
    polres_world.polres(3)
    kapolres = polres_world.kapolres()
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="id-ID", java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, kapolres.username, PASSWORD)
        page.goto("/dasbor/")
        expect(page.locator("#unit-label")).to_have_text("Polres Indramayu")
        units = page.locator("#satuan table")
        expect(units.get_by_role("rowheader")).to_have_count(3)
        assert fits_the_phone(page)
        # The selector: JavaScript shows the unit as soon as it is picked, its button does without.
        page.wait_for_load_state()
        page.get_by_label("Satuan", exact=True).select_option("sektor2")
        if not javascript:
            page.get_by_role("button", name="Tampilkan satuan").click()
        expect(page.locator("#unit-label")).to_have_text("Polsek Sektor 2")
        expect(page).to_have_url(re.compile(r"unit=sektor2"))
        expect(page.locator("#satuan")).to_have_count(0)
        # Back at the Polres, a Polsek's name in the table opens its own dashboard. The selector's
        # script is deferred: a change before it has run submits nothing (a person is never that quick).
        page.wait_for_load_state()
        page.get_by_label("Satuan", exact=True).select_option("indramayu")
        if not javascript:
            page.get_by_role("button", name="Tampilkan satuan").click()
        expect(page.locator("#unit-label")).to_have_text("Polres Indramayu")
        page.locator("#satuan").get_by_role("link", name="Polsek Sektor 1").click()
        expect(page.locator("#unit-label")).to_have_text("Polsek Sektor 1")
        # The Polres lists its overdue villages, not its officers; a village's Polsek opens
        # that Polsek's dashboard, which lists its officers.
        page.goto("/dasbor/")
        expect(page.locator("#unit-label")).to_have_text("Polres Indramayu")
        overdue = page.locator("#cakupan")
        expect(overdue.get_by_role("heading")).to_have_text("12 desa terlambat")
        expect(page.locator("#h-officers")).to_have_count(0)
        assert fits_the_phone(page)
        overdue.get_by_role("row", name="Desa 2-2").get_by_role("link", name="Polsek Sektor 2").click()
        expect(page.locator("#unit-label")).to_have_text("Polsek Sektor 2")
        expect(page.get_by_role("heading", name="Aktivitas personel")).to_be_visible()
    finally:
        context.close()
