"""Who the officer choices list: holders of a permission by role or directly."""

import pytest
from django.contrib.auth.models import Permission

from aspirations.selectors import handling_officers
from core import roles
from patrols.selectors import patrol_officers
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


class TestPatrolOfficers:
    def test_by_role_directly_or_as_superuser(self):
        by_role = OfficerFactory(role=roles.OFFICER)
        directly = OfficerFactory()
        directly.user_permissions.add(permission("log_patrol"))
        superuser = OfficerFactory(is_superuser=True)
        OfficerFactory(role=roles.OPERATOR)
        OfficerFactory()
        assert set(patrol_officers()) == {by_role, directly, superuser}

    def test_inactive_ones_only_when_asked(self):
        retired = OfficerFactory(role=roles.OFFICER, is_active=False)
        assert retired not in patrol_officers()
        assert retired in patrol_officers(include_inactive=True)


class TestHandlingOfficers:
    def test_by_role_or_directly_not_as_superuser(self):
        by_role = OfficerFactory(role=roles.OFFICER)
        directly = OfficerFactory()
        directly.user_permissions.add(permission("handle_aspiration"))
        OfficerFactory(is_superuser=True)
        OfficerFactory(role=roles.OPERATOR)
        assert set(handling_officers()) == {by_role, directly}

    def test_a_permission_of_another_app_with_the_same_name_is_not_enough(self):
        officer = OfficerFactory()
        officer.user_permissions.add(permission("log_patrol"))
        assert officer not in handling_officers()
