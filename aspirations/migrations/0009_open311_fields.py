"""Fields for the Open311 API: a public id (filled by 0009), the sensitive flag, the API channel."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0008_attachment_created_at_as_stored_photo"),
    ]

    operations = [
        # Nullable and not unique yet: 0009 gives every existing row its own id, 0010 then
        # makes it required and unique (Django's recipe for adding a unique field).
        migrations.AddField(
            model_name="aspiration",
            name="public_id",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="public id"),
        ),
        migrations.AddField(
            model_name="aspiration",
            name="sent_via",
            field=models.CharField(
                blank=True,
                help_text="For reports that came through the API: the client organisation, as named then.",
                max_length=100,
                verbose_name="sent by",
            ),
        ),
        migrations.AddField(
            model_name="category",
            name="is_sensitive",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Reports in this category are never published through the Open311 API, not even without names "
                    "(e.g. domestic violence, drugs): in a small village the category and the time can be enough."
                ),
                verbose_name="sensitive",
            ),
        ),
        migrations.AlterField(
            model_name="aspiration",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "Web form"),
                    ("patrol", "During a patrol"),
                    ("phone", "Phone"),
                    ("whatsapp", "WhatsApp"),
                    ("walk_in", "Walk-in at the station"),
                    ("api", "Open311 API"),
                ],
                default="web",
                max_length=10,
                verbose_name="channel",
            ),
        ),
    ]
