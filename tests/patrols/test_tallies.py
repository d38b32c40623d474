"""The daily tallies the dashboard sums stay equal to the patrols, whatever changes them."""

import datetime
import importlib
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from patrols import services, tallies
from patrols.models import ImbauanTopic, OfficerPatrolTally, Patrol, PatrolTally, TopicPatrolTally, UnitPatrolTally
from tests.conftest import client_for
from tests.factories import OfficerFactory, PatrolFactory, neighbour_village, village
from tests.patrols.test_patrol_edit import as_posted, whole_minutes

pytestmark = pytest.mark.django_db


def wib(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def recounted() -> dict:
    """What the tallies would be if counted from scratch (the current rows are left as they are)."""
    before = tallies.snapshot()
    tallies.rebuild()
    expected = tallies.snapshot()
    assert_same(before, expected)
    return expected


def assert_same(actual: dict, expected: dict) -> None:
    for kind in expected:
        assert actual[kind] == expected[kind], kind


@pytest.fixture
def topics():
    return list(ImbauanTopic.objects.order_by("pk")[:3])


class TestKeptBySignals:
    def test_a_patrol_logged_through_the_form_is_counted_on_its_wib_day(self, bhabin, other_bhabin, patrol_post):
        topic = ImbauanTopic.objects.filter(is_active=True).first()
        data = patrol_post(residents_met=12, situation="kejadian", members=[other_bhabin.pk], topics=[topic.pk])
        data.update(findings="Ada warga kehilangan motor.", actions="Dicatat.")
        response = client_for(bhabin).post(reverse("patrols:patrol_create"), data)
        assert response.status_code == 302
        patrol = Patrol.objects.get()
        day = timezone.localdate(patrol.started_at)
        assert set(
            PatrolTally.objects.values_list("day", "village_id", "patrol_type", "patrols", "residents", "incidents")
        ) == {(day, patrol.village_id, "sambang", 1, 12, 1)}
        assert set(OfficerPatrolTally.objects.values_list("day", "officer_id", "led", "joined")) == {
            (day, bhabin.pk, 1, 0),
            (day, other_bhabin.pk, 0, 1),
        }
        assert set(TopicPatrolTally.objects.values_list("day", "topic_id", "patrols")) == {(day, topic.pk, 1)}
        recounted()

    def test_the_day_is_the_wib_day_not_the_utc_day(self, bhabin):
        PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 27, 0, 10))  # still Sunday 26 May in UTC
        PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 31, 23, 30))  # the last minutes of 31 May
        assert set(PatrolTally.objects.values_list("day", flat=True)) == {
            datetime.date(2024, 5, 27),
            datetime.date(2024, 5, 31),
        }

    def test_an_edit_that_moves_a_patrol_recounts_both_days(self, bhabin, other_bhabin, topics):
        patrol = PatrolFactory(leader=bhabin, members=[other_bhabin], topics=topics[:2], residents_met=4)
        PatrolFactory(leader=bhabin, started_at=patrol.started_at)  # a neighbour on the same day stays
        patrol = whole_minutes(Patrol.objects.get(pk=patrol.pk))
        earlier = patrol.started_at - datetime.timedelta(days=2)
        changes = {
            "started_at": timezone.localtime(earlier).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": timezone.localtime(earlier + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "village": village("Tanjakan").pk,
            "patrol_type": "dialogis",
            "residents_met": 9,
        }
        response = client_for(bhabin).post(
            reverse("patrols:patrol_edit", kwargs={"pk": patrol.pk}), as_posted(patrol, **changes)
        )
        assert response.status_code == 302
        old_day, new_day = timezone.localdate(patrol.started_at), timezone.localdate(earlier)
        rows = set(PatrolTally.objects.values_list("day", "village_id", "patrol_type", "patrols", "residents"))
        assert rows == {
            (old_day, village("Krangkeng").pk, "sambang", 1, 0),
            (new_day, village("Tanjakan").pk, "dialogis", 1, 9),
        }
        assert set(TopicPatrolTally.objects.values_list("day", "patrols")) == {(new_day, 1)}
        recounted()

    def test_team_and_topic_changes_from_either_side(self, bhabin, other_bhabin, topics):
        patrol = PatrolFactory(leader=bhabin, topics=topics[:1])
        day = timezone.localdate(patrol.started_at)
        patrol.members.add(other_bhabin)
        assert OfficerPatrolTally.objects.get(officer=other_bhabin).joined == 1
        newcomer = OfficerFactory(role="officer")
        newcomer.patrols.add(patrol)  # the reverse side
        assert OfficerPatrolTally.objects.get(officer=newcomer).joined == 1
        topics[1].patrols.add(patrol)
        assert set(TopicPatrolTally.objects.values_list("topic_id", "patrols")) == {
            (topics[0].pk, 1),
            (topics[1].pk, 1),
        }
        topics[0].patrols.clear()
        assert set(TopicPatrolTally.objects.values_list("day", "topic_id")) == {(day, topics[1].pk)}
        newcomer.patrols.remove(patrol)
        patrol.members.clear()
        assert set(OfficerPatrolTally.objects.values_list("officer_id", "led", "joined")) == {(bhabin.pk, 1, 0)}
        recounted()

    def test_a_deleted_patrol_is_no_longer_counted(self, bhabin, other_bhabin, topics):
        kept = PatrolFactory(leader=bhabin, topics=topics[:1])
        gone = PatrolFactory(leader=bhabin, started_at=kept.started_at, members=[other_bhabin], topics=topics[:2])
        gone.delete()
        assert PatrolTally.objects.get().patrols == 1
        assert set(OfficerPatrolTally.objects.values_list("officer_id", "led", "joined")) == {(bhabin.pk, 1, 0)}
        assert set(TopicPatrolTally.objects.values_list("topic_id", "patrols")) == {(topics[0].pk, 1)}
        recounted()

    def test_a_deleted_topic_or_officer_takes_its_rows_along(self, bhabin, topics):
        member = OfficerFactory(role="officer")  # holds no village, so nothing protects the account
        PatrolFactory(leader=bhabin, members=[member], topics=topics[:2])
        topics[1].delete()
        member.delete()
        assert not OfficerPatrolTally.objects.filter(officer_id=member.pk).exists()
        recounted()


