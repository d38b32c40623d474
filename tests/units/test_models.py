"""Units: the chain Polda → Polres → Polsek, its paths, subtrees and rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import unit
from units.models import Kecamatan, Unit, UnitKind

pytestmark = pytest.mark.django_db


def polsek(code: str, parent: Unit, name: str = "") -> Unit:
    return Unit.objects.create(kind=UnitKind.POLSEK, code=code, name=name or f"Polsek {code.title()}", parent=parent)


class TestTheMigratedChain:
    def test_polda_jabar_polres_indramayu_polsek_krangkeng(self):
        chain = [(u.kind, u.code, u.name, u.path) for u in Unit.objects.order_by("path")]
        assert chain == [
            ("polda", "jabar", "Polda Jawa Barat", "jabar/"),
            ("polres", "indramayu", "Polres Indramayu", "jabar/indramayu/"),
            ("polsek", "krangkeng", "Polsek Krangkeng", "jabar/indramayu/krangkeng/"),
        ]

    def test_kecamatan_krangkeng_is_covered_by_polsek_krangkeng(self):
        kecamatan = Kecamatan.objects.get(code="32.12.09")
        assert (kecamatan.name, kecamatan.regency_code, kecamatan.regency_name) == ("Krangkeng", "32.12", "Indramayu")
        assert kecamatan.unit == unit("krangkeng")


class TestPath:
    def test_a_new_unit_extends_its_parents_path(self):
        assert polsek("karangampel", unit("indramayu")).path == "jabar/indramayu/karangampel/"

    def test_moving_a_unit_moves_everything_below_it(self):
        banten = Unit.objects.create(kind=UnitKind.POLDA, code="banten", name="Polda Banten")
        karangampel = polsek("karangampel", unit("indramayu"))
        indramayu = unit("indramayu")
        indramayu.parent = banten
        indramayu.save()
        karangampel.refresh_from_db()
        assert karangampel.path == "banten/indramayu/karangampel/"
        assert unit("krangkeng").path == "banten/indramayu/krangkeng/"
        assert unit("jabar").path == "jabar/"

    def test_a_new_code_renames_the_paths_below(self):
        indramayu = unit("indramayu")
        indramayu.code = "dermayu"
        indramayu.save(update_fields=["code"])
        assert unit("krangkeng").path == "jabar/dermayu/krangkeng/"
        assert Unit.objects.get(code="dermayu").path == "jabar/dermayu/"

    def test_codes_are_unique(self):
        with pytest.raises(IntegrityError):
            polsek("krangkeng", unit("indramayu"))


class TestQueries:
    def test_the_subtree_of_a_polres_is_itself_and_its_polsek(self):
        karangampel = polsek("karangampel", unit("indramayu"))
        cirebon = Unit.objects.create(kind=UnitKind.POLRES, code="cirebon", name="Polres Cirebon", parent=unit("jabar"))
        polsek("arjawinangun", cirebon)
        subtree = Unit.objects.subtree(unit("indramayu"))
        assert {u.code for u in subtree} == {"indramayu", "krangkeng", "karangampel"}
        assert set(unit("indramayu").subtree_ids()) == {unit("indramayu").pk, unit("krangkeng").pk, karangampel.pk}
        assert unit("krangkeng").subtree_ids() == [unit("krangkeng").pk]

    def test_a_code_that_only_starts_like_another_is_not_below_it(self):
        # "indramayu2/" does not start with "jabar/indramayu/": the trailing slash keeps them apart.
        polres = Unit.objects.create(kind=UnitKind.POLRES, code="indramayu2", name="Uji", parent=unit("jabar"))
        assert unit("indramayu").subtree_ids().count(polres.pk) == 0

    def test_polsek_and_polres(self):
        polsek("karangampel", unit("indramayu"))
        assert set(Unit.objects.polsek().values_list("code", flat=True)) == {"krangkeng", "karangampel"}
        assert list(Unit.objects.polres().values_list("code", flat=True)) == ["indramayu"]
        assert list(Unit.objects.polda().values_list("code", flat=True)) == ["jabar"]

    def test_ancestors_top_first(self):
        assert [u.code for u in Unit.objects.ancestors(unit("krangkeng"))] == ["jabar", "indramayu"]
        assert list(Unit.objects.ancestors(unit("jabar"))) == []

    def test_contains(self):
        assert unit("indramayu").contains(unit("krangkeng"))
        assert unit("krangkeng").contains(unit("krangkeng"))
        assert not unit("krangkeng").contains(unit("indramayu"))


class TestRules:
    def test_a_polsek_needs_a_parent(self):
        with pytest.raises(ValidationError) as excinfo:
            Unit(kind=UnitKind.POLSEK, code="x", name="Polsek X").full_clean()
        assert "parent" in excinfo.value.message_dict
        with pytest.raises(IntegrityError):
            Unit.objects.create(kind=UnitKind.POLSEK, code="x", name="Polsek X")

    def test_the_parent_is_above(self):
        with pytest.raises(ValidationError) as excinfo:
            Unit(kind=UnitKind.POLRES, code="x", name="Polres X", parent=unit("krangkeng")).full_clean()
        assert "parent" in excinfo.value.message_dict

    def test_a_unit_cannot_move_below_itself(self):
        jabar = unit("jabar")
        jabar.kind = UnitKind.POLDA
        jabar.parent = unit("indramayu")
        with pytest.raises(ValidationError):
            jabar.full_clean()

    def test_a_unit_stays_above_the_units_below_it(self):
        """A Polres with Polsek does not become a Polsek: a Polsek's scope is its own id."""
        indramayu = unit("indramayu")
        indramayu.kind = UnitKind.POLSEK
        with pytest.raises(ValidationError) as excinfo:
            indramayu.full_clean()
        assert "kind" in excinfo.value.message_dict
        leaf = unit("krangkeng")
        leaf.name = "Polsek Krangkeng Baru"
        leaf.full_clean()  # a Polsek with nothing below it keeps its kind

    def test_a_kecamatan_is_covered_by_a_polsek_only(self):
        kecamatan = Kecamatan(
            code="32.12.10", name="Karangampel", regency_code="32.12", regency_name="Indramayu", unit=unit("indramayu")
        )
        with pytest.raises(ValidationError) as excinfo:
            kecamatan.full_clean()
        assert "unit" in excinfo.value.message_dict

    def test_a_kecamatan_code_starts_with_its_regency(self):
        kecamatan = Kecamatan(code="32.13.10", name="Uji", regency_code="32.12", regency_name="Indramayu")
        with pytest.raises(ValidationError) as excinfo:
            kecamatan.full_clean()
        assert "regency_code" in excinfo.value.message_dict
