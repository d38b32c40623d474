import pytest
from django.contrib.auth.models import Group

from core import roles
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def perms_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_four_roles_exist():
    assert set(roles.ROLES) <= set(Group.objects.values_list("name", flat=True))


def test_admin_manages_master_data():
    assert {
        "patrols.add_village",
        "patrols.change_village",
        "patrols.change_assignment",
        "patrols.add_officer",
        "patrols.change_officer",
    } <= perms_of(roles.ADMIN)


def test_command_reads_but_does_not_change_master_data():
    perms = perms_of(roles.COMMAND)
    assert {"patrols.view_village", "patrols.view_officer", "patrols.view_assignment"} <= perms
    assert not {p for p in perms if p.startswith("patrols.") and p.split(".")[1].startswith(("add_", "delete_"))}
    assert "patrols.change_village" not in perms


def test_officer_cannot_touch_master_data():
    perms = perms_of(roles.OFFICER)
    assert not perms & {"patrols.change_village", "patrols.change_officer", "patrols.change_assignment"}


def test_a_user_inherits_the_role_permissions():
    officer = OfficerFactory(role=roles.ADMIN)
    assert officer.has_perm("patrols.change_village")
    assert not OfficerFactory(role=roles.OFFICER).has_perm("patrols.change_village")
