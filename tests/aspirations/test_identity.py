"""The reporter's identity: hidden from everyone, shown after a click to those allowed, every reveal logged."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from aspirations.models import Status
from aspirations.selectors import whatsapp_url
from audit.models import AuditAction, AuditEntry
from tests.aspirations.builders import in_status
from tests.conftest import client_for
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

NAME = "Wiranata Kusumawardhani"
PHONE = "0812-9988-7766"
EMAIL = "wiranata.k@contoh.id"


@pytest.fixture
def identified(bhabin):
    return in_status(
        Status.DITINDAKLANJUTI,
        officer=bhabin,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        consent_given_at=timezone.now(),
    )


def detail(user, aspiration) -> str:
    return client_for(user).get(reverse("aspirations:detail", kwargs={"pk": aspiration.pk})).content.decode()


def reveal(user, aspiration):
    return client_for(user).post(reverse("aspirations:reveal_identity", kwargs={"pk": aspiration.pk}))


def shows_identity(html: str) -> bool:
    return any(secret in html for secret in (NAME, "081299887766", "0812-9988-7766", EMAIL))


class TestHiddenByDefault:
    def test_nobody_sees_it_on_the_page(self, identified, bhabin, operator, commander):
        for user in (bhabin, operator, commander):
            assert not shows_identity(detail(user, identified))

    def test_the_handling_officer_gets_no_button(self, identified, bhabin):
        html = detail(bhabin, identified)
        assert reverse("aspirations:reveal_identity", kwargs={"pk": identified.pk}) not in html
        assert "disembunyikan" in html

    def test_operator_and_command_get_the_button(self, identified, operator, commander):
        for user in (operator, commander):
            assert reverse("aspirations:reveal_identity", kwargs={"pk": identified.pk}) in detail(user, identified)

    def test_an_anonymous_report_says_so(self, operator, bhabin):
        anonymous = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        html = detail(operator, anonymous)
        assert "Anonim" in html
        assert reverse("aspirations:reveal_identity", kwargs={"pk": anonymous.pk}) not in html


class TestReveal:
    def test_shows_name_phone_whatsapp_and_email(self, identified, operator):
        response = reveal(operator, identified)
        assert response.status_code == 200
        html = response.content.decode()
        assert NAME in html and PHONE in html and EMAIL in html
        assert 'href="https://wa.me/6281299887766"' in html
        assert "no-store" in response["Cache-Control"]

    def test_every_reveal_is_recorded_with_who_and_which(self, identified, operator, commander):
        reveal(operator, identified)
        reveal(operator, identified)
        reveal(commander, identified)
        entries = AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED).order_by("created_at", "pk")
        assert [entry.actor_username for entry in entries] == [operator.username, operator.username, commander.username]
        assert {entry.target_id for entry in entries} == {str(identified.pk)}
        assert all(entry.summary == identified.code for entry in entries)
        assert all(entry.ip_hash for entry in entries)

    def test_command_reads_the_reveals_in_the_audit_trail(self, identified, operator, commander):
        reveal(operator, identified)
        html = client_for(commander).get(reverse("audit:entry_list"), {"action": "identity_revealed"}).content
        assert operator.username in html.decode() and identified.code in html.decode()

    def test_the_next_visit_hides_it_again(self, identified, operator):
        reveal(operator, identified)
        assert not shows_identity(detail(operator, identified))

    def test_the_handling_officer_is_refused_and_nothing_is_logged(self, identified, bhabin):
        assert reveal(bhabin, identified).status_code == 403
        assert not AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED).exists()

    def test_the_permission_can_be_given_to_an_officer(self, identified, bhabin):
        bhabin.user_permissions.add(Permission.objects.get(codename="view_reporter_identity"))
        assert NAME in reveal(bhabin, identified).content.decode()

    def test_an_outsider_gets_404(self, identified, other_bhabin):
        other_bhabin.user_permissions.add(Permission.objects.get(codename="view_reporter_identity"))
        assert reveal(other_bhabin, identified).status_code == 404
        assert not AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED).exists()

    def test_get_is_refused(self, identified, operator):
        url = reverse("aspirations:reveal_identity", kwargs={"pk": identified.pk})
        assert client_for(operator).get(url).status_code == 405
        assert not AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED).exists()

    def test_an_anonymous_report_has_nothing_to_reveal(self, operator, bhabin):
        anonymous = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        assert reveal(operator, anonymous).status_code == 302
        assert not AuditEntry.objects.filter(action=AuditAction.IDENTITY_REVEALED).exists()

    def test_a_deactivated_account_sees_nothing(self, identified):
        gone = OfficerFactory(role="operator", is_active=False)
        assert reveal(gone, identified).status_code in (302, 404)


class TestWhatsappLink:
    @pytest.mark.parametrize(
        ("phone", "link"),
        [
            ("081234567890", "https://wa.me/6281234567890"),
            ("0812-3456-7890", "https://wa.me/6281234567890"),
            ("+62 812 3456 7890", "https://wa.me/6281234567890"),
            ("6281234567890", "https://wa.me/6281234567890"),
            ("81234567890", "https://wa.me/6281234567890"),
            ("", ""),
        ],
    )
    def test_normalises_indonesian_numbers(self, phone, link):
        assert whatsapp_url(phone) == link
