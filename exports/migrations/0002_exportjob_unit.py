"""Background exports by unit (issue 14): the existing ones were asked for in Polsek Krangkeng."""

import django.db.models.deletion
from django.db import migrations, models


def give_exports_to_krangkeng(apps, schema_editor):
    krangkeng = apps.get_model("units", "Unit").objects.get(code="krangkeng")
    apps.get_model("exports", "ExportJob").objects.update(unit=krangkeng)


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("units", "0002_jabar_indramayu_krangkeng"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(give_exports_to_krangkeng, migrations.RunPython.noop),
    ]
