"""An officer logs a patrol from a phone, with a photo, and finds it again; command sees it, outsiders don't."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from patrols.models import Patrol
from tests.conftest import PASSWORD
from tests.e2e.conftest import open_menu, sign_in
from tests.patrols.conftest import local, log
from tests.photos import jpeg_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def photo_loaded(page) -> bool:
    image = page.locator("img.krk-thumb").first
    image.scroll_into_view_if_needed()  # thumbnails are lazy-loaded
    try:
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
        )
    except PlaywrightTimeoutError:
        return False
    return True


def test_officer_logs_a_patrol_with_a_photo_and_finds_it(page, live_server, bhabin, other_bhabin):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": -6.4876123, "longitude": 108.5031456})
    sign_in(page, bhabin.username, PASSWORD)
    open_menu(page).get_by_role("link", name="Catat Patroli").click()
    expect(page.get_by_role("heading", name="Catat Patroli")).to_be_visible()
    assert page.locator("#id_leader option:checked").inner_text().strip() == bhabin.display_name
    assert page.locator("#id_village option:checked").inner_text().strip() == "Krangkeng"
    assert fits_the_phone(page)

    now = timezone.now()
    page.locator("#id_patrol_type").select_option("dialogis")
    page.locator("#id_place").fill("Pos Kamling Blok Pahing")
    page.get_by_label("Lainnya: isi waktu mulai dan selesai").check()  # not a patrol that just ended
    page.locator("#id_started_at").fill(local(now - datetime.timedelta(hours=2)))
    page.locator("#id_ended_at").fill(local(now - datetime.timedelta(minutes=30)))
    page.get_by_label(other_bhabin.display_name).check()
    page.get_by_label("Bahaya narkoba").check()
    page.locator("#id_residents_met").fill("15")
    page.locator("#id_summary").fill("Dialog dengan warga di pos kamling tentang bahaya narkoba.")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    assert page.locator("#id_latitude").input_value() == "-6.487612"
    page.locator("#id_photos").set_input_files(
        [{"name": "dokumentasi.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1200, 900, gps=True)}]
    )
    page.get_by_role("button", name="Simpan patroli").click()

    expect(page.get_by_text("Patroli tersimpan. Terima kasih.")).to_be_visible()
    expect(page.get_by_role("heading", name="Patroli Dialogis · Krangkeng")).to_be_visible()
    expect(page.get_by_text(other_bhabin.display_name)).to_be_visible()
    assert photo_loaded(page)
    assert fits_the_phone(page)
    patrol = Patrol.objects.get()
    assert str(patrol.latitude) == "-6.487612"

    open_menu(page).get_by_role("link", name="Patroli Saya").click()
    page.get_by_role("link", name="Patroli Dialogis · Krangkeng").click()
    expect(page).to_have_url(re.compile(re.escape(patrol.get_absolute_url()) + "$"))

    open_menu(page).get_by_role("link", name="Patroli", exact=True).click()
    page.get_by_text("Saring").click()
    page.locator("#id_patrol_type").select_option("dialogis")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("link", name="Patroli Dialogis · Krangkeng")).to_be_visible()
    assert fits_the_phone(page)


def test_command_sees_the_patrol_and_an_outsider_does_not(page, bhabin, other_bhabin, commander):
    patrol = log(bhabin, photos=1, place="Balai Desa Krangkeng")
    sign_in(page, commander.username, PASSWORD)
    page.goto(patrol.get_absolute_url())
    expect(page.get_by_text("Balai Desa Krangkeng")).to_be_visible()
    assert photo_loaded(page)
    open_menu(page).get_by_role("button", name="Keluar").click()

    sign_in(page, other_bhabin.username, PASSWORD)
    assert page.goto(patrol.get_absolute_url()).status == 404
    photo = patrol.photos.get()
    assert page.goto(photo.get_absolute_url()).status == 404
    page.goto("/patroli/")
    assert page.get_by_text("Balai Desa Krangkeng").count() == 0