class TestRebuild:
    def test_bulk_changes_are_caught_up_by_the_command(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        Patrol.objects.filter(pk=patrol.pk).update(residents_met=30)  # no signal
        with pytest.raises(CommandError, match="out of date"):
            call_command("rebuild_patrol_tallies", "--check")
        assert PatrolTally.objects.get().residents == 0  # --check changed nothing
        call_command("rebuild_patrol_tallies")
        assert PatrolTally.objects.get().residents == 30
        call_command("rebuild_patrol_tallies", "--check")

    def test_migration_0010_counts_what_the_live_code_counts(self, bhabin, other_bhabin, topics):
        """0010 keeps its own copy of the counting (it cannot call the live code, which now also
        writes the unit tally its historical models lack): the copy still counts the same rows."""
        PatrolFactory(leader=bhabin, members=[other_bhabin], topics=topics, residents_met=3, situation="kejadian")
        PatrolFactory(leader=other_bhabin, village=neighbour_village(), started_at=wib(2024, 5, 27, 0, 10))
        expected = tallies.snapshot()
        for model in (PatrolTally, OfficerPatrolTally, TopicPatrolTally):
            model.objects.all().delete()
        state = MigrationExecutor(connection).loader.project_state(("patrols", "0010_units"))
        importlib.import_module("patrols.migrations.0010_units").count_tallies(state.apps)
        actual = tallies.snapshot()
        for kind in (tallies.VILLAGES, tallies.OFFICERS, tallies.TOPICS):
            assert actual[kind] == expected[kind], kind

    def test_the_live_rebuild_runs_on_the_historical_models(self, bhabin, other_bhabin, topics):
        PatrolFactory(leader=bhabin, members=[other_bhabin], topics=topics, residents_met=3)
        expected = tallies.snapshot()
        state = MigrationExecutor(connection).loader.project_state(("patrols", "0013_unit_patrol_tally"))
        tallies.rebuild(apps=state.apps)
        assert_same(tallies.snapshot(), expected)

    def test_migration_0013_fills_the_unit_tally_from_the_village_tally(self, bhabin, other_bhabin):
        PatrolFactory(leader=bhabin, residents_met=3, situation="kejadian")
        PatrolFactory(leader=bhabin, village=village("Tanjakan"), residents_met=5)
        PatrolFactory(leader=other_bhabin, village=neighbour_village(), patrol_type="dds")
        expected = tallies.snapshot()[tallies.UNITS]
        UnitPatrolTally.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(importlib.import_module("patrols.migrations.0013_unit_patrol_tally").SUM_VILLAGE_TALLIES)
        assert tallies.snapshot()[tallies.UNITS] == expected
        # Krangkeng's two villages make one row; Karangampel's patrol its own.
        assert {row[1:] for row in expected} == {
            (village("Krangkeng").unit_id, "sambang", 2, 8, 1),
            (neighbour_village().unit_id, "dds", 1, 0, 0),
        }

    def test_refreshing_no_days_costs_nothing(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            tallies.refresh([])


def village_tally_per_unit() -> set[tuple]:
    """The village tally summed per (day, unit, type): what the unit tally must hold."""
    sums: Counter = Counter()
    for day, unit_id, patrol_type, patrols, residents, incidents in PatrolTally.objects.values_list(
        "day", "unit_id", "patrol_type", "patrols", "residents", "incidents"
    ):
        for index, value in enumerate((patrols, residents, incidents)):
            sums[(day, unit_id, patrol_type, index)] += value
    keys = {key[:3] for key in sums}
    return {(*key, sums[(*key, 0)], sums[(*key, 1)], sums[(*key, 2)]) for key in keys}


class TestUnitTally:
    """`UnitPatrolTally` (what the figures above a Polsek read) always equals the village tally
    summed per unit and day, whatever the services do to the patrols."""

    def log(self, officer, village_, started_at, **fields):
        values = {
            "patrol_type": "sambang",
            "mode": "r2",
            "place": "Balai Desa",
            "summary": "Sambang ke warga.",
            "residents_met": 0,
            **fields,
        }
        return services.patrol_log(
            author=officer,
            leader=officer,
            village=village_,
            started_at=started_at,
            ended_at=started_at + datetime.timedelta(hours=1),
            **values,
        )

    def update(self, patrol, editor, **changes):
        values = {
            name: getattr(patrol, name)
            for name in (
                "patrol_type",
                "mode",
                "started_at",
                "ended_at",
                "village",
                "place",
                "leader",
                "summary",
                "residents_met",
                "situation",
                "findings",
                "actions",
            )
        }
        return services.patrol_update(patrol=patrol, editor=editor, **{**values, **changes})

    def assert_consistent(self) -> None:
        assert (
            set(
                UnitPatrolTally.objects.values_list(
                    "day", "unit_id", "patrol_type", "patrols", "residents", "incidents"
                )
            )
            == village_tally_per_unit()
        )
        recounted()

    def test_logged_edited_and_deleted_patrols_keep_it_equal_to_the_village_sums(self, bhabin, other_bhabin):
        outside = neighbour_village()
        day_one, day_two = wib(2024, 5, 27, 8, 0), wib(2024, 5, 28, 9, 0)
        first = self.log(bhabin, village("Krangkeng"), day_one, residents_met=4)
        self.log(bhabin, village("Tanjakan"), day_one, residents_met=6, situation="kejadian", findings="Ada.")
        moved = self.log(other_bhabin, village("Tanjakan"), day_one, patrol_type="dds", residents_met=2)
        elsewhere = self.log(other_bhabin, outside, day_two, residents_met=1)
        krangkeng = village("Krangkeng").unit_id
        assert set(UnitPatrolTally.objects.values_list("day", "unit_id", "patrol_type", "patrols", "residents")) == {
            (day_one.date(), krangkeng, "sambang", 2, 10),
            (day_one.date(), krangkeng, "dds", 1, 2),
            (day_two.date(), outside.unit_id, "sambang", 1, 1),
        }
        self.assert_consistent()

        # An edit that moves a patrol to another day, village, Polsek and type.
        self.update(
            moved,
            other_bhabin,
            village=outside,
            patrol_type="kryd",
            started_at=day_two,
            ended_at=day_two + datetime.timedelta(hours=1),
            residents_met=7,
        )
        assert not UnitPatrolTally.objects.filter(patrol_type="dds").exists()
        assert UnitPatrolTally.objects.get(unit_id=outside.unit_id, patrol_type="kryd").residents == 7
        self.assert_consistent()

        # Edits that change only the counts.
        self.update(first, bhabin, residents_met=40, situation="kejadian", findings="Ada.")
        assert UnitPatrolTally.objects.get(day=day_one.date(), patrol_type="sambang").incidents == 2
        self.assert_consistent()

        first.delete()
        elsewhere.delete()
        assert UnitPatrolTally.objects.get(day=day_one.date()).patrols == 1
        self.assert_consistent()

    def test_a_rebuild_after_bulk_changes_catches_it_up(self, bhabin):
        patrol = PatrolFactory(leader=bhabin, residents_met=2)
        Patrol.objects.filter(pk=patrol.pk).update(residents_met=30)  # no signal
        assert UnitPatrolTally.objects.get().residents == 2
        tallies.rebuild()
        assert UnitPatrolTally.objects.get().residents == 30
        self.assert_consistent()

    def test_a_day_with_no_patrol_left_has_no_unit_rows(self, bhabin):
        PatrolFactory(leader=bhabin).delete()
        assert not UnitPatrolTally.objects.exists()
