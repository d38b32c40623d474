"""Existing data migrates into units without loss (issue 14): everything is Polsek Krangkeng's."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aspirations.models import Aspiration
from audit.models import AuditEntry
from exports.models import ExportJob
from patrols.models import (
    Officer,
    OfficerPatrolTally,
    Patrol,
    PatrolTally,
    TopicPatrolTally,
    UnitPatrolTally,
    Village,
)
from units.models import Kecamatan, Unit

# The state just before units: every app's last migration without them.
BEFORE = [
    ("units", None),
    ("patrols", "0009_officer_notify_whatsapp"),
    ("aspirations", "0014_notification_roles"),
    ("audit", "0004_account_actions"),
    ("exports", "0001_initial"),
]


def create_rows_the_old_way(apps) -> dict:
    """A portal as it was before units: officers, a patrol with topics and members, aspirations
    with and without a village, an audit entry, an export, and a village added elsewhere."""
    Village_ = apps.get_model("patrols", "Village")
    Officer_ = apps.get_model("patrols", "Officer")
    Patrol_ = apps.get_model("patrols", "Patrol")
    topic = apps.get_model("patrols", "ImbauanTopic").objects.first()
    category = apps.get_model("aspirations", "Category").objects.first()
    Aspiration_ = apps.get_model("aspirations", "Aspiration")
    leader = Officer_.objects.create(username="bhabin.lama", first_name="Lama")
    member = Officer_.objects.create(username="anggota.lama")
    Officer_.objects.create(username="root", is_superuser=True)
    krangkeng = Village_.objects.get(code="32.12.09.2010")
    elsewhere = Village_.objects.create(
        code="32.12.10.2001", name="Tanjungpura", district="Karangampel", visit_target_days=14
    )
    start = timezone.now() - datetime.timedelta(days=3)
    patrol = Patrol_.objects.create(
        started_at=start,
        ended_at=start + datetime.timedelta(hours=1),
        village=krangkeng,
        place="Balai Desa",
        leader=leader,
        created_by=leader,
        summary="Sambang.",
        residents_met=4,
    )
    patrol.members.add(member)
    patrol.topics.add(topic)
    aspirations = [
        Aspiration_.objects.create(
            code=f"KRK-OLD0-000{n}",
            type="keluhan",
            category=category,
            title="Lama",
            description="Laporan lama.",
            village=village,
            submitted_at=start,
            verification_due=start,
        )
        for n, village in enumerate([krangkeng, None, elsewhere])
    ]
    apps.get_model("audit", "AuditEntry").objects.create(action="sign_in", actor=leader, actor_username="bhabin.lama")
    apps.get_model("audit", "AuditEntry").objects.create(action="sign_in_failed", actor_username="tidak.ada")
    apps.get_model("exports", "ExportJob").objects.create(owner=leader, source="patrols", file_format="csv")
    return {
        "villages": dict(Village_.objects.values_list("code", "pk")),
        "patrol": patrol.pk,
        "aspirations": [a.pk for a in aspirations],
        "officers": set(Officer_.objects.values_list("pk", flat=True)),
        "leader": leader.pk,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_rows_all_belong_to_polsek_krangkeng_after_migrate():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = create_rows_the_old_way(executor.loader.project_state(BEFORE[1:]).apps)  # units: none yet

    # Forward to every latest migration (later tests need them all back).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    krangkeng = Unit.objects.get(code="krangkeng")
    assert krangkeng.path == "jabar/indramayu/krangkeng/"
    # Villages keep their ids and codes, and join the kecamatan their code names.
    assert dict(Village.objects.values_list("code", "pk")) == old["villages"]
    assert set(Village.objects.values_list("unit", flat=True)) == {krangkeng.pk}
    assert set(Village.objects.exclude(code="32.12.10.2001").values_list("kecamatan__code", flat=True)) == {"32.12.09"}
    elsewhere = Kecamatan.objects.get(code="32.12.10")
    assert (elsewhere.name, elsewhere.regency_code, elsewhere.regency_name, elsewhere.unit) == (
        "Karangampel",
        "32.12",
        "Indramayu",
        krangkeng,
    )
    assert set(Officer.objects.values_list("pk", "unit")) == {(pk, krangkeng.pk) for pk in old["officers"]}
    assert Patrol.objects.get(pk=old["patrol"]).unit == krangkeng
    assert list(Aspiration.objects.order_by("pk").values_list("pk", "unit")) == [
        (pk, krangkeng.pk) for pk in old["aspirations"]
    ]
    # The tallies are recounted, with their unit.
    day = timezone.localdate(Patrol.objects.get().started_at)
    assert list(PatrolTally.objects.values_list("day", "unit", "patrols", "residents")) == [(day, krangkeng.pk, 1, 4)]
    assert set(OfficerPatrolTally.objects.values_list("unit", "led", "joined")) == {
        (krangkeng.pk, 1, 0),
        (krangkeng.pk, 0, 1),
    }
    assert list(TopicPatrolTally.objects.values_list("unit", "patrols")) == [(krangkeng.pk, 1)]
    # 0013 sums them per unit for the figures above a Polsek.
    assert list(UnitPatrolTally.objects.values_list("day", "unit", "patrol_type", "patrols", "residents")) == [
        (day, krangkeng.pk, "sambang", 1, 4)
    ]
    assert dict(AuditEntry.objects.values_list("actor_username", "unit")) == {
        "bhabin.lama": krangkeng.pk,
        "tidak.ada": None,
    }
    assert ExportJob.objects.get().unit == krangkeng
