import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import roles
from core.images import process_photo
from patrols.models import ImbauanTopic, Patrol, PatrolEdit, PatrolPhoto
from patrols.services import patrol_log, patrol_update
from tests.factories import OfficerFactory, neighbour_village, unit, village
from tests.patrols.conftest import log, stored_files
from tests.photos import photo_upload
from units.models import Kecamatan

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def photos(count: int):
    return [process_photo(photo_upload(f"{n}.jpg", width=200, height=150)) for n in range(count)]


def current_values(patrol: Patrol) -> dict:
    """Every field patrol_update takes, as they are now: edit one and pass the rest unchanged."""
    return {
        "patrol_type": patrol.patrol_type,
        "mode": patrol.mode,
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "village": patrol.village,
        "place": patrol.place,
        "leader": patrol.leader,
        "summary": patrol.summary,
        "members": list(patrol.members.all()),
        "partners": patrol.partners,
        "residents_met": patrol.residents_met,
        "topics": list(patrol.topics.all()),
        "situation": patrol.situation,
        "findings": patrol.findings,
        "actions": patrol.actions,
        "latitude": patrol.latitude,
        "longitude": patrol.longitude,
    }


class TestPatrolUnit:
    def test_a_patrol_belongs_to_the_polsek_of_its_village(self, bhabin):
        assert log(bhabin).unit == unit("krangkeng")
        assert log(bhabin, village=neighbour_village()).unit.code == "karangampel"

    def test_moving_a_patrol_to_another_village_moves_it_to_that_polsek(self, bhabin):
        patrol = log(bhabin)
        patrol_update(patrol=patrol, editor=bhabin, **{**current_values(patrol), "village": neighbour_village()})
        patrol.refresh_from_db()
        assert patrol.unit.code == "karangampel"

    def test_a_village_no_polsek_covers_is_refused(self, bhabin):
        village = neighbour_village()
        Kecamatan.objects.filter(code="32.12.10").update(unit=None)
        village.unit = None
        with pytest.raises(ValidationError) as excinfo:
            log(bhabin, village=village)
        assert "village" in excinfo.value.message_dict
        assert not Patrol.objects.exists()


class TestPatrolLog:
    def test_records_the_patrol_with_members_topics_and_author(self, bhabin, other_bhabin):
        topics = list(ImbauanTopic.objects.filter(slug__in=["narkoba", "hoaks"]))
        patrol = log(bhabin, members=[other_bhabin, bhabin], topics=topics, place="  Balai Desa  ")
        assert patrol.created_by == bhabin
        assert patrol.leader == bhabin
        assert list(patrol.members.all()) == [other_bhabin], "the leader is not also a member"
        assert set(patrol.topics.all()) == set(topics)
        assert patrol.place == "Balai Desa"

    def test_stores_photos_under_random_names(self, media_storage, bhabin):
        patrol = log(bhabin, photos=2)
        stored = list(patrol.photos.all())
        assert len(stored) == 2
        for photo in stored:
            assert re.fullmatch(r"patrols/([0-9a-f]{2})/\1[0-9a-f]{30}\.jpg", photo.image.name)
            assert re.fullmatch(r"patrols/([0-9a-f]{2})/\1[0-9a-f]{30}_t\.jpg", photo.thumbnail.name)
            assert photo.image.storage.exists(photo.image.name)
            assert photo.thumbnail.storage.exists(photo.thumbnail.name)
        assert len(stored_files()) == 4

    def test_invalid_patrol_saves_nothing(self, bhabin):
        now = timezone.now()
        with pytest.raises(ValidationError):
            log(bhabin, photos=1, started_at=now - HOUR, ended_at=now - 2 * HOUR)
        assert not Patrol.objects.exists()
        assert stored_files() == []

    def test_more_than_five_photos_is_refused(self, bhabin):
        with pytest.raises(ValidationError):
            log(bhabin, photos=6)
        assert not Patrol.objects.exists()
        assert stored_files() == []

    def test_a_failure_while_storing_photos_leaves_no_files(self, media_storage, bhabin, monkeypatch):
        original = PatrolPhoto.full_clean
        calls = []

        def fail_on_second(self, *args, **kwargs):
            calls.append(self)
            if len(calls) == 2:
                raise ValidationError("disk says no")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(PatrolPhoto, "full_clean", fail_on_second)
        with pytest.raises(ValidationError):
            log(bhabin, photos=3)
        assert not Patrol.objects.exists()
        assert not PatrolPhoto.objects.exists()
        assert stored_files() == []

    def test_only_roles_that_log_patrols_may(self, operator):
        with pytest.raises(PermissionDenied):
            patrol_log(
                author=operator,
                patrol_type="sambang",
                mode="r2",
                started_at=timezone.now() - 2 * HOUR,
                ended_at=timezone.now() - HOUR,
                village=village("Krangkeng"),
                place="Balai Desa",
                leader=operator,
                summary="x",
            )


