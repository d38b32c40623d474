"""The unit tally (issue 14): patrols per unit, day and type, for the figures above a Polsek.

Filled from the village tallies as they stand (one INSERT … SELECT, the same on SQLite
and PostgreSQL), not by calling `patrols.tallies`: live code changes after a migration
is written, and a migration must keep doing what it did (0010's lesson). The village
tallies are right after 0010, and from here on `patrols.tallies` writes both.
"""

import django.db.models.deletion
from django.db import migrations, models

import units.scoping

SUM_VILLAGE_TALLIES = """
INSERT INTO patrols_unitpatroltally (day, unit_id, patrol_type, patrols, residents, incidents)
SELECT day, unit_id, patrol_type, SUM(patrols), SUM(residents), SUM(incidents)
FROM patrols_patroltally
GROUP BY day, unit_id, patrol_type
"""


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0012_position_kapolres"),
        ("units", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitPatrolTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="day")),
                (
                    "patrol_type",
                    models.CharField(
                        choices=[
                            ("sambang", "Patroli Sambang (visits)"),
                            ("dialogis", "Patroli Dialogis (dialogue)"),
                            ("dds", "DDS (door to door)"),
                            ("kryd", "KRYD (intensified patrol)"),
                            ("blue_light", "Blue Light patrol"),
                            ("strong_point", "Strong Point (posted at a vulnerable spot)"),
                            ("polisi_rw", "Polisi RW visit"),
                            ("jumat_curhat", "Jumat Curhat"),
                            ("lainnya", "Other"),
                        ],
                        max_length=20,
                        verbose_name="type",
                    ),
                ),
                ("patrols", models.PositiveIntegerField(verbose_name="patrols")),
                ("residents", models.PositiveIntegerField(verbose_name="residents met")),
                ("incidents", models.PositiveIntegerField(verbose_name="patrols with an incident")),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="units.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit patrol tally",
                "verbose_name_plural": "unit patrol tallies",
                "default_permissions": (),
                "indexes": [models.Index(fields=["unit", "day"], name="unitpatroltally_unit_day")],
                "constraints": [
                    models.UniqueConstraint(fields=("day", "unit", "patrol_type"), name="unitpatroltally_day_unit_type")
                ],
            },
            bases=(units.scoping.ScopedValidation, models.Model),
        ),
        migrations.RunSQL(SUM_VILLAGE_TALLIES, migrations.RunSQL.noop),
    ]
