import django.db.models
from django.db import migrations

import aspirations.public_ids


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0010_open311_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="aspiration",
            name="public_id",
            field=django.db.models.CharField(
                default=aspirations.public_ids.generate,
                editable=False,
                help_text="How the Open311 API names it; not a secret, unlike the ticket code.",
                max_length=12,
                unique=True,
                verbose_name="public id",
            ),
        ),
    ]