class TestPatrolUpdate:
    def test_records_who_changed_which_fields(self, bhabin, other_bhabin):
        patrol = log(bhabin)
        values = current_values(patrol) | {"residents_met": 30, "summary": "Diperbaiki.", "members": [other_bhabin]}
        edit = patrol_update(patrol=patrol, editor=bhabin, **values)
        patrol.refresh_from_db()
        assert patrol.residents_met == 30
        assert list(patrol.members.all()) == [other_bhabin]
        assert edit.editor == bhabin
        assert edit.changed_fields == ["residents_met", "summary", "members"]
        assert patrol.updated_at >= edit.edited_at - datetime.timedelta(seconds=1)

    def test_nothing_changed_records_nothing(self, bhabin):
        patrol = log(bhabin)
        assert patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol)) is None
        assert not PatrolEdit.objects.exists()

    def test_validates_like_logging(self, bhabin):
        patrol = log(bhabin)
        values = current_values(patrol) | {"ended_at": patrol.started_at - HOUR}
        with pytest.raises(ValidationError):
            patrol_update(patrol=patrol, editor=bhabin, **values)
        patrol.refresh_from_db()
        assert patrol.ended_at > patrol.started_at

    def test_leader_may_edit_within_seven_days(self, bhabin):
        patrol = log(bhabin)
        Patrol.objects.filter(pk=patrol.pk).update(created_at=timezone.now() - datetime.timedelta(days=6, hours=23))
        assert patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol) | {"residents_met": 3})

    def test_leader_may_not_edit_after_seven_days(self, bhabin):
        patrol = log(bhabin)
        Patrol.objects.filter(pk=patrol.pk).update(created_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
        with pytest.raises(PermissionDenied):
            patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol) | {"residents_met": 3})

    def test_author_who_is_not_the_leader_may_edit(self, bhabin, other_bhabin):
        patrol = log(bhabin, leader=other_bhabin)
        assert patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol) | {"residents_met": 3})

    def test_a_member_may_not_edit(self, bhabin, other_bhabin):
        patrol = log(bhabin, members=[other_bhabin])
        with pytest.raises(PermissionDenied):
            patrol_update(patrol=patrol, editor=other_bhabin, **current_values(patrol) | {"residents_met": 3})

    @pytest.mark.parametrize("role", [roles.COMMAND, roles.ADMIN])
    def test_command_and_admin_edit_any_time(self, bhabin, role):
        patrol = log(bhabin)
        Patrol.objects.filter(pk=patrol.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
        editor = OfficerFactory(role=role)
        edit = patrol_update(patrol=patrol, editor=editor, **current_values(patrol) | {"situation": "kejadian"})
        assert edit.editor == editor

    def test_operator_may_not_edit(self, bhabin, operator):
        patrol = log(bhabin)
        with pytest.raises(PermissionDenied):
            patrol_update(patrol=patrol, editor=operator, **current_values(patrol) | {"residents_met": 3})

    def test_removed_photos_are_deleted_after_commit(self, media_storage, bhabin, django_capture_on_commit_callbacks):
        patrol = log(bhabin, photos=2)
        doomed = patrol.photos.first()
        with django_capture_on_commit_callbacks(execute=True):
            edit = patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol), remove_photos=[doomed])
        assert edit.changed_fields == ["photos"]
        assert list(patrol.photos.all()) != [] and doomed not in patrol.photos.all()
        assert len(stored_files()) == 2

    def test_photos_are_added_up_to_five(self, bhabin):
        patrol = log(bhabin, photos=4)
        patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol), photos=photos(1))
        assert patrol.photos.count() == 5
        with pytest.raises(ValidationError):
            patrol_update(patrol=patrol, editor=bhabin, **current_values(patrol), photos=photos(1))
        assert patrol.photos.count() == 5
        assert len(stored_files()) == 10

    def test_photos_of_another_patrol_cannot_be_removed(self, bhabin):
        mine, other = log(bhabin, photos=1), log(bhabin, photos=1)
        foreign = other.photos.get()
        assert patrol_update(patrol=mine, editor=bhabin, **current_values(mine), remove_photos=[foreign]) is None
        assert other.photos.count() == 1
