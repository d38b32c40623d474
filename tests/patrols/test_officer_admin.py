"""Officers in the admin: the admin role manages accounts, only a superuser their privileges."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from core import roles
from tests.admin_forms import change_form_data
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-Krangkeng-2025"


def change_url(officer) -> str:
    return reverse("admin:patrols_officer_change", args=[officer.pk])


def group_ids(*names: str) -> list[str]:
    return [str(pk) for pk in Group.objects.filter(name__in=names).values_list("pk", flat=True)]


class TestEscalation:
    def test_the_admin_role_cannot_make_itself_superuser_or_command(self, site_admin):
        """The attack of issue 12: the admin role posts its own record with is_superuser=on and the command role."""
        client = client_for(site_admin)
        crafted = change_form_data(
            client.get(change_url(site_admin)),
            is_superuser="on",
            is_staff="on",
            groups=group_ids(roles.ADMIN, roles.COMMAND),
            first_name="Admin Baru",
        )
        response = client.post(change_url(site_admin), crafted)
        assert response.status_code == 302
        site_admin.refresh_from_db()
        assert site_admin.first_name == "Admin Baru"  # the rest of the form was saved
        assert not site_admin.is_superuser
        assert list(site_admin.groups.values_list("name", flat=True)) == [roles.ADMIN]
        assert client.get(reverse("audit:entry_list")).status_code == 403

    def test_nor_give_another_account_privileges(self, site_admin, bhabin):
        client = client_for(site_admin)
        crafted = change_form_data(
            client.get(change_url(bhabin)), is_superuser="on", is_staff="on", groups=group_ids(roles.COMMAND)
        )
        assert client.post(change_url(bhabin), crafted).status_code == 302
        bhabin.refresh_from_db()
        assert not (bhabin.is_superuser or bhabin.is_staff)
        assert list(bhabin.groups.values_list("name", flat=True)) == [roles.OFFICER]
        assert not AuditEntry.objects.filter(action=AuditAction.PERMISSIONS_CHANGED, actor=site_admin).exists()

    def test_the_privileges_are_read_only_for_the_admin_role(self, site_admin, bhabin):
        response = client_for(site_admin).get(change_url(bhabin))
        form = response.context["adminform"].form
        assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
        assert "is_active" in form.fields

    def test_a_crafted_post_to_the_add_form_creates_a_plain_account(self, site_admin):
        client = client_for(site_admin)
        url = reverse("admin:patrols_officer_add")
        crafted = change_form_data(
            client.get(url),
            username="siluman",
            password1=NEW_PASSWORD,
            password2=NEW_PASSWORD,
            is_superuser="on",
            is_staff="on",
            groups=group_ids(roles.COMMAND),
        )
        assert client.post(url, crafted).status_code == 302
        created = type(site_admin).objects.get(username="siluman")
        assert not (created.is_superuser or created.is_staff or created.groups.exists())


class TestSuperuserAccounts:
    """Resetting a superuser's password would be signing in as them: theirs alone."""

    def test_the_admin_role_only_reads_a_superuser_s_account(self, site_admin, superuser):
        client = client_for(site_admin)
        page = client.get(change_url(superuser))
        assert page.status_code == 200
        assert set(page.context["adminform"].form.fields) == {"password"}  # Django's link to the password form
        assert client.post(change_url(superuser), {"is_active": ""}).status_code == 403
        superuser.refresh_from_db()
        assert superuser.is_active

    def test_nor_sets_its_password(self, site_admin, superuser):
        url = reverse("admin:auth_user_password_change", args=[superuser.pk])
        response = client_for(site_admin).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 403
        superuser.refresh_from_db()
        assert not superuser.check_password(NEW_PASSWORD)

    def test_nor_deletes_it_from_the_list(self, site_admin, superuser):
        url = reverse("admin:patrols_officer_changelist")
        data = {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"}
        assert client_for(site_admin).post(url, data).status_code == 403
        assert type(superuser).objects.filter(pk=superuser.pk).exists()


class TestSuperuser:
    def test_changes_roles_and_it_is_audited(self, superuser, bhabin):
        client = client_for(superuser)
        data = change_form_data(client.get(change_url(bhabin)), groups=group_ids(roles.COMMAND))
        assert client.post(change_url(bhabin), data, REMOTE_ADDR="10.4.4.4").status_code == 302
        assert list(bhabin.groups.values_list("name", flat=True)) == [roles.COMMAND]
        summaries = AuditEntry.objects.filter(action=AuditAction.PERMISSIONS_CHANGED, actor=superuser)
        assert list(summaries.order_by("pk").values_list("summary", flat=True)) == [
            "bhabin.test: groups: officer → –",
            "bhabin.test: groups: – → command",
        ]


class TestAdminRole:
    def test_deactivates_an_officer_and_resets_their_password(self, site_admin, bhabin):
        client = client_for(site_admin)
        assert (
            client.post(change_url(bhabin), change_form_data(client.get(change_url(bhabin)), is_active="")).status_code
            == 302
        )
        url = reverse("admin:auth_user_password_change", args=[bhabin.pk])
        assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
        bhabin.refresh_from_db()
        assert not bhabin.is_active and bhabin.check_password(NEW_PASSWORD)
        actions = AuditEntry.objects.filter(actor=site_admin, target_id=str(bhabin.pk)).values_list("action", flat=True)
        assert sorted(actions) == [AuditAction.ACCOUNT_CHANGED, AuditAction.PASSWORD_CHANGED]
