"""Grant the workflow permissions and bring rows from before the workflow in line.

Roles (permissions, never group names, decide; an admin may re-shape them):
- officer: handle (reply, note, resolve) the aspirations assigned to them;
- operator: see all, verify / reject / assign (0003), handle any, note;
- command: see all, reassign, reopen (0003), note; verifying, rejecting and first
  assignment are the operator's intake, so command loses `triage_aspiration`.

Rows written before this migration (demo data only) may have an assignment event
without an assignee or an aspiration in follow-up without an officer; 0006's
constraints would refuse them, so they are repaired here first.
"""

from django.db import migrations

from core.roles import grant_permissions, revoke_permissions

GRANTS = {
    "officer": ["aspirations.handle_aspiration"],
    "operator": [
        "aspirations.view_all_aspirations",
        "aspirations.handle_any_aspiration",
        "aspirations.note_aspiration",
    ],
    "command": [
        "aspirations.view_all_aspirations",
        "aspirations.reassign_aspiration",
        "aspirations.note_aspiration",
    ],
}
COMMAND_NO_LONGER = {"command": ["aspirations.triage_aspiration"]}


def repair_rows(apps) -> None:
    Aspiration = apps.get_model("aspirations", "Aspiration")
    AspirationEvent = apps.get_model("aspirations", "AspirationEvent")
    for event in AspirationEvent.objects.filter(kind="assignment", assignee__isnull=True).select_related("aspiration"):
        if event.aspiration.assigned_to_id:
            event.assignee_id = event.aspiration.assigned_to_id
            event.save(update_fields=["assignee"])
        else:  # nobody to name: keep the text as a note
            event.kind = "internal_note"
            event.is_public = False
            event.save(update_fields=["kind", "is_public"])
    AspirationEvent.objects.exclude(kind="assignment").filter(assignee__isnull=False).update(assignee=None)
    # In follow-up without an officer: back to verified, where it waits for one.
    Aspiration.objects.filter(status="ditindaklanjuti", assigned_to__isnull=True).update(status="terverifikasi")


def forwards(apps, schema_editor):
    repair_rows(apps)
    grant_permissions(apps, GRANTS)
    revoke_permissions(apps, COMMAND_NO_LONGER)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)
    grant_permissions(apps, COMMAND_NO_LONGER)


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0004_workflow_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
