"""The audit trail in Django's admin: read-only for everyone, superusers included."""

import pytest
from django.urls import reverse

from audit.models import AuditAction
from audit.services import audit_record
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(operator):
    return audit_record(action=AuditAction.IDENTITY_REVEALED, actor=operator, summary="pelapor #12")


class TestReadOnlyAdmin:
    def test_superuser_can_list_and_view(self, superuser, entry):
        client = client_for(superuser)
        assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
        response = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode()

    def test_nobody_can_add(self, superuser):
        assert client_for(superuser).get(reverse("admin:audit_auditentry_add")).status_code == 403

    def test_nobody_can_change(self, superuser, entry):
        url = reverse("admin:audit_auditentry_change", args=[entry.pk])
        client_for(superuser).post(url, {"summary": "diubah"})
        entry.refresh_from_db()
        assert entry.summary == "pelapor #12"

    def test_nobody_can_delete(self, superuser, entry):
        url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
        assert client_for(superuser).post(url, {"post": "yes"}).status_code == 403
        entry.refresh_from_db()

    def test_no_add_change_or_delete_permission_exists_to_grant(self):
        from django.contrib.auth.models import Permission

        codenames = set(Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True))
        assert codenames == {"view_auditentry"}


class TestRoles:
    def test_only_command_may_view(self, bhabin, operator, commander, site_admin):
        assert commander.has_perm("audit.view_auditentry")
        assert not any(user.has_perm("audit.view_auditentry") for user in (bhabin, operator, site_admin))

    def test_admin_role_may_unlock_sign_ins(self, site_admin, commander):
        assert site_admin.has_perms(["axes.view_accessattempt", "axes.delete_accessattempt"])
        assert not commander.has_perm("axes.delete_accessattempt")
