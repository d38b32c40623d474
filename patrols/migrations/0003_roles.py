"""Create the role groups and grant them the permissions on this app's models."""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "officer": ["patrols.view_village"],
    "operator": ["patrols.view_village", "patrols.view_assignment", "patrols.view_officer"],
    "command": ["patrols.view_village", "patrols.view_assignment", "patrols.view_officer"],
    "admin": [
        f"patrols.{action}_{model}"
        for model in ("village", "assignment", "officer")
        for action in ("view", "add", "change", "delete")
    ],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0002_villages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
