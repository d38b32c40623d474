"""Patrol.objects.visible_to() / involving() and the access helpers built on them."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core import roles
from patrols.access import get_patrol_for_user, get_patrol_photo_for_user, patrol_can_edit
from patrols.models import Assignment, Patrol
from tests.factories import OfficerFactory, PatrolFactory, village
from tests.patrols.conftest import log

pytestmark = pytest.mark.django_db


@pytest.fixture
def patrols(bhabin, other_bhabin):
    """One patrol in each officer's own village, each by someone else, plus one bhabin joined in Tanjakan."""
    colleague = OfficerFactory(role=roles.OFFICER)
    return {
        "krangkeng": PatrolFactory(leader=colleague, village=village("Krangkeng")),
        "tanjakan": PatrolFactory(leader=colleague, village=village("Tanjakan")),
        "tanjakan_joined": PatrolFactory(leader=other_bhabin, village=village("Tanjakan"), members=[bhabin]),
        "kalianyar_led": PatrolFactory(leader=bhabin, village=village("Kalianyar")),
        "purwajaya_logged": PatrolFactory(leader=colleague, created_by=bhabin, village=village("Purwajaya")),
    }


class TestVisibleTo:
    def test_officer_sees_assigned_villages_and_own_patrols(self, bhabin, patrols):
        visible = set(Patrol.objects.visible_to(bhabin))
        assert visible == {
            patrols["krangkeng"],
            patrols["tanjakan_joined"],
            patrols["kalianyar_led"],
            patrols["purwajaya_logged"],
        }

    def test_officer_of_another_village_does_not_see_ours(self, other_bhabin, patrols):
        visible = set(Patrol.objects.visible_to(other_bhabin))
        assert patrols["krangkeng"] not in visible
        assert patrols["tanjakan"] in visible

    def test_a_finished_assignment_no_longer_shows_the_village(self, bhabin, patrols):
        Assignment.objects.filter(officer=bhabin).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
        assert patrols["krangkeng"] not in set(Patrol.objects.visible_to(bhabin))
        assert patrols["kalianyar_led"] in set(Patrol.objects.visible_to(bhabin))

    @pytest.mark.parametrize("fixture", ["operator", "commander", "site_admin"])
    def test_unit_wide_roles_see_everything(self, request, fixture, patrols):
        user = request.getfixturevalue(fixture)
        assert Patrol.objects.visible_to(user).count() == len(patrols)

    def test_anonymous_sees_nothing(self, patrols):
        assert not Patrol.objects.visible_to(AnonymousUser()).exists()

    def test_inactive_officer_sees_nothing(self, bhabin, patrols):
        bhabin.is_active = False
        bhabin.save()
        assert not Patrol.objects.visible_to(bhabin).exists()

    def test_account_without_a_role_sees_nothing(self, patrols):
        assert not Patrol.objects.visible_to(OfficerFactory()).exists()

    def test_no_duplicates_when_many_members(self, bhabin):
        others = [OfficerFactory(role=roles.OFFICER) for _ in range(3)]
        PatrolFactory(leader=bhabin, members=[*others])
        assert Patrol.objects.visible_to(bhabin).count() == 1
        assert len(list(Patrol.objects.visible_to(bhabin).for_list())) == 1


class TestInvolving:
    def test_led_joined_or_logged_only(self, bhabin, patrols):
        assert set(Patrol.objects.involving(bhabin)) == {
            patrols["tanjakan_joined"],
            patrols["kalianyar_led"],
            patrols["purwajaya_logged"],
        }


class TestPatrolCanEdit:
    def test_leader_within_the_window(self, bhabin):
        patrol = PatrolFactory(leader=bhabin, created_by=OfficerFactory(role=roles.OFFICER))
        assert patrol_can_edit(bhabin, patrol, now=patrol.edit_deadline)
        assert not patrol_can_edit(bhabin, patrol, now=patrol.edit_deadline + datetime.timedelta(seconds=1))

    def test_member_cannot(self, bhabin, other_bhabin):
        patrol = PatrolFactory(leader=other_bhabin, members=[bhabin])
        assert not patrol_can_edit(bhabin, patrol)

    def test_command_any_time_operator_never(self, bhabin, commander, operator):
        patrol = PatrolFactory(leader=bhabin)
        late = patrol.edit_deadline + datetime.timedelta(days=300)
        assert patrol_can_edit(commander, patrol, now=late)
        assert not patrol_can_edit(operator, patrol)

    def test_anonymous_never(self, bhabin):
        assert not patrol_can_edit(AnonymousUser(), PatrolFactory(leader=bhabin))


class TestGetPatrolForUser:
    def test_outsider_gets_404(self, bhabin, other_bhabin):
        patrol = PatrolFactory(leader=bhabin)
        with pytest.raises(Http404):
            get_patrol_for_user(other_bhabin, patrol.pk)

    def test_reader_who_may_not_edit_gets_403(self, bhabin, operator):
        patrol = PatrolFactory(leader=bhabin)
        assert get_patrol_for_user(operator, patrol.pk) == patrol
        with pytest.raises(PermissionDenied):
            get_patrol_for_user(operator, patrol.pk, write=True)

    def test_missing_patrol_is_404(self, bhabin):
        with pytest.raises(Http404):
            get_patrol_for_user(bhabin, 999_999)

    def test_photo_of_an_invisible_patrol_is_404(self, bhabin, other_bhabin):
        photo = log(bhabin, photos=1).photos.get()
        assert get_patrol_photo_for_user(bhabin, photo.pk) == photo
        with pytest.raises(Http404):
            get_patrol_photo_for_user(other_bhabin, photo.pk)
