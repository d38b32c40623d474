"""patrols.accounts: only a superuser changes privileges in a request; every account change is audited."""

import getpass

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory

from audit.middleware import AuditContextMiddleware
from audit.models import AuditAction, AuditEntry
from core import roles
from patrols.models import Officer
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

SYSTEM = f"(system: {getpass.getuser()})"


def in_request_by(user, change) -> None:
    """Run `change` as the view of a request signed in as `user`, through the real middleware
    (atomic, as the admin's views are: a refused change leaves nothing behind)."""
    request = RequestFactory().post("/", REMOTE_ADDR="10.3.3.3")
    request.user = user

    def view(request):
        with transaction.atomic():
            change()

    AuditContextMiddleware(view)(request)


@pytest.fixture
def entries():
    """The summaries of entries written during the test itself (not by its fixtures), oldest first."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def written(action: str, officer) -> list[str]:
        rows = AuditEntry.objects.filter(pk__gt=last, action=action)
        rows = rows.filter(target_type="patrols.officer", target_id=str(officer.pk))
        return list(rows.order_by("pk").values_list("summary", flat=True))

    return written


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def make_superuser(officer) -> None:
    officer.is_superuser = True
    officer.save()


def toggle_staff(officer) -> None:
    officer.is_staff = not officer.is_staff
    officer.save()


PRIVILEGE_CHANGES = {
    "is_superuser": make_superuser,
    "is_staff": toggle_staff,
    "groups": lambda officer: officer.groups.add(group(roles.COMMAND)),
    "groups, from the group's side": lambda officer: group(roles.COMMAND).user_set.add(officer),
    "user_permissions": lambda officer: officer.user_permissions.add(
        Permission.objects.get(codename="view_auditentry")
    ),
    "a role's permissions": lambda officer: group(roles.ADMIN).permissions.add(
        Permission.objects.get(codename="view_auditentry")
    ),
}


class TestOnlySuperusersChangePrivileges:
    @pytest.mark.parametrize("change", sorted(PRIVILEGE_CHANGES))
    def test_refused_in_a_request_by_anyone_else_even_for_themselves(self, change, site_admin):
        with pytest.raises(PermissionDenied):
            in_request_by(site_admin, lambda: PRIVILEGE_CHANGES[change](site_admin))
        site_admin.refresh_from_db()
        assert not site_admin.is_superuser
        assert list(site_admin.groups.values_list("name", flat=True)) == [roles.ADMIN]
        assert not site_admin.has_perm("audit.view_auditentry")

    @pytest.mark.parametrize("change", sorted(PRIVILEGE_CHANGES))
    def test_a_superuser_may(self, change, superuser, bhabin):
        in_request_by(superuser, lambda: PRIVILEGE_CHANGES[change](bhabin))

    def test_a_new_staff_account_needs_a_superuser(self, site_admin):
        with pytest.raises(PermissionDenied):
            in_request_by(site_admin, lambda: OfficerFactory(username="staff.baru", is_staff=True))
        assert not Officer.objects.filter(username="staff.baru").exists()

    def test_other_changes_are_the_admin_role_s_to_make(self, site_admin, bhabin):
        def deactivate():
            bhabin.is_active = False
            bhabin.set_password("Sandi-Baru-Krangkeng-2025")
            bhabin.save()

        in_request_by(site_admin, deactivate)
        bhabin.refresh_from_db()
        assert not bhabin.is_active

    def test_commands_and_the_shell_may(self, bhabin):
        make_superuser(bhabin)
        bhabin.groups.add(group(roles.COMMAND))
        bhabin.refresh_from_db()
        assert bhabin.is_superuser


class TestAccountChangesAreAudited:
    def test_the_actor_and_address_inside_a_request(self, superuser, bhabin):
        in_request_by(superuser, lambda: make_superuser(bhabin))
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_CHANGED)
        assert (entry.actor, entry.target_id) == (superuser, str(bhabin.pk))
        assert entry.summary == "bhabin.test: is_superuser: False → True"
        assert entry.ip_hash

    def test_outside_a_request_the_operating_system_user(self, bhabin):
        make_superuser(bhabin)
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_CHANGED)
        assert (entry.actor, entry.actor_username, entry.ip_hash) == (None, SYSTEM, "")

    def test_a_new_account_with_its_status(self, entries):
        officer = Officer.objects.create_user(username="baru", password="Sandi-Baru-Krangkeng-2025")
        assert entries(AuditAction.ACCOUNT_CREATED, officer) == [
            "baru: is_active: True, is_staff: False, is_superuser: False"
        ]
        assert entries(AuditAction.PASSWORD_CHANGED, officer) == []

    def test_active_flag_before_and_after(self, bhabin, entries):
        bhabin.is_active = False
        bhabin.save()
        assert entries(AuditAction.ACCOUNT_CHANGED, bhabin) == ["bhabin.test: is_active: True → False"]

    def test_roles_before_and_after_from_either_side(self, bhabin, entries):
        bhabin.groups.add(group(roles.COMMAND))
        group(roles.OFFICER).user_set.remove(bhabin)
        bhabin.groups.clear()
        assert entries(AuditAction.PERMISSIONS_CHANGED, bhabin) == [
            "bhabin.test: groups: officer → command, officer",
            "bhabin.test: groups: command, officer → command",
            "bhabin.test: groups: command → –",
        ]

    def test_own_permissions_before_and_after(self, bhabin, entries):
        bhabin.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
        assert entries(AuditAction.PERMISSIONS_CHANGED, bhabin) == [
            "bhabin.test: user_permissions: – → audit.view_auditentry"
        ]

    def test_a_role_s_permissions(self):
        command = group(roles.COMMAND)
        command.permissions.remove(Permission.objects.get(codename="view_auditentry"))
        entry = AuditEntry.objects.get(action=AuditAction.PERMISSIONS_CHANGED)
        assert (entry.target_type, entry.target_id) == ("auth.group", str(command.pk))
        assert entry.summary.startswith("command: permissions: ")
        before, after = entry.summary.removeprefix("command: permissions: ").split(" → ")
        assert set(before.split(", ")) - set(after.split(", ")) == {"audit.view_auditentry"}

    def test_a_password_set_never_shows_the_password(self, bhabin, entries):
        bhabin.set_password("Sandi-Baru-Krangkeng-2025")
        bhabin.save()
        assert entries(AuditAction.PASSWORD_CHANGED, bhabin) == ["bhabin.test: new password set"]
        assert not AuditEntry.objects.filter(summary__contains="Sandi").exists()

    def test_a_hash_written_directly_is_recorded_too(self, bhabin, entries):
        bhabin.password = "md5$salt$0123456789abcdef0123456789abcdef"
        bhabin.save(update_fields=["password"])
        assert entries(AuditAction.PASSWORD_CHANGED, bhabin) == ["bhabin.test: password hash replaced"]

    def test_a_save_that_changes_none_of_it_writes_nothing(self, bhabin):
        before = AuditEntry.objects.count()
        bhabin.first_name = "Ahmad Ganti"
        bhabin.save()
        bhabin.save(update_fields=["last_login"])
        assert AuditEntry.objects.count() == before
