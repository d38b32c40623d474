"""API keys in the admin: created by the admin role, shown once, stored as a digest, revoked with a button."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from open311 import keys
from open311.models import ApiClient
from tests.conftest import client_for
from tests.open311.conftest import post

pytestmark = pytest.mark.django_db

ADD = {"name": "Aplikasi Desa Tanjakan", "contact": "Kuwu Tanjakan, 0812", "jurisdiction": "krangkeng"}


def create(admin_client, **changes):
    return admin_client.post(reverse("admin:open311_apiclient_add"), {**ADD, "rate_limit_per_hour": "30", **changes})


@pytest.fixture
def admin_client(key_admin):
    return client_for(key_admin)


class TestCreate:
    def test_the_key_is_shown_once_and_stored_as_a_digest(self, admin_client):
        response = create(admin_client)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        client = ApiClient.objects.get()
        key = response.context["key"]
        assert key.startswith("krk311_") and len(key) > 40
        assert key in response.content.decode()
        assert client.key_digest == keys.digest(key)
        assert client.key_prefix == key[:13]
        assert (client.name, client.rate_limit_per_hour, client.jurisdiction) == (
            "Aplikasi Desa Tanjakan",
            30,
            "krangkeng",
        )
        assert not ApiClient.objects.filter(key_digest=key).exists()
        change_page = admin_client.get(reverse("admin:open311_apiclient_change", args=[client.pk]))
        assert key not in change_page.content.decode()
        assert client.key_prefix in change_page.content.decode()

    def test_the_new_key_works(self, admin_client):
        key = create(admin_client).context["key"]
        assert post(key).status_code == 200

    def test_creation_is_audited(self, admin_client, key_admin):
        key = create(admin_client).context["key"]
        entry = AuditEntry.objects.get(action=AuditAction.API_KEY_CREATED)
        assert entry.actor == key_admin
        assert key not in entry.summary

    def test_a_form_error_shows_the_form_again(self, admin_client):
        response = create(admin_client, name="")
        assert response.status_code == 200
        assert "key" not in response.context
        assert not ApiClient.objects.exists()

    def test_an_unknown_unit_is_refused(self, admin_client):
        create(admin_client, jurisdiction="polsek-lain")
        assert not ApiClient.objects.exists()

    @pytest.mark.parametrize("persona", ["operator", "commander"])
    def test_only_the_admin_role(self, request, persona):
        user = request.getfixturevalue(persona)
        user.is_staff = True
        user.save()
        response = create(client_for(user))
        assert response.status_code == 403
        assert not ApiClient.objects.exists()


class TestRevoke:
    def test_the_button_asks_then_revokes(self, admin_client, api_client):
        change = admin_client.get(reverse("admin:open311_apiclient_change", args=[api_client.pk])).content.decode()
        revoke_url = reverse("admin:open311_apiclient_revoke", args=[api_client.pk])
        assert revoke_url in change
        assert admin_client.get(revoke_url).status_code == 200
        api_client.refresh_from_db()
        assert api_client.is_active  # a GET only asks
        response = admin_client.post(revoke_url)
        assert response.status_code == 302
        api_client.refresh_from_db()
        assert not api_client.is_active
        assert post(api_client.key).status_code == 403
        assert AuditEntry.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1
        admin_client.post(revoke_url)
        assert AuditEntry.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1

    def test_clients_are_never_deleted(self, admin_client, api_client):
        response = admin_client.post(reverse("admin:open311_apiclient_delete", args=[api_client.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert ApiClient.objects.filter(pk=api_client.pk).exists()

    def test_outsiders_cannot_revoke(self, operator, api_client):
        operator.is_staff = True
        operator.save()
        response = client_for(operator).post(reverse("admin:open311_apiclient_revoke", args=[api_client.pk]))
        assert response.status_code == 403
        api_client.refresh_from_db()
        assert api_client.is_active
