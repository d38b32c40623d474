"""Every aspiration has a unit (issue 14): the existing ones, Polsek Krangkeng's; 0016 requires it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_aspirations_to_krangkeng(apps, schema_editor):
    krangkeng = apps.get_model("units", "Unit").objects.get(code="krangkeng")
    apps.get_model("aspirations", "Aspiration").objects.update(unit=krangkeng)


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0014_notification_roles"),
        ("patrols", "0009_officer_notify_whatsapp"),
        ("units", "0002_jabar_indramayu_krangkeng"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="aspiration",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspirations",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="aspiration",
            name="village",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: outside the villages of every Polsek.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspirations",
                to="patrols.village",
                verbose_name="village",
            ),
        ),
        migrations.AddIndex(
            model_name="aspiration",
            index=models.Index(fields=["unit", "-submitted_at"], name="aspiration_unit_submitted"),
        ),
        migrations.RunPython(give_aspirations_to_krangkeng, migrations.RunPython.noop),
    ]
