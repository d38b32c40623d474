"""Command reads the audit trail; admin unlocks accounts locked by django-axes.

The axes grants live here because axes is a third-party app with no migration of
ours, and unlocking is part of the same accountability story.
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "command": ["audit.view_auditentry"],
    "admin": [
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    ],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
