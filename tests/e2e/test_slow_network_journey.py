"""Residents and officers on slow, patchy mobile data (issue 13): photos shrink in the
browser, mistakes are caught before anything is sent, nothing typed is lost.

Slow 3G is emulated through the DevTools protocol: 400 ms latency, 400 kbit/s down,
200 kbit/s up.
"""

import pytest
from django.core.signals import request_started
from playwright.sync_api import expect

from aspirations.models import Aspiration
from tests.e2e.test_resident_journey import fill_the_form
from tests.photos import jpeg_bytes, phone_photo_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 200_000 / 8}


def throttle(page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_3G)


class BytesSent:
    """Counts the request bodies the live server receives (what a resident pays for on
    mobile data). Counted at the server: Chromium does not hand a multipart body with
    files to page.on("request") nor to the DevTools protocol."""

    def __init__(self) -> None:
        self.total = 0
        self.posts = 0

    def __call__(self, sender, environ, **kwargs) -> None:
        if environ.get("REQUEST_METHOD") == "POST":
            self.posts += 1
            self.total += int(environ.get("CONTENT_LENGTH") or 0)


@pytest.fixture
def sent():
    counter = BytesSent()
    request_started.connect(counter, dispatch_uid="bytes-sent")
    yield counter
    request_started.disconnect(dispatch_uid="bytes-sent")


@pytest.fixture(scope="module")
def phone_photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("photos") / "IMG_20261202_0915.jpg"
    path.write_bytes(phone_photo_bytes())
    assert path.stat().st_size > 2_000_000
    return path


def small_photos(tmp_path, count: int) -> list:
    paths = []
    for number in range(count):
        path = tmp_path / f"foto{number}.jpg"
        path.write_bytes(jpeg_bytes(800, 600))
        paths.append(path)
    return paths


def test_on_slow_3g_a_phone_photo_is_shrunk_before_it_leaves(page, settings, phone_photo, sent):
    settings.KRK_MIN_FILL_SECONDS = 0
    page.goto("/aspirasi/kirim/")
    fill_the_form(page, title="Balap liar tiap malam Minggu")
    throttle(page)
    page.locator("#id_photos").set_input_files(phone_photo)
    page.get_by_role("button", name="Kirim Aspirasi").click()

    expect(page.locator("#ticket-code")).to_be_visible(timeout=60_000)
    aspiration = Aspiration.objects.get(code=page.locator("#ticket-code").inner_text().strip())
    (photo,) = aspiration.attachments.all()
    assert max(photo.width, photo.height) <= 1600
    assert 0 < sent.total < 500_000


def test_four_photos_are_refused_before_anything_is_sent(page, tmp_path, sent):
    page.goto("/aspirasi/kirim/")
    photos = page.locator("#id_photos")
    photos.set_input_files(small_photos(tmp_path, 4))
    message = photos.evaluate("input => input.validationMessage")
    assert message == "Kirim paling banyak 3 foto."
    fill_the_form(page, title="Balap liar tiap malam Minggu")
    page.get_by_role("button", name="Kirim Aspirasi").click()
    expect(page.get_by_label("Judul")).to_have_value("Balap liar tiap malam Minggu")
    assert sent.posts == 0 and Aspiration.objects.count() == 0


def test_an_empty_required_field_is_named_before_sending(page, sent):
    page.goto("/aspirasi/kirim/")
    page.get_by_role("button", name="Kirim Aspirasi").click()
    summary = page.locator("[data-krk-error-summary]")
    expect(summary).to_be_focused()  # the server's summary, built in the browser
    summary.get_by_role("link", name="Kategori: Bidang ini tidak boleh kosong.").click()
    expect(page.get_by_label("Kategori")).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)  # category, title, description, village
    assert sent.posts == 0


