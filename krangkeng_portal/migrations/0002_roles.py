"""Grant the command pages: the dashboard and the monthly recap, to command and operators."""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "command": ["krangkeng_portal.view_dashboard", "krangkeng_portal.view_recap"],
    "operator": ["krangkeng_portal.view_dashboard", "krangkeng_portal.view_recap"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("krangkeng_portal", "0001_initial"),
        ("patrols", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
