"""Grant the roles their patrol permissions.

officer: log patrols, read those of their villages and their own, edit their own for
7 days (`change_patrol`). operator: read all. command: read all and edit any patrol
at any time. admin: everything, including the imbauan topics and photos.
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "officer": ["patrols.view_patrol", "patrols.log_patrol", "patrols.change_patrol", "patrols.view_imbauantopic"],
    "operator": ["patrols.view_patrol", "patrols.view_all_patrols", "patrols.view_imbauantopic"],
    "command": [
        "patrols.view_patrol",
        "patrols.view_all_patrols",
        "patrols.change_any_patrol",
        "patrols.view_imbauantopic",
    ],
    "admin": [
        "patrols.view_all_patrols",
        "patrols.change_any_patrol",
        *(
            f"patrols.{action}_{model}"
            for model in ("patrol", "imbauantopic", "patrolphoto")
            for action in ("view", "add", "change", "delete")
        ),
        "patrols.view_patroledit",
    ],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0005_imbauan_topics"),
        ("patrols", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
