"""Units and kecamatan in the admin: contact by the admin role, structure by a superuser,
a kecamatan's Polsek chosen with its villages following."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from patrols.models import Village
from tests.admin_forms import change_form_data
from tests.conftest import client_for
from tests.factories import OfficerFactory, neighbour_village, unit
from units.models import Kecamatan

pytestmark = pytest.mark.django_db


def unit_url(code: str) -> str:
    return reverse("admin:units_unit_change", args=[unit(code).pk])


def kecamatan_url(code: str) -> str:
    return reverse("admin:units_kecamatan_change", args=[Kecamatan.objects.get(code=code).pk])


class TestUnitAdmin:
    def test_the_admin_role_keeps_the_contact_and_commander(self, site_admin):
        client = client_for(site_admin)
        data = change_form_data(
            client.get(unit_url("krangkeng")), phone="0234-123456", commander_name="Hendra Gunawan", code="lain"
        )
        assert client.post(unit_url("krangkeng"), data).status_code == 302
        krangkeng = unit("krangkeng")
        assert (krangkeng.phone, krangkeng.commander_name) == ("0234-123456", "Hendra Gunawan")
        assert krangkeng.path == "jabar/indramayu/krangkeng/", "the code is a superuser's to change"

    def test_a_superuser_moves_a_unit_and_the_paths_follow(self, superuser):
        client = client_for(superuser)
        neighbour_village()
        data = change_form_data(client.get(unit_url("indramayu")), code="dermayu")
        assert client.post(unit_url("indramayu"), data).status_code == 302
        assert unit("karangampel").path == "jabar/dermayu/karangampel/"

    def test_lists_the_units_in_one_page(self, superuser):
        response = client_for(superuser).get(reverse("admin:units_unit_changelist"))
        assert response.status_code == 200
        assert "Polsek Krangkeng" in response.content.decode()


class TestKecamatanAdmin:
    def test_choosing_the_polsek_moves_the_villages_with_it(self, site_admin):
        other = neighbour_village().unit
        client = client_for(site_admin)
        data = change_form_data(client.get(kecamatan_url("32.12.09")), unit=str(other.pk), name="Diubah")
        assert client.post(kecamatan_url("32.12.09"), data).status_code == 302
        kecamatan = Kecamatan.objects.get(code="32.12.09")
        assert (kecamatan.unit, kecamatan.name) == (other, "Krangkeng"), "the name comes from the Kemendagri data"
        assert set(Village.objects.filter(kecamatan=kecamatan).values_list("unit", flat=True)) == {other.pk}

    def test_only_a_polsek_can_be_chosen(self, site_admin):
        client = client_for(site_admin)
        data = change_form_data(client.get(kecamatan_url("32.12.09")), unit=str(unit("indramayu").pk))
        assert client.post(kecamatan_url("32.12.09"), data).status_code == 200  # the form shows the error
        assert Kecamatan.objects.get(code="32.12.09").unit == unit("krangkeng")

    def test_nobody_adds_or_deletes_one_by_hand(self, superuser):
        client = client_for(superuser)
        assert client.get(reverse("admin:units_kecamatan_add")).status_code == 403
        delete = reverse("admin:units_kecamatan_delete", args=[Kecamatan.objects.get(code="32.12.09").pk])
        assert client.get(delete).status_code == 403


class TestAnOfficersUnit:
    def test_a_change_of_unit_is_in_the_audit_trail(self, site_admin):
        officer = OfficerFactory(username="pindah")
        client = client_for(site_admin)
        url = reverse("admin:patrols_officer_change", args=[officer.pk])
        data = change_form_data(client.get(url), unit=str(unit("indramayu").pk))
        assert client.post(url, data).status_code == 302
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_CHANGED, target_id=str(officer.pk))
        assert entry.summary == f"pindah: unit_id: {unit('krangkeng').pk} → {unit('indramayu').pk}"
        assert entry.unit == unit("indramayu")
