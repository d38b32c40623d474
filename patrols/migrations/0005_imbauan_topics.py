"""Seed the imbauan kamtibmas topics officers tick on the patrol form (admins edit them later)."""

from django.db import migrations

TOPICS = [
    ("pencurian-3c", "Pencurian (3C: curat, curas, curanmor)"),
    ("narkoba", "Bahaya narkoba"),
    ("hoaks", "Hoaks dan ujaran kebencian"),
    ("geng-motor-tawuran", "Geng motor dan tawuran"),
    ("lalu-lintas", "Keselamatan lalu lintas"),
    ("banjir-bencana", "Banjir dan bencana"),
    ("pemilu", "Pemilu dan pilkades damai"),
    ("kdrt", "Kekerasan dalam rumah tangga (KDRT)"),
    ("judi-online", "Judi online"),
]


def load_topics(apps, schema_editor):
    ImbauanTopic = apps.get_model("patrols", "ImbauanTopic")
    for position, (slug, name) in enumerate(TOPICS, start=1):
        ImbauanTopic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position * 10})


def unload_topics(apps, schema_editor):
    ImbauanTopic = apps.get_model("patrols", "ImbauanTopic")
    ImbauanTopic.objects.filter(slug__in=[slug for slug, _ in TOPICS], patrols__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("patrols", "0004_patrols_photos_topics")]

    operations = [migrations.RunPython(load_topics, unload_topics)]
