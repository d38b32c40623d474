"""An officer signs in on a phone, lands on their own home and logs a patrol that just ended without a date."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patrols.models import Patrol
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_lands_home_and_logs_a_patrol_with_the_default_times(page, bhabin, other_bhabin):
    sign_in(page, bhabin.username, PASSWORD)
    expect(page.get_by_role("heading", name="Beranda Petugas")).to_be_visible()
    expect(page.get_by_text("Berhasil masuk.")).to_be_visible()
    first_action = page.locator("#main a.btn").first
    expect(first_action).to_have_text("Catat Patroli")
    first_action.click()

    expect(page.get_by_role("heading", name="Catat Patroli")).to_be_visible()
    expect(page.get_by_label("1 jam")).to_be_checked()
    expect(page.locator("#id_started_at")).to_be_hidden()  # a patrol that just ended needs no date
    expect(page.locator("#id_ended_at")).to_be_hidden()
    # The leader is not offered again among the other officers.
    expect(page.get_by_label(bhabin.display_name, exact=True)).to_be_hidden()
    expect(page.get_by_label(other_bhabin.display_name, exact=True)).to_be_visible()
    page.get_by_label("Lainnya: isi waktu mulai dan selesai").check()
    expect(page.locator("#id_started_at")).to_be_visible()
    page.get_by_label("2 jam").check()
    expect(page.locator("#id_started_at")).to_be_hidden()

    page.locator("#id_place").fill("Pos Kamling Blok Pahing")
    page.locator("#id_summary").fill("Sambang ke pos kamling, berbincang dengan warga.")
    page.get_by_role("button", name="Simpan patroli").click()
    expect(page.get_by_text("Patroli tersimpan")).to_be_visible()
    patrol = Patrol.objects.get()
    assert patrol.ended_at - patrol.started_at == datetime.timedelta(hours=2)
    assert timezone.now() - patrol.ended_at < datetime.timedelta(minutes=2)
