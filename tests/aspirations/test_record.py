"""Staff record aspirations for residents: by phone/WhatsApp/at the desk, and several in a row on a patrol."""

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aspirations import services
from aspirations.models import Aspiration, Channel, Status
from audit.models import AuditAction, AuditEntry
from core import roles
from tests.conftest import client_for
from tests.factories import OfficerFactory, PatrolFactory, category, neighbour_village, unit, village
from tests.photos import photo_upload

pytestmark = pytest.mark.django_db

RECORD = reverse("aspirations:record")


def data(**overrides) -> dict:
    values = {
        "channel": Channel.PHONE,
        "type": "keluhan",
        "category": str(category().pk),
        "title": "Pencurian ayam",
        "description": "Warga menelepon: tiga ekor ayam hilang semalam di kandang belakang rumah.",
        "village": str(village("Krangkeng").pk),
        "place": "Blok Pasar",
        "occurred_at": "",
        "priority": "normal",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
    }
    values.update(overrides)
    return values


def patrol_url(patrol):
    return reverse("aspirations:record_on_patrol", kwargs={"patrol_pk": patrol.pk})


class TestRecordForAResident:
    def test_operator_records_a_phone_call_and_gets_the_slip(self, operator):
        response = client_for(operator).post(RECORD, data())
        aspiration = Aspiration.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("aspirations:slip", kwargs={"pk": aspiration.pk})
        assert (aspiration.channel, aspiration.created_by, aspiration.status) == (Channel.PHONE, operator, Status.BARU)
        assert aspiration.is_anonymous and aspiration.patrol is None
        assert AuditEntry.objects.filter(action=AuditAction.ASPIRATION_CHANGED, target_id=str(aspiration.pk)).exists()

    def test_whatsapp_with_the_residents_consent(self, bhabin):
        client_for(bhabin).post(
            RECORD,
            data(channel=Channel.WHATSAPP, reporter_name="Darsono", reporter_phone="0812 3456 7890", consent="on"),
        )
        aspiration = Aspiration.objects.get()
        assert aspiration.reporter_phone == "081234567890" and aspiration.consent_given_at

    def test_identity_without_consent_is_refused(self, operator):
        response = client_for(operator).post(RECORD, data(reporter_name="Darsono"))
        assert response.status_code == 200
        assert not Aspiration.objects.exists()
        assert "consent" in response.context["form"].errors

    def test_the_web_channel_is_not_offered(self, operator):
        response = client_for(operator).post(RECORD, data(channel=Channel.WEB))
        assert "channel" in response.context["form"].errors

    def test_with_a_photo(self, operator):
        client_for(operator).post(RECORD, {**data(), "photos": photo_upload()})
        assert Aspiration.objects.get().attachments.count() == 1

    def test_only_the_villages_of_the_staff_s_units_are_offered(self, operator):
        tanjungpura = neighbour_village()  # Polsek Karangampel's
        client = client_for(operator)  # of Polsek Krangkeng
        html = client.get(RECORD).content.decode()
        assert ">Krangkeng</option>" in html and "Tanjungpura" not in html
        response = client.post(RECORD, data(village=str(tanjungpura.pk)))
        assert response.status_code == 200 and not Aspiration.objects.exists()
        polres = OfficerFactory(role=roles.OPERATOR, unit=unit("indramayu"))
        assert "Tanjungpura" in client_for(polres).get(RECORD).content.decode()

    def test_command_does_not_do_intake(self, commander):
        assert client_for(commander).get(RECORD).status_code == 403
        assert client_for(commander).post(RECORD, data()).status_code == 403


