"""API keys belong to a unit: `ApiClient.unit` replaces the `jurisdiction` code.

Until now there was one jurisdiction, the whole deployment, whatever code it went by
("krangkeng" by default): a key could name any village of it, and a report without
one went to the deployment's unit. So every existing key goes to the deployment's own
unit (KRK_HOME_UNIT), else the top of the tree, and keeps doing what it did. Going
back, each key takes its unit's code.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_units(apps, schema_editor):
    ApiClient = apps.get_model("open311", "ApiClient")
    Unit = apps.get_model("units", "Unit")
    home = Unit.objects.filter(code=settings.KRK_HOME_UNIT).first() or Unit.objects.order_by("path").first()
    ApiClient.objects.update(unit=home)


def give_codes(apps, schema_editor):
    ApiClient = apps.get_model("open311", "ApiClient")
    for client in ApiClient.objects.select_related("unit"):
        client.jurisdiction = client.unit.code
        client.save(update_fields=["jurisdiction"])


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0002_roles"),
        ("units", "0002_jabar_indramayu_krangkeng"),
    ]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_clients",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(give_units, give_codes),
        migrations.RemoveField(model_name="apiclient", name="jurisdiction"),
        migrations.AlterField(
            model_name="apiclient",
            name="unit",
            field=models.ForeignKey(
                help_text=(
                    "The unit this client sends reports to (its code is the Open311 jurisdiction_id);"
                    " a key of a Polres may also send to each of its Polsek."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_clients",
                to="units.unit",
                verbose_name="unit",
            ),
        ),
    ]
