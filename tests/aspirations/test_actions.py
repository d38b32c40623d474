"""The action POSTs on the detail page: CSRF, redirect after success with a message, errors in place."""

import pytest
from django.test import Client
from django.urls import reverse

from aspirations.models import Status
from tests.aspirations.builders import in_status
from tests.aspirations.conftest import look_up_status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(aspiration, name):
    return reverse(f"aspirations:{name}", kwargs={"pk": aspiration.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class TestTheOperatorsJourney:
    def test_verify_then_assign_redirects_with_messages(self, operator, bhabin):
        aspiration = in_status(Status.BARU)
        client = client_for(operator)
        response = client.post(url(aspiration, "verify"), {"verify-priority": "tinggi"}, follow=True)
        assert response.redirect_chain == [(aspiration.get_absolute_url(), 302)]
        assert "Aspirasi diverifikasi." in messages_of(response)
        response = client.post(url(aspiration, "assign"), {"assign-officer": bhabin.pk}, follow=True)
        assert f"Aspirasi didisposisikan kepada {bhabin.display_name}." in messages_of(response)
        aspiration.refresh_from_db()
        assert (aspiration.status, aspiration.assigned_to, aspiration.priority) == (
            Status.DITINDAKLANJUTI,
            bhabin,
            "tinggi",
        )

    def test_reject_not_authority_shows_where_to_go_on_the_status_page(self, operator, client):
        aspiration = in_status(Status.BARU)
        response = client_for(operator).post(
            url(aspiration, "reject"), {"reject-reason": "bukan_wewenang", "reject-referred_to": "sp4n_lapor"}
        )
        assert response.status_code == 302
        html = look_up_status(client, aspiration.code).content.decode()
        assert "SP4N-LAPOR!" in html and "Ditolak" in html


class TestTheOfficersJourney:
    def test_reply_then_resolve(self, bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        client = client_for(bhabin)
        response = client.post(url(aspiration, "reply"), {"reply-body": "Sudah kami datangi."}, follow=True)
        assert "Tanggapan dipublikasikan di halaman status." in messages_of(response)
        response = client.post(url(aspiration, "resolve"), {"resolve-body": "Masalah selesai."}, follow=True)
        assert "Aspirasi diselesaikan." in messages_of(response)
        aspiration.refresh_from_db()
        assert aspiration.status == Status.SELESAI


class TestRefusals:
    def test_a_form_error_shows_in_place_and_changes_nothing(self, operator):
        aspiration = in_status(Status.BARU)
        response = client_for(operator).post(url(aspiration, "reject"), {"reject-reason": "duplikat"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Tuliskan kode tiket aspirasi aslinya." in html
        assert '<details class="card mb-2" open>' in html
        aspiration.refresh_from_db()
        assert aspiration.status == Status.BARU

    def test_an_unknown_original_code_is_an_error(self, operator):
        aspiration = in_status(Status.BARU)
        response = client_for(operator).post(
            url(aspiration, "reject"), {"reject-reason": "duplikat", "reject-duplicate_code": "KRK-7Q4M-9XTP-J"}
        )
        assert "Tidak ada aspirasi lain dengan kode tiket ini." in response.content.decode()

    def test_someone_else_was_faster_is_a_message_not_an_error_page(self, operator):
        aspiration = in_status(Status.BARU)
        client = client_for(operator)
        client.post(url(aspiration, "verify"), {"verify-priority": "normal"})
        response = client.post(url(aspiration, "verify"), {"verify-priority": "normal"}, follow=True)
        assert response.status_code == 200
        assert any("Terverifikasi" in message for message in messages_of(response))

    def test_a_role_without_the_right_gets_403(self, commander, bhabin):
        aspiration = in_status(Status.BARU)
        assert client_for(commander).post(url(aspiration, "verify"), {}).status_code == 403
        followed = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        assert client_for(commander).post(url(followed, "reply"), {"reply-body": "x"}).status_code == 403

    def test_get_never_changes_anything(self, operator):
        aspiration = in_status(Status.BARU)
        assert client_for(operator).get(url(aspiration, "verify")).status_code == 405
        aspiration.refresh_from_db()
        assert aspiration.status == Status.BARU

    def test_csrf_is_required(self, operator):
        aspiration = in_status(Status.BARU)
        client = Client(enforce_csrf_checks=True)
        client.force_login(operator)
        assert client.post(url(aspiration, "verify"), {"verify-priority": "normal"}).status_code == 403
        aspiration.refresh_from_db()
        assert aspiration.status == Status.BARU
