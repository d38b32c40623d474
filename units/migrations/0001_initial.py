import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import core.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Unit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("polda", "Polda"), ("polres", "Polres"), ("polsek", "Polsek")],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text='As residents read it, e.g. "Polsek Krangkeng".', max_length=100, verbose_name="name"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text='Short and lower case, used in addresses such as /polsek/krangkeng/. E.g. "krangkeng".',
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                (
                    "path",
                    models.CharField(
                        editable=False,
                        help_text="The codes from the top down to this unit; kept when the unit is saved.",
                        max_length=255,
                        unique=True,
                        verbose_name="path",
                    ),
                ),
                ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                (
                    "phone",
                    models.CharField(
                        blank=True, max_length=20, validators=[core.fields.phone_validator], verbose_name="phone"
                    ),
                ),
                (
                    "whatsapp",
                    models.CharField(
                        blank=True,
                        help_text="A number residents may message; shown on the public pages.",
                        max_length=20,
                        validators=[core.fields.phone_validator],
                        verbose_name="WhatsApp",
                    ),
                ),
                (
                    "commander_name",
                    models.CharField(
                        blank=True, help_text="Signs the unit's recap.", max_length=100, verbose_name="commander's name"
                    ),
                ),
                (
                    "commander_rank",
                    models.CharField(
                        blank=True,
                        help_text='As written under the signature, e.g. "AKP".',
                        max_length=40,
                        verbose_name="commander's rank",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="The unit above this one; empty only for the top of the deployment.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="units.unit",
                        verbose_name="parent unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "police unit",
                "verbose_name_plural": "police units",
                "ordering": ["path"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("parent__isnull", False), models.Q(("kind", "polsek"), _negated=True), _connector="OR"
                        ),
                        name="unit_polsek_has_parent",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Kecamatan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        max_length=8,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{2}\\.\\d{2}\\.\\d{2}$", "Use the form 32.12.09."
                            )
                        ],
                        verbose_name="Kemendagri code",
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "regency_code",
                    models.CharField(
                        help_text="E.g. 32.12.",
                        max_length=5,
                        validators=[django.core.validators.RegexValidator("^\\d{2}\\.\\d{2}$", "Use the form 32.12.")],
                        verbose_name="regency code",
                    ),
                ),
                (
                    "regency_name",
                    models.CharField(
                        help_text="E.g. Indramayu.", max_length=80, verbose_name="regency (kabupaten/kota)"
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        help_text="The Polsek that covers this kecamatan.",
                        limit_choices_to={"kind": "polsek"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="kecamatan",
                        to="units.unit",
                        verbose_name="Polsek",
                    ),
                ),
            ],
            options={
                "verbose_name": "kecamatan",
                "verbose_name_plural": "kecamatan",
                "ordering": ["code"],
                "indexes": [models.Index(fields=["regency_code", "name"], name="kecamatan_regency_name")],
            },
        ),
    ]
