import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from patrols.models import Officer, Rank
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


class TestOfficerNrp:
    @pytest.mark.parametrize("nrp", ["78050101", "198503172009121002", ""])
    def test_accepts_eight_or_eighteen_digits_or_nothing(self, nrp):
        officer = OfficerFactory.build(username="nrp.ok", nrp=nrp)
        officer.full_clean()

    @pytest.mark.parametrize("nrp", ["1234567", "123456789", "7805010A", "12345678901234567"])
    def test_rejects_other_shapes(self, nrp):
        officer = OfficerFactory.build(username="nrp.bad", nrp=nrp)
        with pytest.raises(ValidationError) as excinfo:
            officer.full_clean()
        assert "nrp" in excinfo.value.message_dict

    def test_spaces_are_removed(self):
        officer = OfficerFactory.build(username="nrp.spaces", nrp="7805 0101")
        officer.full_clean()
        assert officer.nrp == "78050101"

    def test_nrp_is_unique_when_given(self):
        OfficerFactory(nrp="78050101")
        with pytest.raises(IntegrityError):
            OfficerFactory(nrp="78050101")

    def test_many_officers_may_have_no_nrp(self):
        OfficerFactory(nrp="")
        OfficerFactory(nrp="")
        assert Officer.objects.filter(nrp="").count() == 2


class TestOfficerDisplayName:
    def test_rank_before_name(self):
        officer = Officer(username="x", first_name="Ahmad", last_name="Fauzi", rank=Rank.BRIPKA)
        assert officer.display_name == "Bripka Ahmad Fauzi"
        assert str(officer) == "Bripka Ahmad Fauzi"

    def test_civil_servants_have_no_rank_prefix(self):
        assert Officer(username="x", first_name="Siti", rank=Rank.PNS).display_name == "Siti"

    def test_falls_back_to_username(self):
        assert Officer(username="operator").display_name == "operator"
