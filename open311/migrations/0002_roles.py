"""The admin role manages API clients: create (the key is shown once), rename, revoke.

Nobody deletes one: a client that sent reports stays, revoked, so the trail keeps its name.
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "admin": ["open311.view_apiclient", "open311.add_apiclient", "open311.change_apiclient"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("patrols", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
