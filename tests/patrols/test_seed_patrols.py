import datetime
from statistics import mean

import pytest
from django.db.models import Count
from django.utils import timezone

from patrols.demo import seed_accounts, seed_patrols
from patrols.demo_territory import DEMO_DAYS
from patrols.models import Patrol, PatrolPhoto, RiskLevel, Village
from tests.patrols.conftest import stored_files

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 30)


@pytest.fixture
def seeded():
    seed_accounts(password="demo-krangkeng-110")
    return seed_patrols(today=TODAY)


class TestSeedPatrols:
    def test_about_ninety_days_of_patrols_before_today(self, seeded):
        assert seeded == Patrol.objects.count()
        krangkeng = Patrol.objects.filter(unit__code="krangkeng")
        assert 150 <= krangkeng.count() <= 450
        first = timezone.localtime(krangkeng.order_by("started_at").first().started_at).date()
        last = timezone.localtime(Patrol.objects.order_by("-ended_at").first().ended_at)
        assert first >= TODAY - datetime.timedelta(days=DEMO_DAYS["krangkeng"])
        assert last.date() <= TODAY - datetime.timedelta(days=1) or last.hour < 4

    def test_the_neighbours_have_a_few_weeks_each_by_their_own_officers(self, seeded):
        for code in ("karangampel", "kedokan-bunder"):
            patrols = Patrol.objects.filter(unit__code=code)
            assert patrols.count() >= 20
            first = timezone.localtime(patrols.order_by("started_at").first().started_at).date()
            assert first >= TODAY - datetime.timedelta(days=DEMO_DAYS[code])
        for patrol in Patrol.objects.select_related("village", "leader").prefetch_related("members"):
            assert patrol.unit_id == patrol.village.unit_id == patrol.leader.unit_id
            assert all(member.unit_id == patrol.unit_id for member in patrol.members.all())

    def test_riskier_villages_are_patrolled_more_often(self, seeded):
        krangkeng = Village.objects.filter(unit__code="krangkeng")
        counts = {v.risk_level: [] for v in krangkeng}
        for village in krangkeng.annotate(n=Count("patrols")):
            counts[village.risk_level].append(village.n)
        assert mean(counts[RiskLevel.SANGAT_RAWAN]) > mean(counts[RiskLevel.RAWAN]) > mean(counts[RiskLevel.AMAN])
        assert min(counts[RiskLevel.AMAN]) > 0

    def test_every_patrol_is_valid(self, seeded):
        for patrol in Patrol.objects.all():
            patrol.full_clean()
            assert patrol.created_by == patrol.leader
            assert patrol.leader.username.startswith("bhabin.")

    def test_a_few_photos_generated_and_stored(self, seeded):
        photos = PatrolPhoto.objects.count()
        assert 3 <= photos <= 30
        assert len(stored_files()) == 2 * photos

    def test_running_again_adds_nothing(self, seeded):
        rows = sorted(Patrol.objects.values_list("village_id", "started_at", "patrol_type", "residents_met"))
        assert seed_patrols(today=TODAY) == 0
        assert sorted(Patrol.objects.values_list("village_id", "started_at", "patrol_type", "residents_met")) == rows

    def test_a_day_later_adds_only_the_new_day(self, seeded):
        added = seed_patrols(today=TODAY + datetime.timedelta(days=1))
        assert added > 0
        newest = Patrol.objects.order_by("-started_at")[:added]
        assert all(timezone.localtime(p.started_at).date() == TODAY for p in newest)
