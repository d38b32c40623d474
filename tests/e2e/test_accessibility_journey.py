"""Every page a resident, an officer and command see, at 360 and 1280 px: axe-core finds no
WCAG 2.1 A/AA violation, no request leaves the portal's origin, and screenshots are saved
under tests/e2e/screenshots/ (ignored by git) for a reviewer to look at.

axe-core comes from the npm registry through scripts/vendor_axe.sh (into tests/e2e/vendor/,
ignored by git); it runs through the DevTools protocol, so the portal's CSP stays as it is.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from aspirations.models import Status
from tests.aspirations.builders import in_status
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu, sign_in
from tests.e2e.test_resident_journey import fill_the_form
from tests.factories import PatrolFactory, neighbour_village

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
WIDTHS = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
RUN_AXE = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(
    v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`
  );
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if shutil.which("npm") is None:
            if os.environ.get("KRK_REQUIRE_BROWSER"):
                pytest.fail("npm is needed to fetch axe-core (scripts/vendor_axe.sh)")
            pytest.skip("no npm to fetch axe-core: apt-get install npm, or run scripts/vendor_axe.sh")
        subprocess.run(["sh", str(HERE.parent.parent / "scripts" / "vendor_axe.sh")], check=True, timeout=300)
    return AXE.read_text()


class Walk:
    """Visits pages in one browser context, checking each with axe and noting foreign requests."""

    def __init__(self, browser, live_server, width: str, axe_source: str) -> None:
        self.context = browser.new_context(
            viewport=WIDTHS[width], base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta"
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.width = width
        self.axe_source = axe_source
        self.origin = live_server.url
        self.violations: dict[str, list[str]] = {}
        self.foreign: list[str] = []
        self.page.on("request", self._note)

    def _note(self, request) -> None:
        if not request.url.startswith((self.origin, "data:", "blob:")):
            self.foreign.append(request.url)

    def check(self, name: str, *, screenshot: bool = False) -> None:
        self.page.wait_for_load_state("load")
        if screenshot:
            SCREENSHOTS.mkdir(exist_ok=True)
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{self.width}.png", full_page=True)
        self.page.evaluate(self.axe_source)
        found = self.page.evaluate(RUN_AXE)
        if found:
            self.violations[f"{name} @ {self.width}px"] = found


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_passes_axe_and_stays_on_the_portal(
    browser, live_server, axe_source, width, bhabin, commander, settings
):
    settings.KRK_MIN_FILL_SECONDS = 0
    settings.KRK_UNIT_ADDRESS = "Jl. Raya Krangkeng No. 1, Kec. Krangkeng, Kab. Indramayu"
    settings.KRK_UNIT_PHONE = "0234-000000"
    patrol = PatrolFactory(leader=bhabin, place="Pos Kamling Blok Pahing", latitude="-6.48761", longitude="108.50314")
    handled = in_status(Status.DITINDAKLANJUTI, officer=bhabin, title="Balap liar di jalan Pantura")
    walk = Walk(browser, live_server, width, axe_source)
    page = walk.page
    try:
        # A resident.
        page.goto("/")
        walk.check("home", screenshot=True)
        page.goto("/direktori/")
        walk.check("directory", screenshot=True)
        page.goto("/polsek/krangkeng/")
        walk.check("polsek", screenshot=True)
        page.goto("/polres/indramayu/")
        walk.check("polres", screenshot=True)
        # The home page of a Polda deployment: its Polres under a heading of their Polda.
        settings.KRK_HOME_UNIT = "jabar"
        cache.clear()  # the home page's units and figures, kept for minutes
        page.goto("/")
        walk.check("home-polda", screenshot=True)
        settings.KRK_HOME_UNIT = "indramayu"
        page.goto("/aspirasi/kirim/")
        walk.check("form", screenshot=True)
        page.get_by_role("button", name="Kirim Aspirasi").click()
        expect(page.locator("[data-krk-error-summary]")).to_be_focused()
        walk.check("form-errors", screenshot=True)
        fill_the_form(page, title="Lampu jalan padam di Blok Pahing")
        page.get_by_role("button", name="Kirim Aspirasi").click()
        code = page.locator("#ticket-code").inner_text().strip()
        walk.check("ticket", screenshot=True)
        page.goto("/aspirasi/status/")
        page.get_by_label("Kode Tiket").fill(code)
        page.get_by_role("button", name="Cek Status").click()
        expect(page.get_by_text("Menunggu Verifikasi")).to_be_visible()
        walk.check("status", screenshot=True)
        page.goto("/masuk/")
        walk.check("sign-in")
        page.goto("/open311/")
        walk.check("open311-developers")

        # An officer.
        sign_in(page, bhabin.username, PASSWORD)
        expect(page.get_by_role("heading", name="Beranda Petugas")).to_be_visible()
        walk.check("staff-home", screenshot=True)
        page.goto("/patroli/catat/")
        walk.check("patrol-form", screenshot=True)
        page.goto("/patroli/kotak-keluar/")
        expect(page.locator("[data-krk-outbox-empty]")).to_be_visible()
        walk.check("outbox", screenshot=True)
        page.goto("/aspirasi/saya/")
        walk.check("my-aspirations", screenshot=True)
        page.goto(patrol.get_absolute_url())
        walk.check("patrol")
        page.goto("/patroli/saya/")
        walk.check("my-patrols")
        page.goto(reverse("aspirations:detail", kwargs={"pk": handled.pk}))
        walk.check("aspiration")
        page.goto(reverse("patrols:notification_settings"))
        walk.check("notification-settings")
        open_menu(page).get_by_role("button", name="Keluar").click()

        # Command.
        sign_in(page, commander.username, PASSWORD)
        page.goto("/dasbor/")
        walk.check("dashboard", screenshot=True)
        page.goto("/dasbor/rekap/")
        walk.check("recap")
        page.goto("/aspirasi/staf/")
        walk.check("inbox")
        page.goto("/patroli/")
        walk.check("patrols")
        page.goto(reverse("audit:entry_list"))
        walk.check("audit")

        # A deployment of several kecamatan: the form asks for the kecamatan, then lists its villages.
        neighbour_village()
        page.goto("/aspirasi/kirim/")
        page.get_by_label("Kecamatan").select_option(label="Karangampel")
        expect(page.get_by_label("Desa")).to_contain_text("Tanjungpura")
        walk.check("form-kecamatan", screenshot=True)
    finally:
        walk.context.close()
    assert walk.foreign == [], f"requests that left the portal: {walk.foreign}"
    assert walk.violations == {}, "\n".join(f"{page}: {found}" for page, found in walk.violations.items())
