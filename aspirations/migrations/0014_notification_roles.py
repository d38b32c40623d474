"""The admin role watches notifications: the failed ones, and sends them again (the admin's retry)."""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {"admin": ["aspirations.view_notification", "aspirations.change_notification"]}


class Migration(migrations.Migration):
    dependencies = [("aspirations", "0013_notifications")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant_permissions(apps, GRANTS),
            lambda apps, schema_editor: revoke_permissions(apps, GRANTS),
        )
    ]
