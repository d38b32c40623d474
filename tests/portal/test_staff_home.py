"""Beranda Petugas: where staff land after Masuk, Catat Patroli first, then what waits for them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirations.models import Status
from tests.conftest import PASSWORD, client_for
from tests.factories import AspirationFactory, PatrolFactory

pytestmark = pytest.mark.django_db

URL = reverse("staff_home")
# Session, user, permissions (one query), the Aspirasi Saya figures, the last patrols.
HOME_QUERIES = 5


def assigned(officer, count: int, *, status=Status.DITINDAKLANJUTI, overdue: bool = False) -> None:
    now = timezone.now()
    due = now + datetime.timedelta(days=-1 if overdue else 3)
    for _ in range(count):
        AspirationFactory(assigned_to=officer, status=status, verified_at=now, followup_due=due)


class TestSignInLandsHome:
    def test_signing_in_goes_to_the_officers_home_with_a_confirmation(self, client, bhabin):
        response = client.post(reverse("login"), {"username": bhabin.username, "password": PASSWORD}, follow=True)
        assert response.redirect_chain == [(URL, 302)]
        html = response.content.decode()
        assert "Berhasil masuk." in html
        assert "Beranda Petugas" in html

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


class TestStaffHome:
    def test_log_patrol_comes_first(self, bhabin):
        html = client_for(bhabin).get(URL).content.decode()
        main = html.split('id="main"', 1)[1]
        assert main.index(reverse("patrols:patrol_create")) < main.index(reverse("aspirations:mine"))
        assert "Catat Patroli" in main

    def test_counts_what_needs_the_officers_action_and_what_is_late(self, bhabin, other_bhabin):
        assigned(bhabin, 2)
        assigned(bhabin, 1, status=Status.TERVERIFIKASI, overdue=True)
        assigned(bhabin, 1, status=Status.BARU)  # still with the operator
        assigned(other_bhabin, 4)  # someone else's
        response = client_for(bhabin).get(URL)
        workload = response.context["workload"]
        assert (workload.awaiting, workload.overdue) == (3, 1)
        html = response.content.decode()
        assert "3 perlu tindakan Anda" in html
        assert "1 terlambat" in html

    def test_lists_the_officers_own_last_patrols(self, bhabin, other_bhabin):
        mine = PatrolFactory(leader=bhabin, place="Pos Ronda Blok Kidul")
        PatrolFactory(leader=other_bhabin, place="Pasar Tanjakan")
        html = client_for(bhabin).get(URL).content.decode()
        assert mine.get_absolute_url() in html
        assert "Pasar Tanjakan" not in html

    def test_command_sees_no_patrol_button_and_no_workload(self, commander):
        response = client_for(commander).get(URL)
        assert response.context["workload"] is None
        html = response.content.decode().split('id="main"', 1)[1]
        assert reverse("patrols:patrol_create") not in html
        assert reverse("dashboard:dashboard") in html

    def test_is_never_stored_by_a_browser(self, bhabin):
        assert "no-store" in client_for(bhabin).get(URL)["Cache-Control"]

    @pytest.mark.parametrize("rows", [1, 50])
    def test_constant_in_the_number_of_rows(self, bhabin, rows, django_assert_num_queries):
        assigned(bhabin, rows)
        for _ in range(rows):
            PatrolFactory(leader=bhabin)
        client = client_for(bhabin)
        client.get(URL)  # the first request also sets up the session
        with django_assert_num_queries(HOME_QUERIES):
            response = client.get(URL)
        assert response.context["workload"].awaiting == rows
        assert len(response.context["patrols"]) == min(rows, 5)
