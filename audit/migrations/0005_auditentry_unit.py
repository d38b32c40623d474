"""Audit entries by unit (issue 14): the existing trail was Polsek Krangkeng's, the only unit then.

Entries of no account and no record (a failed sign-in with an unknown username) stay without one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_trail_to_krangkeng(apps, schema_editor):
    krangkeng = apps.get_model("units", "Unit").objects.get(code="krangkeng")
    entries = apps.get_model("audit", "AuditEntry").objects
    entries.filter(models.Q(actor__isnull=False) | ~models.Q(target_type="")).update(unit=krangkeng)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_account_actions"),
        ("units", "0002_jabar_indramayu_krangkeng"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["unit", "-created_at"], name="audit_unit_created_idx"),
        ),
        migrations.RunPython(give_trail_to_krangkeng, migrations.RunPython.noop),
    ]
