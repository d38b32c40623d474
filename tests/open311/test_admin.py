"""API keys in the admin: created by the admin role, shown once, stored as a digest, revoked with a button;
an admin sees and acts on the keys of their own unit and the units below it only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from core import roles
from open311 import keys
from open311.models import ApiClient
from patrols.models import Position
from tests.conftest import client_for
from tests.factories import OfficerFactory, neighbour_village, unit
from tests.open311.conftest import new_client, post
from units.scoping import unit_scope

pytestmark = pytest.mark.django_db

ADD = {"name": "Aplikasi Desa Tanjakan", "contact": "Kuwu Tanjakan, 0812", "rate_limit_per_hour": "30"}


def create(admin_client, **changes):
    data = {**ADD, "unit": unit("krangkeng").pk, **changes}
    return admin_client.post(reverse("admin:open311_apiclient_add"), data)


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
        assert (client.name, client.rate_limit_per_hour, client.unit.code) == (
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
        create(admin_client, unit=987654)
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


class TestScopedToTheAdminsUnit:
    """A key belongs to a unit: an admin issues, lists and revokes keys of their subtree only."""

    @pytest.fixture
    def karangampel_key(self, key_admin):
        neighbour_village()
        client, _key = new_client(key_admin, name="Aplikasi Karangampel", unit=unit("karangampel"))
        return client

    @pytest.fixture
    def polres_admin(self):
        return OfficerFactory(
            username="admin.polres", unit=unit("indramayu"), position=Position.OPERATOR, role=roles.ADMIN, is_staff=True
        )

    def test_the_unit_field_offers_the_admins_subtree(self, admin_client, polres_admin, karangampel_key):
        def offered(client):
            form = client.get(reverse("admin:open311_apiclient_add")).context["adminform"].form
            return {choice.code for choice in form.fields["unit"].queryset}

        assert offered(admin_client) == {"krangkeng"}
        assert offered(client_for(polres_admin)) == {"indramayu", "krangkeng", "karangampel"}

    def test_a_superuser_is_offered_the_deployments_units_only(self):
        root = OfficerFactory(username="root.api", is_staff=True, is_superuser=True)
        form = client_for(root).get(reverse("admin:open311_apiclient_add")).context["adminform"].form
        offered = {choice.code for choice in form.fields["unit"].queryset}
        assert "indramayu" in offered and "krangkeng" in offered
        assert "jabar" not in offered  # above the deployment (KRK_HOME_UNIT: Polres Indramayu)

    def test_a_crafted_post_for_another_polsek_is_refused(self, admin_client, karangampel_key):
        response = create(admin_client, unit=unit("karangampel").pk)
        assert response.status_code == 200
        assert "key" not in response.context
        assert "unit" in response.context["adminform"].form.errors
        assert not ApiClient.objects.filter(name=ADD["name"]).exists()

    def test_another_polseks_keys_are_not_listed(self, admin_client, api_client, karangampel_key):
        listed = admin_client.get(reverse("admin:open311_apiclient_changelist")).context["cl"].result_list
        assert [client.name for client in listed] == [api_client.name]

    def test_another_polseks_key_is_not_found(self, admin_client, karangampel_key):
        change = admin_client.get(reverse("admin:open311_apiclient_change", args=[karangampel_key.pk]))
        assert change.status_code == 302  # the admin's answer to an object it does not find
        for method in ("get", "post"):
            revoke = getattr(admin_client, method)(reverse("admin:open311_apiclient_revoke", args=[karangampel_key.pk]))
            assert revoke.status_code == 404
        karangampel_key.refresh_from_db()
        assert karangampel_key.is_active
        assert not AuditEntry.objects.filter(action=AuditAction.API_KEY_REVOKED).exists()

    def test_the_polres_admin_issues_and_revokes_for_its_polsek(self, polres_admin, karangampel_key):
        client = client_for(polres_admin)
        response = create(client, name="Sistem Kabupaten", unit=unit("indramayu").pk)
        assert response.context["client"].unit.code == "indramayu"
        listed = client.get(reverse("admin:open311_apiclient_changelist")).context["cl"].result_list
        assert {row.name for row in listed} == {"Sistem Kabupaten", "Aplikasi Karangampel"}
        assert client.post(reverse("admin:open311_apiclient_revoke", args=[karangampel_key.pk])).status_code == 302
        karangampel_key.refresh_from_db()
        assert not karangampel_key.is_active


class TestUniqueKeys:
    def test_a_key_of_another_polsek_is_a_validation_error(self, key_admin):
        """Unique checks see every unit, whatever the scope (units.scoping.ScopedValidation)."""
        neighbour_village()
        theirs, _key = new_client(key_admin, unit=unit("karangampel"))
        copy = ApiClient(
            name="Salinan",
            unit=unit("krangkeng"),
            rate_limit_per_hour=60,
            key_prefix=theirs.key_prefix,
            key_digest=theirs.key_digest,
            created_by=key_admin,
        )
        with unit_scope(unit("krangkeng")), pytest.raises(ValidationError) as refused:
            copy.validate_unique()
        assert "key_digest" in refused.value.message_dict
