"""Sign-in lockout (django-axes, core.lockout): per username and address, and per
address over any usernames; 429 in Indonesian saying what to do; unlock by admin."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LIMIT = 5
ADDRESS_LIMIT = 20


def attempt(username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None):
    client = client or Client()
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    """Wrong passwords; the one that reaches the limit is already answered with 429."""
    for _ in range(times):
        assert attempt(username, "wrong-password-123", ip).status_code in {200, 429}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class TestLockout:
    def test_limit_is_five(self, settings):
        assert settings.AXES_FAILURE_LIMIT == LIMIT

    def test_failures_below_the_limit_still_allow_the_right_password(self, bhabin):
        fail(bhabin.username, LIMIT - 1)
        client = Client()
        assert attempt(bhabin.username, PASSWORD, client=client).status_code == 302
        assert signed_in(client)

    def test_after_the_limit_the_right_password_is_refused_with_429(self, bhabin):
        fail(bhabin.username, LIMIT)
        client = Client()
        response = attempt(bhabin.username, PASSWORD, client=client)
        assert response.status_code == 429
        assert not signed_in(client)
        body = response.content.decode()
        assert "Terlalu banyak percobaan masuk" in body
        assert "bahkan dengan kata sandi yang benar" in body
        assert "hubungi admin portal di Polres Indramayu" in body  # what to do
        assert int(response["Retry-After"]) == 15 * 60

    def test_the_sign_in_page_says_what_to_do_when_blocked(self):
        body = Client().get(reverse("login")).content.decode()
        assert "jaringan lain" in body
        assert "hubungi admin portal di Polres Indramayu" in body

    def test_the_sign_in_page_says_who_resets_a_forgotten_password(self, settings):
        settings.KRK_UNIT_PHONE = "0234-000000"
        body = Client().get(reverse("login")).content.decode()
        assert (
            "Lupa kata sandi? Kata sandi diatur ulang oleh admin portal Polres Indramayu: hubungi 0234-000000." in body
        )
        settings.KRK_UNIT_PHONE = ""
        body = Client().get(reverse("login")).content.decode()
        assert "Lupa kata sandi?" in body and "temui langsung atau telepon" in body

    def test_the_failure_that_reaches_the_limit_is_answered_with_429(self, bhabin):
        fail(bhabin.username, LIMIT - 1)
        assert attempt(bhabin.username, "wrong-password-123").status_code == 429

    def test_the_owner_signs_in_from_another_address_while_the_attacker_is_locked(self, commander):
        """Issue 12: five wrong passwords for `pimpinan` used to lock its owner out everywhere."""
        fail(commander.username, LIMIT, ip="203.0.113.66")
        assert attempt(commander.username, PASSWORD, ip="203.0.113.66").status_code == 429
        owner = Client()
        assert attempt(commander.username, PASSWORD, ip="10.20.0.5", client=owner).status_code == 302
        assert signed_in(owner)

    def test_the_attacker_renewing_the_lock_never_reaches_the_owner(self, commander):
        for _ in range(3):
            fail(commander.username, LIMIT, ip="203.0.113.66")
            assert attempt(commander.username, "wrong-password-123", ip="203.0.113.66").status_code == 429
        assert attempt(commander.username, PASSWORD, ip="10.20.0.5").status_code == 302

    def test_an_address_spraying_usernames_is_locked_for_every_account(self, operator):
        for number in range(ADDRESS_LIMIT):
            fail(f"tebakan{number}", 1, ip="203.0.113.77")
        assert attempt(operator.username, PASSWORD, ip="203.0.113.77").status_code == 429
        # The same account from elsewhere is fine: only that address is locked.
        assert attempt(operator.username, PASSWORD, ip="10.20.0.6").status_code == 302

    def test_below_the_address_limit_other_accounts_still_sign_in(self, operator):
        """An office or a mobile carrier puts many staff behind one address: a few typos each are fine."""
        for number in range(ADDRESS_LIMIT - 1):
            fail(f"tebakan{number}", 1, ip="203.0.113.78")
        assert attempt(operator.username, PASSWORD, ip="203.0.113.78").status_code == 302

    def test_a_sign_in_forgets_only_its_own_failures_not_the_address_s(self, operator, bhabin):
        fail(bhabin.username, LIMIT - 1, ip="203.0.113.79")
        for number in range(ADDRESS_LIMIT - LIMIT):
            fail(f"tebakan{number}", 1, ip="203.0.113.79")
        assert attempt(operator.username, PASSWORD, ip="203.0.113.79").status_code == 302
        fail("tebakan-lagi", 1, ip="203.0.113.79")  # the address's 20th failure
        assert attempt(operator.username, PASSWORD, ip="203.0.113.79").status_code == 429

    def test_locked_attempts_are_audited(self, bhabin):
        fail(bhabin.username, LIMIT)
        attempt(bhabin.username, PASSWORD)
        assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED, actor_username=bhabin.username).count()
        assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_LOCKED, actor_username=bhabin.username).exists()

    def test_the_page_is_in_english_when_chosen(self, bhabin, settings):
        fail(bhabin.username, LIMIT)
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = attempt(bhabin.username, PASSWORD, client=client)
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()


class TestUnlock:
    def test_the_lock_lifts_after_the_cool_off(self, bhabin):
        fail(bhabin.username, LIMIT)
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
        assert attempt(bhabin.username, PASSWORD).status_code == 302

    def test_the_lock_holds_within_the_cool_off(self, bhabin):
        fail(bhabin.username, LIMIT)
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
        assert attempt(bhabin.username, PASSWORD).status_code == 429

    def test_axes_reset_username_command_unlocks(self, bhabin):
        fail(bhabin.username, LIMIT)
        call_command("axes_reset_username", bhabin.username, stdout=io.StringIO())
        assert attempt(bhabin.username, PASSWORD).status_code == 302

    def test_admin_role_unlocks_by_deleting_the_attempt(self, bhabin, site_admin):
        fail(bhabin.username, LIMIT)
        admin = client_for(site_admin)
        assert admin.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
        for row in AccessAttempt.objects.filter(username=bhabin.username):
            url = reverse("admin:axes_accessattempt_delete", args=[row.pk])
            assert admin.post(url, {"post": "yes"}).status_code == 302
        assert attempt(bhabin.username, PASSWORD).status_code == 302

    def test_other_roles_cannot_unlock(self, commander):
        assert client_for(commander).get(reverse("admin:axes_accessattempt_changelist")).status_code == 302
