import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patrols.models import EDIT_WINDOW, ImbauanTopic, Patrol, PatrolMode, PatrolType, Situation
from tests.factories import PatrolFactory, village

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def error_codes(excinfo, field: str) -> list[str]:
    return [error.code for error in excinfo.value.error_dict[field]]


class TestPatrolDefaults:
    def test_a_new_patrol_is_a_safe_sambang_by_motorbike(self):
        patrol = Patrol()
        assert patrol.patrol_type == PatrolType.SAMBANG
        assert patrol.mode == PatrolMode.MOTORBIKE
        assert patrol.situation == Situation.SAFE
        assert patrol.residents_met == 0
        assert patrol.created_at <= timezone.now()

    def test_newest_first(self, bhabin):
        old = PatrolFactory(leader=bhabin, started_at=timezone.now() - 10 * HOUR)
        new = PatrolFactory(leader=bhabin, started_at=timezone.now() - 3 * HOUR)
        assert list(Patrol.objects.all()) == [new, old]


class TestPatrolClean:
    def build(self, bhabin, **fields) -> Patrol:
        now = timezone.now()
        values = {
            "started_at": now - 2 * HOUR,
            "ended_at": now - HOUR,
            "village": village("Krangkeng"),
            "place": "Balai Desa",
            "leader": bhabin,
            "created_by": bhabin,
            "summary": "Sambang.",
            **fields,
        }
        return Patrol(**values)

    def test_a_complete_patrol_is_valid(self, bhabin):
        self.build(bhabin).full_clean()

    def test_end_must_be_after_start(self, bhabin):
        now = timezone.now()
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, started_at=now - HOUR, ended_at=now - 2 * HOUR).full_clean()
        assert error_codes(excinfo, "ended_at") == ["end_before_start"]

    def test_end_equal_to_start_is_refused(self, bhabin):
        moment = timezone.now() - HOUR
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, started_at=moment, ended_at=moment).full_clean()
        assert error_codes(excinfo, "ended_at") == ["end_before_start"]

    def test_start_in_the_future_is_refused(self, bhabin):
        now = timezone.now()
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, started_at=now + HOUR, ended_at=now + 2 * HOUR).full_clean()
        assert error_codes(excinfo, "started_at") == ["future"]
        assert error_codes(excinfo, "ended_at") == ["future"]

    def test_a_few_minutes_of_clock_drift_are_tolerated(self, bhabin):
        now = timezone.now()
        self.build(bhabin, started_at=now - HOUR, ended_at=now + datetime.timedelta(minutes=5)).full_clean()

    def test_more_than_a_day_is_refused(self, bhabin):
        now = timezone.now()
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, started_at=now - 30 * HOUR, ended_at=now - HOUR).full_clean()
        assert error_codes(excinfo, "ended_at") == ["too_long"]

    def test_latitude_without_longitude_is_refused(self, bhabin):
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, latitude="-6.4876").full_clean()
        assert error_codes(excinfo, "longitude") == ["half_location"]

    def test_coordinates_out_of_range_are_refused(self, bhabin):
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, latitude="-96.1", longitude="108.5").full_clean()
        assert "latitude" in excinfo.value.error_dict

    def test_summary_and_place_are_required(self, bhabin):
        with pytest.raises(ValidationError) as excinfo:
            self.build(bhabin, summary="", place="").full_clean()
        assert {"summary", "place"} <= set(excinfo.value.error_dict)


class TestPatrolConstraints:
    """The database refuses what validation would, even for writes that skip full_clean()."""

    def test_end_before_start(self, bhabin):
        now = timezone.now()
        with pytest.raises(IntegrityError), transaction.atomic():
            PatrolFactory(leader=bhabin, started_at=now - HOUR, ended_at=now - 2 * HOUR)

    def test_half_a_location(self, bhabin):
        with pytest.raises(IntegrityError), transaction.atomic():
            PatrolFactory(leader=bhabin, latitude="-6.5")


class TestPatrolProperties:
    def test_edit_deadline_is_seven_days_after_logging(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        assert patrol.edit_deadline == patrol.created_at + EDIT_WINDOW == patrol.created_at + datetime.timedelta(days=7)

    def test_night_patrol_past_midnight_does_not_end_the_same_day(self, bhabin):
        start = timezone.make_aware(datetime.datetime(2024, 5, 20, 22, 30))
        patrol = PatrolFactory(leader=bhabin, started_at=start, ended_at=start + 3 * HOUR)
        assert not patrol.ends_same_day
        morning = timezone.make_aware(datetime.datetime(2024, 5, 20, 8, 0))
        assert PatrolFactory(leader=bhabin, started_at=morning, ended_at=morning + 3 * HOUR).ends_same_day

    def test_incident_flag(self, bhabin):
        assert PatrolFactory(leader=bhabin, situation=Situation.INCIDENT).has_incident
        assert not PatrolFactory(leader=bhabin).has_incident

    def test_str_names_type_village_and_local_time(self, bhabin):
        start = timezone.make_aware(datetime.datetime(2024, 5, 20, 8, 0))
        patrol = PatrolFactory(leader=bhabin, started_at=start, ended_at=start + HOUR)
        assert str(patrol).endswith("Krangkeng – 20-05-2024 08:00")

    def test_absolute_url(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        assert patrol.get_absolute_url() == f"/patroli/{patrol.pk}/"


class TestImbauanTopics:
    def test_the_data_migration_seeds_the_usual_topics(self):
        slugs = set(ImbauanTopic.objects.values_list("slug", flat=True))
        assert {
            "pencurian-3c",
            "narkoba",
            "hoaks",
            "geng-motor-tawuran",
            "lalu-lintas",
            "banjir-bencana",
            "pemilu",
            "kdrt",
            "judi-online",
        } <= slugs
        assert all(ImbauanTopic.objects.values_list("is_active", flat=True))

    def test_listed_in_their_position_order(self):
        positions = list(ImbauanTopic.objects.values_list("position", flat=True))
        assert positions == sorted(positions)
