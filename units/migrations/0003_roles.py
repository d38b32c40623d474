"""Admins keep the units' contact and commanders and the kecamatan's Polsek up to date.

Creating and removing units is for a superuser (or `manage.py create_units`).
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "admin": ["units.view_unit", "units.change_unit", "units.view_kecamatan", "units.change_kecamatan"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_jabar_indramayu_krangkeng"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
