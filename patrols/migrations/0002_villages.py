"""Load the 11 villages of Kecamatan Krangkeng (Kemendagri 32.12.09).

Coordinates are approximate village centroids (for map pins, not addresses).
Risk levels start at "aman"; the station rates its villages in the admin.
"""

from decimal import Decimal

from django.db import migrations

VILLAGES = [
    ("32.12.09.2001", "Purwajaya", "-6.5591", "108.4653"),
    ("32.12.09.2002", "Kapringan", "-6.5444", "108.4575"),
    ("32.12.09.2003", "Singakerta", "-6.5359", "108.4950"),
    ("32.12.09.2004", "Dukuhjati", "-6.5268", "108.4800"),
    ("32.12.09.2005", "Tegalmulya", "-6.5215", "108.4508"),
    ("32.12.09.2006", "Kedungwungu", "-6.5097", "108.4557"),
    ("32.12.09.2007", "Srengseng", "-6.5086", "108.4793"),
    ("32.12.09.2008", "Luwunggesik", "-6.5145", "108.5171"),
    ("32.12.09.2009", "Kalianyar", "-6.5012", "108.5132"),
    ("32.12.09.2010", "Krangkeng", "-6.4876", "108.5031"),
    ("32.12.09.2011", "Tanjakan", "-6.4737", "108.5015"),
]


def load_villages(apps, schema_editor):
    Village = apps.get_model("patrols", "Village")
    for code, name, lat, lon in VILLAGES:
        Village.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "district": "Krangkeng",
                "postcode": "45284",
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "risk_level": "aman",
                "visit_target_days": 14,
            },
        )


def unload_villages(apps, schema_editor):
    Village = apps.get_model("patrols", "Village")
    Village.objects.filter(code__in=[row[0] for row in VILLAGES], assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("patrols", "0001_initial")]

    operations = [migrations.RunPython(load_villages, unload_villages)]
