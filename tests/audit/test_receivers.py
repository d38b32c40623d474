"""Sign-in, sign-out and failed sign-in are written to the audit trail."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


class TestSignIn:
    def test_successful_sign_in(self, bhabin):
        Client().post(reverse("login"), {"username": bhabin.username, "password": PASSWORD}, REMOTE_ADDR="10.2.3.4")
        [entry] = entries(AuditAction.SIGN_IN)
        assert entry.actor == bhabin
        assert entry.ip_hash

    def test_failed_sign_in_keeps_the_username_tried_never_the_password(self, bhabin):
        Client().post(reverse("login"), {"username": bhabin.username, "password": "wrong-password-123"})
        [entry] = entries(AuditAction.SIGN_IN_FAILED)
        assert entry.actor is None
        assert entry.actor_username == bhabin.username
        assert "wrong-password" not in entry.summary

    def test_unknown_username_is_not_stored_it_may_be_a_password(self):
        Client().post(reverse("login"), {"username": "Rahasia-Sandi-2025", "password": "whatever-123456"})
        [entry] = entries(AuditAction.SIGN_IN_FAILED)
        assert entry.actor_username == "(unknown)"
        assert not AuditEntry.objects.filter(actor_username__icontains="rahasia").exists()

    def test_admin_sign_in_is_recorded_too(self, site_admin):
        Client().post(reverse("admin:login"), {"username": site_admin.username, "password": PASSWORD})
        assert [entry.actor for entry in entries(AuditAction.SIGN_IN)] == [site_admin]


class TestSignOut:
    def test_sign_out(self, bhabin):
        client_for(bhabin).post(reverse("logout"))
        [entry] = entries(AuditAction.SIGN_OUT)
        assert entry.actor == bhabin

    def test_signing_out_when_not_signed_in_records_nothing(self):
        Client().post(reverse("logout"))
        assert not AuditEntry.objects.filter(action=AuditAction.SIGN_OUT).exists()
