"""Seed the aspiration categories (DOMAIN.md); admins edit them afterwards."""

from django.db import migrations

# slug, Indonesian name, English name, hint, order
CATEGORIES = [
    (
        "keamanan-lingkungan",
        "Keamanan lingkungan dan pencurian",
        "Neighbourhood security and theft",
        "Pencurian (curat, curas, curanmor), begal, orang mencurigakan.",
        10,
    ),
    (
        "geng-motor-tawuran",
        "Geng motor dan tawuran",
        "Motorbike gangs and brawls",
        "Geng motor, tawuran pelajar, balap liar.",
        20,
    ),
    ("narkoba", "Narkoba", "Drugs", "Peredaran atau penyalahgunaan narkoba dan obat keras.", 30),
    ("lalu-lintas", "Lalu lintas", "Traffic", "Kecelakaan, kemacetan, jalan rawan, parkir liar.", 40),
    ("konflik-sosial", "Konflik sosial", "Social conflict", "Perselisihan antarwarga atau antarkelompok.", 50),
    (
        "kdrt-perlindungan-anak",
        "KDRT dan perlindungan anak",
        "Domestic violence and child protection",
        "Kekerasan dalam rumah tangga, kekerasan atau eksploitasi anak.",
        60,
    ),
    ("bencana", "Bencana", "Disasters", "Banjir, kebakaran, angin kencang.", 70),
    (
        "pelayanan-polisi",
        "Pelayanan kepolisian",
        "Police service",
        "Saran untuk pelayanan Polsek. Pengaduan perilaku anggota: Dumas Presisi.",
        80,
    ),
    ("lainnya", "Lainnya", "Other", "", 900),
]


def load_categories(apps, schema_editor):
    Category = apps.get_model("aspirations", "Category")
    for slug, name, name_en, description, order in CATEGORIES:
        Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "description": description, "sort_order": order},
        )


def unload_categories(apps, schema_editor):
    Category = apps.get_model("aspirations", "Category")
    Category.objects.filter(slug__in=[row[0] for row in CATEGORIES], aspirations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("aspirations", "0001_initial")]

    operations = [migrations.RunPython(load_categories, unload_categories)]
