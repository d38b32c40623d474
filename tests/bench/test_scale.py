"""Issue 14's scale loaders (bench/scale.py) on a few rows: territory, officers, patrols, tallies."""

import pytest
from django.db import connection

from bench import scale, scale_run
from patrols import tallies
from patrols.models import Assignment, Patrol, Village
from units.models import Kecamatan, Unit, UnitKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the loaders use PostgreSQL's SQL"),
]
PASSWORD = "bench-password-for-tests"
DEPOK = "32.76"  # Kota Depok: 11 kecamatan, 63 kelurahan (a small regency, fast to load)


def _index_definitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return {definition for (definition,) in cursor.fetchall()}


class TestPolresTerritory:
    def test_indramayu_has_31_polsek_and_317_villages_each_in_its_polsek(self):
        scale.polres_territory()

        polres = Unit.objects.get(code="indramayu")
        assert Unit.objects.filter(kind=UnitKind.POLSEK, parent=polres).count() == 31
        assert Village.objects.filter(code__startswith="32.12.").count() == 317
        assert not Village.objects.filter(unit__isnull=True).exists()
        assert Village.objects.get(code="32.12.09.2001").unit.code == "krangkeng"  # kept, not duplicated


class TestNationalTerritory:
    def test_a_regency_gets_a_polres_under_its_province_polda_and_a_polsek_per_kecamatan(self):
        scale.national_territory(regencies=[DEPOK])

        polres = Unit.objects.get(code="polres-3276")
        assert polres.parent.code == "jabar"  # province 32's Polda is the one the migration made
        kecamatan = Kecamatan.objects.filter(regency_code=DEPOK)
        assert kecamatan.count() == Unit.objects.filter(kind=UnitKind.POLSEK, parent=polres).count() > 5
        assert all(k.unit.path.startswith("jabar/polres-3276/") for k in kecamatan)
        villages = Village.objects.filter(code__startswith=f"{DEPOK}.")
        assert villages.count() > 50
        assert not villages.filter(unit__isnull=True).exists()

    def test_a_second_load_changes_nothing(self):
        scale.national_territory(regencies=[DEPOK])
        before = (Unit.objects.count(), Village.objects.count(), Kecamatan.objects.count())

        scale.national_territory(regencies=[DEPOK])

        assert (Unit.objects.count(), Village.objects.count(), Kecamatan.objects.count()) == before


class TestPatrolsAndTallies:
    @pytest.fixture
    def territory(self):
        scale.national_territory(regencies=[DEPOK])
        scale.ensure_bhabins(password=PASSWORD)

    def test_every_village_gets_one_bhabinkamtibmas_of_its_polsek_once(self, territory):
        open_assignments = Assignment.objects.in_force().select_related("officer", "village")
        assert open_assignments.count() == Village.objects.filter(unit__isnull=False).count()
        assert all(a.officer.unit_id == a.village.unit_id for a in open_assignments)

        assert scale.ensure_bhabins(password=PASSWORD).added == 0

    def test_patrols_are_led_by_the_village_bhabin_and_carry_its_polsek(self, territory):
        loads = scale.grow_patrols(300)

        assert loads[0].added == 300 and Patrol.objects.count() == 300
        bhabin = dict(Assignment.objects.in_force().values_list("village_id", "officer_id"))
        for patrol in Patrol.objects.select_related("village"):
            assert patrol.unit_id == patrol.village.unit_id
            assert patrol.leader_id == bhabin[patrol.village_id]
        assert Patrol.members.through.objects.exists() and Patrol.topics.through.objects.exists()
        assert scale.grow_patrols(300)[0].added == 0  # grows only

    def test_sql_tallies_are_the_rows_the_python_rebuild_makes(self, territory):
        scale.grow_patrols(400)
        tallies.rebuild()
        expected = tallies.snapshot()

        scale.rebuild_tallies(drop_indexes=True)

        assert tallies.snapshot() == expected
        assert all(expected[kind] for kind in (tallies.VILLAGES, tallies.UNITS, tallies.OFFICERS, tallies.TOPICS))

    def test_indexes_dropped_for_a_load_come_back_the_same(self):
        before = _index_definitions("patrols_patrol")
        with scale.without_indexes(["patrols_patrol"]) as dropped:
            assert dropped and _index_definitions("patrols_patrol") < before
        assert _index_definitions("patrols_patrol") == before


class TestOptions:
    def test_stage_sizes_read_as_written(self):
        args = scale_run.parse_args(["--set", "national", "--patrols", "1M,2.5M,300k"])
        assert args.patrols == [1_000_000, 2_500_000, 300_000]
        assert args.aspirations == [100_000, 250_000, 30_000]
        assert args.database == "krk_bench14_national"
