"""The chain the portal served before units existed: Polda Jawa Barat → Polres Indramayu →
Polsek Krangkeng, and Kecamatan Krangkeng (Kemendagri 32.12.09) covered by that Polsek.

Every existing row (villages, officers, patrols, aspirations, tallies, audit entries,
exports) is given to Polsek Krangkeng by each app's own migration. The Polsek's first
address and phone are the deployment's KRK_UNIT_ADDRESS and KRK_UNIT_PHONE, which were
its contact until now; an admin edits them on the unit from here on.
"""

from django.conf import settings
from django.db import migrations

# (kind, code, name, parent code); historical models have no custom save(): paths are written here.
UNITS = [
    ("polda", "jabar", "Polda Jawa Barat", None),
    ("polres", "indramayu", "Polres Indramayu", "jabar"),
    ("polsek", "krangkeng", "Polsek Krangkeng", "indramayu"),
]
KECAMATAN = {"code": "32.12.09", "name": "Krangkeng", "regency_code": "32.12", "regency_name": "Indramayu"}


def create_units(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    Kecamatan = apps.get_model("units", "Kecamatan")
    created = {}
    for kind, code, name, parent_code in UNITS:
        parent = created.get(parent_code)
        path = f"{parent.path if parent else ''}{code}/"
        contact = {}
        if code == "krangkeng":
            contact = {"address": settings.KRK_UNIT_ADDRESS[:200], "phone": settings.KRK_UNIT_PHONE[:20]}
        created[code], _ = Unit.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": name, "parent": parent, "path": path, **contact}
        )
    Kecamatan.objects.get_or_create(code=KECAMATAN["code"], defaults={**KECAMATAN, "unit": created["krangkeng"]})


def remove_units(apps, schema_editor):
    apps.get_model("units", "Kecamatan").objects.filter(code=KECAMATAN["code"]).delete()
    Unit = apps.get_model("units", "Unit")
    for _kind, code, _name, _parent in reversed(UNITS):
        Unit.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(create_units, remove_units)]
