"""Units (issue 14): villages by kecamatan and Polsek; officers, patrols and tallies by unit.

The columns come in empty, every existing row is given to Polsek Krangkeng (the only
unit the portal served), then 0011 makes them required. Two migrations, not one:
PostgreSQL refuses to alter a table whose rows this transaction changed.

Villages keep their ids and codes. Each joins the kecamatan its code names
(32.12.09.2001 → 32.12.09, Krangkeng, created by units.0002); a village an admin
added elsewhere gets its kecamatan from its code and its old `district` text, and
is, like every village, covered by Polsek Krangkeng until an admin says otherwise.
"""

import zoneinfo
from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

REGENCIES = {"32.12": "Indramayu"}


def count_tallies(apps) -> None:
    """Every daily tally counted again, by unit, from the patrols: `patrols.tallies.rebuild` as it
    was when this migration was written. A copy, not a call: this migration once called the live
    code, which broke when a later tally (0013's) was added to it that these models do not have."""
    Patrol = apps.get_model("patrols", "Patrol")
    PatrolTally = apps.get_model("patrols", "PatrolTally")
    OfficerPatrolTally = apps.get_model("patrols", "OfficerPatrolTally")
    TopicPatrolTally = apps.get_model("patrols", "TopicPatrolTally")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def per_day(rows, prefix, key):
        return (
            rows.annotate(day=TruncDate(f"{prefix}started_at", tzinfo=zone))
            .order_by()
            .values_list("day", f"{prefix}unit_id", key)
            .annotate(n=Count("pk" if not prefix else "patrol_id"))
        )

    for model in (PatrolTally, OfficerPatrolTally, TopicPatrolTally):
        model.objects.all().delete()
    villages = (
        Patrol.objects.annotate(day=TruncDate("started_at", tzinfo=zone))
        .order_by()
        .values("day", "unit_id", "village_id", "patrol_type")
        .annotate(n=Count("pk"), residents=Sum("residents_met"), incidents=Count("pk", filter=Q(situation="kejadian")))
    )
    PatrolTally.objects.bulk_create(
        PatrolTally(
            day=row["day"],
            unit_id=row["unit_id"],
            village_id=row["village_id"],
            patrol_type=row["patrol_type"],
            patrols=row["n"],
            residents=row["residents"] or 0,
            incidents=row["incidents"],
        )
        for row in villages
    )
    officers = defaultdict(lambda: {"led": 0, "joined": 0})
    for day, unit_id, officer_id, n in per_day(Patrol.objects.all(), "", "leader_id"):
        officers[(day, unit_id, officer_id)]["led"] = n
    for day, unit_id, officer_id, n in per_day(Patrol.members.through.objects.all(), "patrol__", "officer_id"):
        officers[(day, unit_id, officer_id)]["joined"] = n
    OfficerPatrolTally.objects.bulk_create(
        OfficerPatrolTally(day=day, unit_id=unit_id, officer_id=officer_id, **values)
        for (day, unit_id, officer_id), values in officers.items()
    )
    TopicPatrolTally.objects.bulk_create(
        TopicPatrolTally(day=day, unit_id=unit_id, topic_id=topic_id, patrols=n)
        for day, unit_id, topic_id, n in per_day(Patrol.topics.through.objects.all(), "patrol__", "imbauantopic_id")
    )


def give_everything_to_krangkeng(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    Kecamatan = apps.get_model("units", "Kecamatan")
    krangkeng = Unit.objects.get(code="krangkeng")
    for village in apps.get_model("patrols", "Village").objects.all():
        code = village.code[:8]
        kecamatan, _ = Kecamatan.objects.get_or_create(
            code=code,
            defaults={
                "name": village.district or code,
                "regency_code": code[:5],
                "regency_name": REGENCIES.get(code[:5], code[:5]),
                "unit": krangkeng,
            },
        )
        village.kecamatan = kecamatan
        village.unit_id = kecamatan.unit_id
        village.save(update_fields=["kecamatan", "unit"])
    apps.get_model("patrols", "Officer").objects.update(unit=krangkeng)
    apps.get_model("patrols", "Patrol").objects.update(unit=krangkeng)
    count_tallies(apps)


def forget_units(apps, schema_editor):
    """Nothing to undo: the columns go with the migration, and the tallies stay right."""


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0009_officer_notify_whatsapp"),
        ("units", "0002_jabar_indramayu_krangkeng"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="officerpatroltally",
            name="officerpatroltally_day_officer",
        ),
        migrations.RemoveConstraint(
            model_name="patroltally",
            name="patroltally_day_village_type",
        ),
        migrations.RemoveConstraint(
            model_name="topicpatroltally",
            name="topicpatroltally_day_topic",
        ),
        migrations.AddField(
            model_name="officer",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                help_text="Their unit: with their roles, what they may see. Empty only for superusers.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officers",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="officerpatroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="patrol",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patrols",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="patroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="topicpatroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="village",
            name="kecamatan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="villages",
                to="units.kecamatan",
                verbose_name="kecamatan",
            ),
        ),
        migrations.AddField(
            model_name="village",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The Polsek of the kecamatan; empty until one covers it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="villages",
                to="units.unit",
                verbose_name="Polsek",
            ),
        ),
        migrations.AddIndex(
            model_name="officerpatroltally",
            index=models.Index(fields=["unit", "day"], name="officerpatroltally_unit_day"),
        ),
        migrations.AddIndex(
            model_name="patrol",
            index=models.Index(fields=["unit", "-started_at"], name="patrol_unit_started"),
        ),
        migrations.AddIndex(
            model_name="patroltally",
            index=models.Index(fields=["unit", "day"], name="patroltally_unit_day"),
        ),
        migrations.AddIndex(
            model_name="topicpatroltally",
            index=models.Index(fields=["unit", "day"], name="topicpatroltally_unit_day"),
        ),
        migrations.AddConstraint(
            model_name="officerpatroltally",
            constraint=models.UniqueConstraint(
                fields=("day", "unit", "officer"), name="officerpatroltally_day_unit_officer"
            ),
        ),
        migrations.AddConstraint(
            model_name="patroltally",
            constraint=models.UniqueConstraint(
                fields=("day", "unit", "village", "patrol_type"), name="patroltally_day_unit_village_type"
            ),
        ),
        migrations.AddConstraint(
            model_name="topicpatroltally",
            constraint=models.UniqueConstraint(fields=("day", "unit", "topic"), name="topicpatroltally_day_unit_topic"),
        ),
        migrations.RunPython(give_everything_to_krangkeng, forget_units),
    ]
