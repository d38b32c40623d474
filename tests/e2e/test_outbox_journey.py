"""Officers with no signal (issue 13): Catat Patroli opens offline, patrols wait in the
outbox on the phone, and each arrives once when the connection returns."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patrols.models import Patrol
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, sign_in
from tests.patrols.conftest import local
from tests.photos import jpeg_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOG = "/patroli/catat/"
OUTBOX = "/patroli/kotak-keluar/"
OTHER_TIMES = "Lainnya: isi waktu mulai dan selesai"


def go_online_once(page) -> None:
    """Visit the offline pages while online, under the service worker, so that it keeps them."""
    page.goto(LOG)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(OUTBOX)
    page.goto(LOG)
    assert page.evaluate("!!navigator.serviceWorker.controller")


def log_offline(page, number: int) -> None:
    now = timezone.now()
    page.locator("#id_place").fill(f"Pos Kamling {number}")
    page.get_by_label(OTHER_TIMES).check()
    page.locator("#id_started_at").fill(local(now - datetime.timedelta(hours=3, minutes=number)))
    page.locator("#id_ended_at").fill(local(now - datetime.timedelta(hours=2)))
    page.locator("#id_summary").fill(f"Sambang warga nomor {number} tanpa sinyal.")
    page.locator("#id_photos").set_input_files(
        [{"name": f"foto{number}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1200, 900)}]
    )
    expect(page.locator("[data-krk-upload]")).to_have_count(1)
    page.get_by_role("button", name="Simpan patroli").click()
    expect(page.locator("[data-krk-outbox-saved]")).to_be_visible()
    expect(page.locator("[data-krk-upload]")).to_have_count(0)


def one_patrol_waiting(page, officer) -> None:
    """The officer, signed in, logs one patrol with no signal (and stays offline)."""
    sign_in(page, officer.username, PASSWORD)
    go_online_once(page)
    page.context.set_offline(True)
    page.reload()
    log_offline(page, 1)


def outbox_states(page) -> list[str]:
    return page.locator("[data-krk-outbox-state]").evaluate_all("items => items.map(i => i.dataset.krkOutboxState)")


def test_three_patrols_logged_offline_arrive_once_each_with_their_photos(page, bhabin):
    sign_in(page, bhabin.username, PASSWORD)
    go_online_once(page)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-krk-offline-copy]")).to_be_visible()
    for number in range(3):
        log_offline(page, number)
    expect(page.locator('a[href="/patroli/kotak-keluar/"] [data-krk-outbox-badge]').first).to_have_text("3")
    expect(page.locator(".navbar-toggler [data-krk-outbox-badge]")).to_have_text("3")  # the menu closed
    expect(page.locator("summary [data-krk-outbox-badge]")).to_have_text("3 patroli menunggu di Kotak Keluar")

    page.goto(OUTBOX)  # still offline: the kept page, the outbox from IndexedDB
    expect(page.locator("[data-krk-outbox-state=waiting]")).to_have_count(3)
    assert Patrol.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-krk-outbox-state=sent]")).to_have_count(3, timeout=30_000)
    assert outbox_states(page) == ["sent"] * 3
    patrols = Patrol.objects.order_by("started_at")
    assert sorted(p.place for p in patrols) == ["Pos Kamling 0", "Pos Kamling 1", "Pos Kamling 2"]
    assert [p.photos.count() for p in patrols] == [1, 1, 1]
    page.locator("[data-krk-outbox-state=sent] a").first.click()
    expect(page.get_by_role("heading", name="Patroli Sambang · Krangkeng")).to_be_visible()


def test_a_duration_chosen_offline_stands_for_the_time_of_saving_in_wib(browser, live_server, bhabin):
    """A duration ("1 hour, it ended now") is kept as the times it meant when saved, not when sent later;
    in WIB, though this phone's clock is in another zone."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID", timezone_id="UTC")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, bhabin.username, PASSWORD)
        go_online_once(page)
        page.context.set_offline(True)
        page.reload()
        page.locator("#id_place").fill("Pos Kamling")
        page.get_by_label("1 jam").check()
        page.locator("#id_summary").fill("Sambang warga satu jam, tanpa sinyal.")
        saved = timezone.now()
        page.get_by_role("button", name="Simpan patroli").click()
        expect(page.locator("[data-krk-outbox-saved]")).to_be_visible()
        expect(page.locator("#krk-times")).to_be_hidden()  # the emptied form asks for a duration again

        page.goto(OUTBOX)
        page.get_by_role("button", name="Ubah").click()
        expect(page.get_by_label(OTHER_TIMES)).to_be_checked()
        expect(page.locator("#id_ended_at")).to_be_visible()
        ended = page.locator("#id_ended_at").input_value()
        started = page.locator("#id_started_at").input_value()
        assert ended in {local(saved), local(saved + datetime.timedelta(minutes=1))}
        an_hour_before = timezone.make_aware(datetime.datetime.fromisoformat(ended)) - datetime.timedelta(hours=1)
        assert started == local(an_hour_before)

        page.context.set_offline(False)
        page.get_by_role("button", name="Simpan patroli").click()  # kept again, then sent from the outbox
        expect(page.locator("[data-krk-outbox-state=sent]")).to_have_count(1, timeout=30_000)
        patrol = Patrol.objects.get()
        assert (local(patrol.started_at), local(patrol.ended_at)) == (started, ended)
    finally:
        context.close()


