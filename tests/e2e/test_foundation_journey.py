import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_resident_finds_the_village_officer_and_staff_signs_in(page, bhabin):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.get_by_text("110").first).to_be_visible()
    page.get_by_role("link", name="Buka direktori").click()
    row = page.locator(".directory > li").filter(has_text="Ahmad Fauzi")
    expect(row).to_contain_text("Krangkeng")
    assert page.locator(".directory > li").count() == 1  # one row per officer
    # Nothing overflows a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    sign_in(page, bhabin.username, PASSWORD)
    expect(open_menu(page).get_by_role("button", name="Keluar")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()
    expect(open_menu(page).get_by_role("link", name="Masuk").first).to_be_visible()
