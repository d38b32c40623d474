"""Real-browser journeys: Playwright drives the system Chromium against the live server.

Tests skip, saying why, where no Chromium is installed; CI sets KRK_REQUIRE_BROWSER=1
so that there they fail instead of skipping.
"""

import os
import shutil

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 360, "height": 740}


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright, *extra_args: str):
    """Start the system Chromium under the process's Playwright (a generator: yields the
    browser, closes it). Skips, saying why, without Chromium; fails instead under
    KRK_REQUIRE_BROWSER=1. `extra_args` adds Chromium switches (tests/topology: trust its
    self-signed certificate)."""
    path = _chromium_path()
    if path is None:
        if os.environ.get("KRK_REQUIRE_BROWSER"):
            pytest.fail("KRK_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("no Chromium installed: apt-get install chromium, or set CHROMIUM_PATH")
    args = [
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        *extra_args,
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    browser = playwright.chromium.launch(executable_path=path, args=args)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    yield from launch_chromium(playwright_driver)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every journey's browser comes from the same address: none may start with the
    submissions of the journeys before it counted against the hourly limit."""
    cache.clear()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (360 px wide) whose relative URLs go to the live server."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk").click()


def open_menu(page):
    """The navigation, opened: on a phone it is collapsed behind the menu button.

    Signed in, the officer's pages under their name are opened too. Returns the
    navigation's locator, so a journey picks a link of the menu, not the same words
    elsewhere on the page (Beranda Petugas repeats the officer's pages).
    """
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#mainnav.show").wait_for()
    account = page.locator("#mainnav details.krk-account")  # the officer's pages, under their name
    if account.count() and account.get_attribute("open") is None:
        account.locator("summary").click()
    return page.locator("#mainnav")
