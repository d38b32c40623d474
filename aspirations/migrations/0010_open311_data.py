"""Give every existing aspiration a public id, and mark the sensitive categories.

Sensitive: domestic and sexual violence, child protection, and drugs (the
seeded categories, or any an admin created whose slug or name says so). Going back
keeps the ids (0008's reversal drops the column) and clears the flags.
"""

from django.db import migrations

from aspirations import public_ids

BATCH = 2000
SENSITIVE_WORDS = (
    "kdrt",
    "rumah-tangga",
    "perlindungan-anak",
    "kekerasan-anak",
    "kekerasan-seksual",
    "pelecehan",
    "narkoba",
    "narkotika",
)


def fill_public_ids(apps, schema_editor):
    Aspiration = apps.get_model("aspirations", "Aspiration")
    taken = set()
    batch = []
    for aspiration in Aspiration.objects.filter(public_id__isnull=True).only("pk").iterator(chunk_size=BATCH):
        public_id = public_ids.generate()
        while public_id in taken:
            public_id = public_ids.generate()
        taken.add(public_id)
        aspiration.public_id = public_id
        batch.append(aspiration)
        if len(batch) == BATCH:
            Aspiration.objects.bulk_update(batch, ["public_id"])
            batch = []
    Aspiration.objects.bulk_update(batch, ["public_id"])


def _is_sensitive(category) -> bool:
    words = f"{category.slug} {category.name} {category.name_en}".lower().replace(" ", "-")
    return any(word in words for word in SENSITIVE_WORDS)


def mark_sensitive(apps, schema_editor):
    Category = apps.get_model("aspirations", "Category")
    sensitive = [category.pk for category in Category.objects.all() if _is_sensitive(category)]
    Category.objects.filter(pk__in=sensitive).update(is_sensitive=True)


def unmark_sensitive(apps, schema_editor):
    apps.get_model("aspirations", "Category").objects.update(is_sensitive=False)


class Migration(migrations.Migration):
    dependencies = [
        ("aspirations", "0009_open311_fields"),
    ]

    operations = [
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.RunPython(mark_sensitive, unmark_sensitive),
    ]
