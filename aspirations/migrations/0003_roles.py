"""Grant the roles their permissions on aspirations.

What each role may do with a particular aspiration (an officer only those assigned
to them) is decided by the views' scoping; these are the role-wide rights.
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    # Officers record aspirations heard on patrol and write on the timeline.
    "officer": ["aspirations.add_aspiration", "aspirations.add_aspirationevent", "aspirations.view_category"],
    # Intake: enter, verify, assign, reject; may reveal identity (logged).
    "operator": [
        "aspirations.view_aspiration",
        "aspirations.add_aspiration",
        "aspirations.change_aspiration",
        "aspirations.triage_aspiration",
        "aspirations.view_reporter_identity",
        "aspirations.view_aspirationevent",
        "aspirations.add_aspirationevent",
        "aspirations.view_attachment",
        "aspirations.view_category",
    ],
    # Command: everything read-only, reassign, reopen; may reveal identity (logged).
    "command": [
        "aspirations.view_aspiration",
        "aspirations.triage_aspiration",
        "aspirations.reopen_aspiration",
        "aspirations.view_reporter_identity",
        "aspirations.view_aspirationevent",
        "aspirations.add_aspirationevent",
        "aspirations.view_attachment",
        "aspirations.view_category",
    ],
    # Admin: master data.
    "admin": [f"aspirations.{action}_category" for action in ("view", "add", "change", "delete")]
    + ["aspirations.view_aspiration"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0002_categories"),
        ("patrols", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
