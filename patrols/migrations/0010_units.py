"""Units (issue 14): villages by kecamatan and Polsek; officers, patrols and tallies by unit.

The columns come in empty, every existing row is given to Polsek Krangkeng (the only
unit the portal served), then 0011 makes them required. Two migrations, not one:
PostgreSQL refuses to alter a table whose rows this transaction changed.

Villages keep their ids and codes. Each joins the kecamatan its code names
(32.12.09.2001 → 32.12.09, Krangkeng, created by units.0002); a village an admin
added elsewhere gets its kecamatan from its code and its old `district` text, and
is, like every village, covered by Polsek Krangkeng until an admin says otherwise.
"""

import django.db.models.deletion
from django.db import migrations, models

REGENCIES = {"32.12": "Indramayu"}


def give_everything_to_krangkeng(apps, schema_editor):
    from patrols import tallies

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
    tallies.rebuild(apps=apps)


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
