"""Every village has its kecamatan, every patrol and tally its unit (filled by 0010)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0010_units"),
        ("units", "0002_jabar_indramayu_krangkeng"),
    ]

    operations = [
        migrations.AlterField(
            model_name="officerpatroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="patrol",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patrols",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="patroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="topicpatroltally",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="village",
            name="kecamatan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="villages",
                to="units.kecamatan",
                verbose_name="kecamatan",
            ),
        ),
        migrations.RemoveField(model_name="village", name="district"),
    ]