def test_photos_uploaded_in_the_background_survive_a_form_error(page, settings, tmp_path):
    settings.KRK_MIN_FILL_SECONDS = 0
    page.goto("/aspirasi/kirim/")
    fill_the_form(page, title="Balap liar tiap malam Minggu")
    page.get_by_label("Desa").select_option("luar")
    page.get_by_label("Saya ingin dihubungi").check()  # and no name: the server refuses
    page.locator("#id_photos").set_input_files(small_photos(tmp_path, 2))
    expect(page.locator("[data-krk-upload] input[name=uploads]")).to_have_count(2)
    page.get_by_role("button", name="Kirim Aspirasi").click()

    expect(page.locator("#error_1_id_reporter_name")).to_be_visible()
    expect(page.locator("[data-krk-upload] img")).to_have_count(2)
    assert page.locator("[data-krk-upload] img").first.evaluate("img => img.naturalWidth") > 0
    page.get_by_label("Rahasiakan identitas saya (anonim)").check()
    page.get_by_role("button", name="Kirim Aspirasi").click()
    expect(page.locator("#ticket-code")).to_be_visible()
    aspiration = Aspiration.objects.get(code=page.locator("#ticket-code").inner_text().strip())
    assert aspiration.attachments.count() == 2


def test_a_report_that_failed_to_send_is_offered_again_and_forgotten_once_it_arrives(page, settings):
    settings.KRK_MIN_FILL_SECONDS = 0
    page.goto("/aspirasi/kirim/")
    expect(page.locator("[data-krk-draft]")).to_be_hidden()
    fill_the_form(page, title="Balap liar tiap malam Minggu")
    page.get_by_label("Saya ingin dihubungi").check()
    page.get_by_label("Nama Anda").fill("Siti Aminah")
    page.context.set_offline(True)
    page.get_by_role("button", name="Kirim Aspirasi").click()
    page.wait_for_load_state()
    page.context.set_offline(False)

    page.goto("/aspirasi/kirim/")
    expect(page.locator("[data-krk-draft]")).to_be_visible()
    assert page.get_by_label("Judul").input_value() == ""
    page.get_by_role("button", name="Pulihkan").click()
    expect(page.get_by_label("Judul")).to_have_value("Balap liar tiap malam Minggu")
    expect(page.get_by_label("Nama Anda")).to_have_value("Siti Aminah")
    assert page.get_by_label("Saya ingin dihubungi").is_checked()  # the identity choice too

    page.get_by_label("Nama Anda").fill("")
    page.get_by_label("Rahasiakan identitas saya (anonim)").check()
    page.get_by_role("button", name="Kirim Aspirasi").click()
    expect(page.locator("#ticket-code")).to_be_visible()
    page.wait_for_function("() => Object.keys(localStorage).length === 0")  # nothing personal stays behind
    page.goto("/aspirasi/kirim/")
    expect(page.get_by_label("Judul")).to_have_value("")
    expect(page.locator("[data-krk-draft]")).to_be_hidden()


def test_a_restored_report_whose_first_send_arrived_shows_that_ticket_and_files_nothing_twice(page, settings):
    settings.KRK_MIN_FILL_SECONDS = 0
    page.goto("/aspirasi/kirim/")
    fill_the_form(page, title="Balap liar tiap malam Minggu")
    lost = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch(max_redirects=0))  # the report arrives...
            route.abort("connectionreset")  # ...and the answer is lost on the way back
        else:
            route.continue_()

    page.route("**/aspirasi/kirim/", lose_the_answer)
    page.get_by_role("button", name="Kirim Aspirasi").click()
    page.wait_for_url(lambda url: url.startswith("chrome-error:"))  # the browser's "no connection" page
    assert lost and Aspiration.objects.count() == 1

    page.goto("/aspirasi/kirim/")
    page.get_by_role("button", name="Pulihkan").click()
    expect(page.get_by_label("Judul")).to_have_value("Balap liar tiap malam Minggu")
    page.get_by_role("button", name="Kirim Aspirasi").click()
    expect(page.locator("#ticket-code")).to_be_visible()
    assert page.locator("#ticket-code").inner_text().strip() == Aspiration.objects.get().code