class TestRecordOnAPatrol:
    def test_several_in_a_row_each_with_its_own_code_and_slip(self, bhabin):
        patrol = PatrolFactory(leader=bhabin, patrol_type="jumat_curhat")
        client = client_for(bhabin)
        page = client.get(patrol_url(patrol)).content.decode()
        assert f'value="{patrol.village_id}" selected' in page  # the patrol's village is the default
        for title in ("Balap liar", "Lampu jalan mati", "Pencurian ayam"):
            response = client.post(patrol_url(patrol), data(title=title, channel=""), follow=True)
            assert response.redirect_chain == [(patrol_url(patrol), 302)]
        recorded = list(Aspiration.objects.order_by("submitted_at", "pk"))
        assert [a.title for a in recorded] == ["Balap liar", "Lampu jalan mati", "Pencurian ayam"]
        assert {(a.channel, a.patrol_id, a.created_by_id) for a in recorded} == {(Channel.PATROL, patrol.pk, bhabin.pk)}
        assert len({a.code for a in recorded}) == 3
        html = response.content.decode()
        for aspiration in recorded:
            assert aspiration.code in html
            assert reverse("aspirations:slip", kwargs={"pk": aspiration.pk}) in html
        form = response.context["form"]
        assert not form.is_bound  # empty again for the next resident

    def test_the_officer_prints_the_slip_though_not_assigned(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        client = client_for(bhabin)
        client.post(patrol_url(patrol), data())
        aspiration = Aspiration.objects.get()
        slip = client.get(reverse("aspirations:slip", kwargs={"pk": aspiration.pk}))
        assert slip.status_code == 200
        html = slip.content.decode()
        assert aspiration.code in html and "/aspirasi/status/" in html
        assert "Warga menelepon" not in html  # the slip carries no content
        # ... but the officer does not see the aspiration itself until it is assigned to them.
        assert client.get(aspiration.get_absolute_url()).status_code == 404

    def test_an_officer_who_cannot_see_the_patrol_gets_404(self, bhabin, other_bhabin):
        patrol = PatrolFactory(leader=bhabin)
        assert client_for(other_bhabin).get(patrol_url(patrol)).status_code == 404
        assert client_for(other_bhabin).post(patrol_url(patrol), data()).status_code == 404
        assert not Aspiration.objects.exists()

    def test_someone_elses_slip_is_404(self, bhabin, other_bhabin):
        patrol = PatrolFactory(leader=bhabin)
        client_for(bhabin).post(patrol_url(patrol), data())
        aspiration = Aspiration.objects.get()
        assert (
            client_for(other_bhabin).get(reverse("aspirations:slip", kwargs={"pk": aspiration.pk})).status_code == 404
        )

    def test_the_patrol_page_links_here(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        html = client_for(bhabin).get(patrol.get_absolute_url()).content.decode()
        assert patrol_url(patrol) in html

    def test_the_patrol_page_has_no_link_for_command(self, commander, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        html = client_for(commander).get(patrol.get_absolute_url()).content.decode()
        assert patrol_url(patrol) not in html


class TestRecordService:
    def fields(self) -> dict:
        return {
            "type": "keluhan",
            "category": category(),
            "title": "Pencurian ayam",
            "description": "Tiga ekor ayam hilang semalam.",
            "village": village("Krangkeng"),
        }

    def test_an_officer_cannot_record_on_a_patrol_they_cannot_see(self, bhabin, other_bhabin):
        patrol = PatrolFactory(leader=bhabin)
        with pytest.raises(PermissionDenied):
            services.aspiration_record(actor=other_bhabin, channel=Channel.PATROL, patrol=patrol, **self.fields())
        assert not Aspiration.objects.exists()

    def test_the_channel_and_the_patrol_go_together(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        with pytest.raises(ValidationError):
            services.aspiration_record(actor=bhabin, channel=Channel.PATROL, **self.fields())
        with pytest.raises(ValidationError):
            services.aspiration_record(actor=bhabin, channel=Channel.PHONE, patrol=patrol, **self.fields())
        with pytest.raises(ValidationError):
            services.aspiration_record(actor=bhabin, channel=Channel.WEB, **self.fields())

    def test_command_does_not_record(self, commander):
        with pytest.raises(PermissionDenied):
            services.aspiration_record(actor=commander, channel=Channel.PHONE, **self.fields())


class TestRecordedTwice:
    """The desk form's idempotency key: a second tap or a retry stores nothing new."""

    def test_the_form_carries_a_fresh_key(self, operator):
        html = client_for(operator).get(RECORD).content.decode()
        assert re.search(r'type="hidden" name="idempotency_key" value="[0-9a-f-]{36}"', html)

    def test_the_same_key_records_one_and_shows_the_same_code_twice(self, operator):
        client, sent = client_for(operator), data(idempotency_key=str(uuid.uuid4()))
        first = client.post(RECORD, sent, follow=True)
        again = client.post(RECORD, sent, follow=True)
        aspiration = Aspiration.objects.get()
        slip = reverse("aspirations:slip", kwargs={"pk": aspiration.pk})
        assert first.redirect_chain == again.redirect_chain == [(slip, 302)]
        message = f"Aspirasi dicatat dengan kode tiket {aspiration.code}."
        assert message in first.content.decode() and message in again.content.decode()
        assert (
            AuditEntry.objects.filter(target_type="aspirations.aspiration", target_id=str(aspiration.pk)).count() == 1
        )

    def test_on_a_patrol_the_same_key_records_one(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        client, sent = client_for(bhabin), data(idempotency_key=str(uuid.uuid4()))
        responses = [client.post(patrol_url(patrol), sent, follow=True) for _ in range(2)]
        aspiration = Aspiration.objects.get()
        for response in responses:
            assert response.redirect_chain == [(patrol_url(patrol), 302)]
            assert f"Aspirasi dicatat dengan kode tiket {aspiration.code}." in response.content.decode()

    def test_a_key_another_officer_used_does_not_return_their_aspiration(self, operator):
        key = str(uuid.uuid4())
        client_for(operator).post(RECORD, data(idempotency_key=key))
        theirs = Aspiration.objects.get()
        colleague = OfficerFactory(role=roles.OPERATOR)
        response = client_for(colleague).post(RECORD, data(idempotency_key=key, title="Lampu jalan mati"), follow=True)
        mine = Aspiration.objects.exclude(pk=theirs.pk).get()
        assert mine.created_by == colleague and mine.title == "Lampu jalan mati"
        assert response.redirect_chain == [(reverse("aspirations:slip", kwargs={"pk": mine.pk}), 302)]
        assert theirs.code not in response.content.decode()
