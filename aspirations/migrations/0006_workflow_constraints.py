"""Integrity rules of the workflow (after 0005 fixed older rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0005_workflow_roles"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="aspiration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "ditindaklanjuti"), _negated=True),
                    ("assigned_to__isnull", False),
                    _connector="OR",
                ),
                name="aspiration_followup_has_officer",
            ),
        ),
        migrations.AddConstraint(
            model_name="aspiration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["terverifikasi", "ditindaklanjuti"]), _negated=True),
                    models.Q(("followup_due__isnull", False), ("verified_at__isnull", False)),
                    _connector="OR",
                ),
                name="aspiration_verified_has_times",
            ),
        ),
        migrations.AddConstraint(
            model_name="aspirationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("assignee__isnull", False), ("kind", "assignment")),
                    models.Q(models.Q(("kind", "assignment"), _negated=True), ("assignee__isnull", True)),
                    _connector="OR",
                ),
                name="aspirationevent_assignee_iff_assignment",
            ),
        ),
    ]
