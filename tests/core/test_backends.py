"""OneQueryPermissionsBackend: ModelBackend's answers, read in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission

from core import roles
from core.backends import OneQueryPermissionsBackend
from patrols.models import Officer
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def fresh(officer: Officer) -> Officer:
    """The officer as a new request loads it (no permissions read yet)."""
    return Officer.objects.get(pk=officer.pk)


class TestOneQueryPermissionsBackend:
    @pytest.mark.parametrize("role", roles.ROLES)
    def test_the_same_permissions_as_model_backend(self, role):
        officer = OfficerFactory(role=role)
        officer.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
        expected = ModelBackend().get_all_permissions(fresh(officer))
        assert OneQueryPermissionsBackend().get_all_permissions(fresh(officer)) == expected
        assert "audit.view_auditentry" in expected

    def test_one_query_then_none_for_the_rest_of_the_request(self, django_assert_num_queries):
        officer = fresh(OfficerFactory(role=roles.COMMAND))
        backend = OneQueryPermissionsBackend()
        with django_assert_num_queries(1):
            assert backend.has_perm(officer, "patrols.view_all_patrols")
            assert backend.has_perm(officer, "aspirations.view_all_aspirations")
            assert not backend.has_perm(officer, "patrols.log_patrol")

    def test_a_superuser_has_every_permission(self):
        officer = OfficerFactory(is_superuser=True)
        assert OneQueryPermissionsBackend().get_all_permissions(fresh(officer)) == ModelBackend().get_all_permissions(
            fresh(officer)
        )

    def test_inactive_and_anonymous_users_have_none(self, django_assert_num_queries):
        inactive = OfficerFactory(role=roles.COMMAND, is_active=False)
        with django_assert_num_queries(0):
            assert OneQueryPermissionsBackend().get_all_permissions(inactive) == set()
            assert OneQueryPermissionsBackend().get_all_permissions(AnonymousUser()) == set()

    def test_no_object_permissions(self):
        officer = OfficerFactory(role=roles.COMMAND)
        assert OneQueryPermissionsBackend().get_all_permissions(officer, obj=officer) == set()
