"""The workflow's fields: the patrol an aspiration was heard on, referrals, assignees.

Constraints come in 0006, after 0005 has brought older rows in line with them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0003_roles"),
        ("patrols", "0006_patrol_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="aspiration",
            options={
                "ordering": ["-submitted_at"],
                "permissions": [
                    ("view_reporter_identity", "Can reveal the reporter's identity"),
                    ("triage_aspiration", "Can verify, assign and reject aspirations"),
                    ("reopen_aspiration", "Can reopen resolved or rejected aspirations"),
                    ("view_all_aspirations", "Can see every aspiration of the unit"),
                    ("reassign_aspiration", "Can hand an aspiration in follow-up to another officer"),
                    ("handle_aspiration", "Can reply to, note and resolve the aspirations assigned to them"),
                    ("handle_any_aspiration", "Can reply to, note and resolve any aspiration"),
                    ("note_aspiration", "Can add internal notes to any aspiration"),
                ],
                "verbose_name": "aspiration",
                "verbose_name_plural": "aspirations",
            },
        ),
        migrations.AddField(
            model_name="aspiration",
            name="patrol",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspirations",
                to="patrols.patrol",
                verbose_name="heard on patrol",
            ),
        ),
        migrations.AddField(
            model_name="aspiration",
            name="referred_to",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sp4n_lapor", "SP4N-LAPOR! (other public services)"),
                    ("dumas_presisi", "Dumas Presisi (conduct of a police officer)"),
                ],
                help_text="Where the resident was sent when it is not for the police.",
                max_length=16,
                verbose_name="referred to",
            ),
        ),
        migrations.AddField(
            model_name="aspirationevent",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="aspiration_assignments",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assigned to",
            ),
        ),
        migrations.AddIndex(
            model_name="aspirationevent",
            index=models.Index(fields=["assignee", "aspiration"], name="aspirationevent_assignee"),
        ),
    ]
