"""Sign-in lockout (django-axes): per account and per address, 429 in Indonesian, unlock by admin."""

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
        assert int(response["Retry-After"]) == 15 * 60

    def test_the_failure_that_reaches_the_limit_is_answered_with_429(self, bhabin):
        fail(bhabin.username, LIMIT - 1)
        assert attempt(bhabin.username, "wrong-password-123").status_code == 429

    def test_per_account_the_lock_holds_from_another_address(self, bhabin):
        for number in range(LIMIT):
            fail(bhabin.username, 1, ip=f"10.0.1.{number}")
        assert attempt(bhabin.username, PASSWORD, ip="10.9.9.9").status_code == 429

    def test_per_address_the_lock_holds_for_another_account(self, bhabin, operator):
        for number in range(LIMIT):
            fail(f"guess{number}", 1, ip="10.0.0.66")
        assert attempt(operator.username, PASSWORD, ip="10.0.0.66").status_code == 429
        # The same account from elsewhere is fine: only that address is locked.
        assert attempt(operator.username, PASSWORD, ip="10.0.0.67").status_code == 302

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
