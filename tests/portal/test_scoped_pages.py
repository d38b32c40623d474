"""Lists, exports and forms of one Polsek show and offer only its subtree (issue 14, section 2).

Krangkeng holds a patrol and an aspiration; Polsek Karangampel's staff see neither on
their lists or in their exports, and cannot reach them through a form with a crafted
POST; Polres Indramayu's see both.
"""

import datetime

import pytest
from django.urls import reverse

from aspirations.models import Status
from audit.models import AuditAction
from audit.services import audit_record
from core import roles
from patrols.models import Patrol, Position
from patrols.services import assignment_start
from tests.aspirations.builders import in_status
from tests.conftest import client_for
from tests.factories import OfficerFactory, PatrolFactory, neighbour_village, unit, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def krangkeng(bhabin, operator):
    patrol = PatrolFactory(leader=bhabin, summary="Sambang khusus Krangkeng-77.")
    aspiration = in_status(Status.BARU)
    audit_record(action=AuditAction.IDENTITY_REVEALED, actor=operator, summary="Dibuka oleh operator Krangkeng-77")
    return {"patrol": patrol, "aspiration": aspiration}


@pytest.fixture
def karangampel():
    outside = neighbour_village()
    polsek = outside.unit
    officer = OfficerFactory(unit=polsek, position=Position.BHABINKAMTIBMAS, role=roles.OFFICER)
    assignment_start(officer=officer, village=outside, start_date=datetime.date(2024, 1, 1))
    return {
        "village": outside,
        "officer": officer,
        "operator": OfficerFactory(unit=polsek, position=Position.OPERATOR, role=roles.OPERATOR),
        "command": OfficerFactory(unit=polsek, position=Position.KAPOLSEK, role=roles.COMMAND),
    }


@pytest.fixture
def polres():
    return {
        "operator": OfficerFactory(unit=unit("indramayu"), position=Position.OPERATOR, role=roles.OPERATOR),
        "command": OfficerFactory(unit=unit("indramayu"), position=Position.KAPOLSEK, role=roles.COMMAND),
    }


def patrol_post(**fields) -> dict:
    """A valid Catat Patroli form but for `fields`."""
    from django.utils import timezone

    now = timezone.localtime()
    data = {
        "patrol_type": "sambang",
        "mode": "r2",
        "place": "Pos Kamling dari luar",
        "started_at": (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "residents_met": "3",
        "situation": "aman",
        "summary": "Sambang.",
    }
    return {**data, **fields}


def body(user, url_name: str) -> str:
    response = client_for(user).get(reverse(url_name), {"format": "csv"})  # exports as CSV, lists ignore it
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


# What shows one of Krangkeng's records on each list or export.
LISTS = {
    "patrols:patrol_list": lambda records: reverse("patrols:patrol_detail", args=[records["patrol"].pk]),
    "patrols:patrol_export": lambda records: "Sambang khusus Krangkeng-77.",
    "aspirations:inbox": lambda records: records["aspiration"].code,
    "aspirations:inbox_export": lambda records: records["aspiration"].code,
    "audit:entry_list": lambda records: "Krangkeng-77",
}
READERS = {
    "patrols:patrol_list": "command",
    "patrols:patrol_export": "command",
    "aspirations:inbox": "operator",
    "aspirations:inbox_export": "operator",
    "audit:entry_list": "command",
}


class TestListsAndExports:
    @pytest.mark.parametrize("url_name", sorted(LISTS))
    def test_another_polsek_sees_none_of_krangkeng(self, url_name, krangkeng, karangampel):
        assert LISTS[url_name](krangkeng) not in body(karangampel[READERS[url_name]], url_name)

    @pytest.mark.parametrize("url_name", sorted(LISTS))
    def test_the_polres_sees_its_polsek(self, url_name, krangkeng, polres):
        assert LISTS[url_name](krangkeng) in body(polres[READERS[url_name]], url_name)

    @pytest.mark.parametrize("url_name", sorted(LISTS))
    def test_krangkeng_sees_its_own(self, url_name, krangkeng, operator, commander):
        reader = {"operator": operator, "command": commander}[READERS[url_name]]
        assert LISTS[url_name](krangkeng) in body(reader, url_name)


class TestForms:
    def test_the_patrol_form_offers_only_the_subtree_villages_and_officers(self, bhabin, karangampel):
        html = body(karangampel["officer"], "patrols:patrol_create")
        assert karangampel["village"].name in html
        assert f'value="{village("Krangkeng").pk}"' not in html
        assert bhabin.display_name not in html

    def test_a_crafted_post_with_another_polseks_village_is_a_form_error(self, karangampel):
        data = patrol_post(village=village("Krangkeng").pk, leader=karangampel["officer"].pk)
        response = client_for(karangampel["officer"]).post(reverse("patrols:patrol_create"), data)
        assert response.status_code == 200
        assert "village" in response.context["form"].errors
        assert not Patrol.objects.filter(place=data["place"]).exists()

    def test_a_crafted_post_with_another_polseks_leader_is_a_form_error(self, bhabin, karangampel):
        data = patrol_post(village=karangampel["village"].pk, leader=bhabin.pk)
        response = client_for(karangampel["officer"]).post(reverse("patrols:patrol_create"), data)
        assert response.status_code == 200
        assert "leader" in response.context["form"].errors

    def test_assigning_to_an_officer_of_another_polsek_is_a_form_error(self, operator, karangampel):
        aspiration = in_status(Status.TERVERIFIKASI)
        url = reverse("aspirations:assign", args=[aspiration.pk])
        response = client_for(operator).post(url, {"assign-officer": karangampel["officer"].pk})
        assert response.status_code == 200
        aspiration.refresh_from_db()
        assert aspiration.assigned_to_id is None

    def test_recording_an_aspiration_in_another_polseks_village_is_a_form_error(self, karangampel):
        from tests.aspirations.test_record import RECORD, data

        response = client_for(karangampel["operator"]).post(RECORD, data())
        assert response.status_code == 200
        assert "village" in response.context["form"].errors