def test_a_second_officer_on_the_same_phone_does_not_see_the_first_ones_patrols(page, bhabin, other_bhabin):
    one_patrol_waiting(page, bhabin)
    page.context.clear_cookies()  # the first officer's session ends while offline
    page.context.set_offline(False)

    sign_in(page, other_bhabin.username, PASSWORD)
    page.goto(OUTBOX)
    expect(page.locator("[data-krk-outbox-empty]")).to_be_visible()
    expect(page.locator("[data-krk-outbox-state]")).to_have_count(0)
    page.goto(LOG)  # a page load sends the outbox: nothing of the first officer's goes
    page.goto(OUTBOX)
    expect(page.locator("[data-krk-outbox-empty]")).to_be_visible()
    assert Patrol.objects.count() == 0
    assert page.evaluate(COUNT_ALL) == 1  # still on the phone, for its own officer

    # Signed in again, the first page that opens sends it.
    page.context.clear_cookies()
    sign_in(page, bhabin.username, PASSWORD)
    expect(page.locator(f'a[href="{OUTBOX}"]').first).to_be_attached()
    for _ in range(60):  # the home page sends it; a navigation now would cut the send short
        if page.evaluate(COUNT_SENT):
            break
        page.wait_for_timeout(500)
    assert Patrol.objects.get().leader == bhabin


def test_a_refused_patrol_stays_with_the_reason_and_signing_out_asks_first(page, bhabin):
    one_patrol_waiting(page, bhabin)
    page.goto(LOG)
    # A second patrol a day ahead (a wrong clock on the phone): the server refuses it.
    page.locator("#id_place").fill("Balai Desa")
    page.get_by_label(OTHER_TIMES).check()
    page.locator("#id_started_at").fill(local(timezone.now() + datetime.timedelta(days=1)))
    page.locator("#id_ended_at").fill(local(timezone.now() + datetime.timedelta(days=1, hours=1)))
    page.locator("#id_summary").fill("Jam ponsel salah.")
    page.get_by_role("button", name="Simpan patroli").click()
    expect(page.locator("[data-krk-outbox-saved]")).to_be_visible()
    page.goto(OUTBOX)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-krk-outbox-state=sent]")).to_have_count(1, timeout=30_000)
    refused = page.locator("[data-krk-outbox-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused.locator("[data-krk-outbox-reason]")).to_contain_text("masa depan")
    assert Patrol.objects.count() == 1

    with page.expect_event("dialog", timeout=30_000) as asked:
        # As the menu's "Keluar" button does (the menu folds away on a phone).
        page.locator("form[data-krk-signout]").evaluate("form => setTimeout(() => form.requestSubmit())")
    assert "masih menunggu dikirim" in asked.value.message
    asked.value.dismiss()
    expect(page.locator("[data-krk-outbox-state=refused]")).to_have_count(1)
    assert page.url.endswith(OUTBOX)  # still signed in


COUNT_ALL = """() => new Promise(resolve => {
    const opening = indexedDB.open("krk-outbox", 1);
    opening.onsuccess = () => {
        const request = opening.result.transaction("patrols").objectStore("patrols").count();
        request.onsuccess = () => resolve(request.result);
    };
})"""

COUNT_SENT = """() => new Promise(resolve => {
    const opening = indexedDB.open("krk-outbox", 1);
    opening.onsuccess = () => {
        const request = opening.result.transaction("patrols").objectStore("patrols").getAll();
        request.onsuccess = () => resolve(request.result.filter(record => record.state === "sent").length === 1);
    };
})"""


def test_a_send_whose_answer_is_lost_is_stored_once_after_the_retry(page, bhabin):
    one_patrol_waiting(page, bhabin)

    answers_lost = []

    def lose_the_first_answer(route):
        if route.request.method == "POST" and not answers_lost:
            answers_lost.append(route.fetch(max_redirects=0, timeout=60_000))  # the server stores the patrol...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    # Before the outbox page loads: its load may already find the connection back and send.
    page.context.route(f"**{LOG}", lose_the_first_answer)
    page.goto(OUTBOX)
    page.context.set_offline(False)
    # Until the first send has gone. The outbox sends when the browser says it is online;
    # on a busy machine the first signal can come before navigator.onLine agrees, so it
    # is given again until the send starts.
    for tick in range(240):
        if answers_lost:
            break
        if tick % 8 == 0:
            page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_timeout(250)
    assert answers_lost, (outbox_states(page), page.evaluate("navigator.onLine"), Patrol.objects.count())
    assert Patrol.objects.count() == 1  # stored, and the phone never heard back

    # The connection is back: the outbox sends again, as often as the browser says it is
    # online (a signal that comes while the lost send is still settling is ignored, so
    # it is repeated), and the idempotency key keeps the patrol single.
    sent = page.locator("[data-krk-outbox-state=sent]")
    for _ in range(60):
        if sent.count() == 1:
            break
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_timeout(1_000)
    expect(sent).to_have_count(1, timeout=30_000)
    assert Patrol.objects.count() == 1


def test_without_javascript_catat_patroli_posts_its_photos_as_before(browser, live_server, bhabin):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, bhabin.username, PASSWORD)
        page.goto(LOG)
        now = timezone.now()
        page.locator("#id_place").fill("Pos Kamling")
        page.locator("#id_started_at").fill(local(now - datetime.timedelta(hours=2)))
        page.locator("#id_ended_at").fill(local(now - datetime.timedelta(hours=1)))
        page.locator("#id_summary").fill("Sambang warga tanpa JavaScript.")
        page.locator("#id_photos").set_input_files(
            [{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(2400, 1800)}]
        )
        page.get_by_role("button", name="Simpan patroli").click()
        expect(page.get_by_text("Patroli tersimpan. Terima kasih.")).to_be_visible()
        photo = Patrol.objects.get().photos.get()
        assert (photo.width, photo.height) == (1600, 1200)  # shrunk by the server alone
    finally:
        context.close()
