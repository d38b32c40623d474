from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from patrols.models import RiskLevel, Village
from tests.factories import unit
from units.models import Kecamatan

EXPECTED = {
    "32.12.09.2001": "Purwajaya",
    "32.12.09.2002": "Kapringan",
    "32.12.09.2003": "Singakerta",
    "32.12.09.2004": "Dukuhjati",
    "32.12.09.2005": "Tegalmulya",
    "32.12.09.2006": "Kedungwungu",
    "32.12.09.2007": "Srengseng",
    "32.12.09.2008": "Luwunggesik",
    "32.12.09.2009": "Kalianyar",
    "32.12.09.2010": "Krangkeng",
    "32.12.09.2011": "Tanjakan",
}

pytestmark = pytest.mark.django_db


class TestVillageMigration:
    def test_loads_the_eleven_villages_with_their_codes(self):
        assert dict(Village.objects.values_list("code", "name")) == EXPECTED

    def test_every_village_is_in_krangkeng_with_postcode_and_coordinates(self):
        for village in Village.objects.select_related("kecamatan", "unit"):
            assert (village.kecamatan.code, village.kecamatan.name) == ("32.12.09", "Krangkeng")
            assert village.unit.code == "krangkeng"
            assert village.postcode == "45284"
            assert Decimal("-6.6") < village.latitude < Decimal("-6.4")
            assert Decimal("108.4") < village.longitude < Decimal("108.6")

    def test_coordinates_match_the_domain_notes(self):
        purwajaya = Village.objects.get(code="32.12.09.2001")
        assert (purwajaya.latitude, purwajaya.longitude) == (Decimal("-6.55910"), Decimal("108.46530"))


class TestVillageSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [("Dukuh Jati", "Dukuhjati"), ("luwung gesik", "Luwunggesik"), ("TANJAKAN", "Tanjakan")],
    )
    def test_finds_spelling_variants(self, query, expected):
        assert [v.name for v in Village.objects.search(query)] == [expected]

    def test_blank_query_returns_everything(self):
        assert Village.objects.search("  ").count() == 11


def krangkeng() -> Kecamatan:
    return Kecamatan.objects.get(code="32.12.09")


class TestVillageUnit:
    def test_cleaning_takes_the_unit_of_the_kecamatan(self):
        village = Village(code="32.12.09.2099", name="Uji", kecamatan=krangkeng(), visit_target_days=14)
        village.full_clean()
        assert village.unit == unit("krangkeng")

    def test_a_kecamatan_without_a_polsek_leaves_the_village_without_one(self):
        kecamatan = Kecamatan.objects.create(
            code="32.12.10", name="Karangampel", regency_code="32.12", regency_name="Indramayu"
        )
        village = Village(code="32.12.10.2001", name="Uji", kecamatan=kecamatan, visit_target_days=14)
        village.full_clean()
        assert village.unit is None


class TestVisitTarget:
    @pytest.mark.parametrize(
        ("risk", "days"), [(RiskLevel.AMAN, 14), (RiskLevel.RAWAN, 7), (RiskLevel.SANGAT_RAWAN, 3)]
    )
    def test_defaults_follow_the_risk_level(self, risk, days):
        village = Village(
            code="32.12.09.2099", name="Uji", kecamatan=krangkeng(), risk_level=risk, visit_target_days=None
        )
        village.full_clean()
        assert village.visit_target_days == days

    def test_explicit_target_is_kept(self):
        village = Village(
            code="32.12.09.2099", name="Uji", kecamatan=krangkeng(), risk_level=RiskLevel.RAWAN, visit_target_days=5
        )
        village.full_clean()
        assert village.visit_target_days == 5

    def test_code_format_is_validated(self):
        village = Village(code="3212092099", name="Uji", visit_target_days=14)
        with pytest.raises(ValidationError) as excinfo:
            village.full_clean()
        assert "code" in excinfo.value.message_dict
