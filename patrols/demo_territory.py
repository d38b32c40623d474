"""The demo's territory and its people: Polres Indramayu with three Polsek, their real villages
(Kemendagri codes through `load_region`), and demo accounts for each role at each level.

Krangkeng keeps the accounts it always had (`pimpinan`, `operator`, `admin` and
`bhabin.<village>`, README); each unit adds its own, named after it (`kapolres`,
`operator.polres`, `pimpinan.karangampel`, ...). Role (the group) and unit together
are what an account may see. Idempotent, like the rest of seed_demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from core import roles
from units.models import Kecamatan, Unit, UnitKind

from .models import Position, Rank, Village
from .territory import kecamatan_assign, region_load

REGENCY = "32.12"  # Kabupaten Indramayu


@dataclass(frozen=True)
class DemoPolsek:
    code: str
    name: str
    kecamatan: str  # Kemendagri code
    commander_rank: str
    commander_name: str
    address: str
    phone: str
    days: int  # how far back its demo patrols and aspirations go


POLSEK = [
    # Krangkeng, the portal's first unit, has three months of history; the neighbours a few weeks.
    DemoPolsek(
        "krangkeng",
        "Polsek Krangkeng",
        "32.12.09",
        "AKP",
        "Hendra Gunawan",
        "Jl. Raya Krangkeng, Kec. Krangkeng",
        "0234-000001",
        90,
    ),
    DemoPolsek(
        "karangampel",
        "Polsek Karangampel",
        "32.12.10",
        "Iptu",
        "Agung Prasetyo",
        "Jl. Raya Karangampel, Kec. Karangampel",
        "0234-000002",
        28,
    ),
    DemoPolsek(
        "kedokan-bunder",
        "Polsek Kedokan Bunder",
        "32.12.28",
        "Iptu",
        "Yudi Permana",
        "Jl. Raya Kedokan Bunder, Kec. Kedokan Bunder",
        "0234-000003",
        28,
    ),
]
DEMO_DAYS = {polsek.code: polsek.days for polsek in POLSEK}

# username, first, last, rank, position, role, is_staff, unit code
STAFF = [
    # Polsek Krangkeng's first accounts: their names stay, so old notes and links still work.
    ("pimpinan", "Hendra", "Gunawan", Rank.AKP, Position.KAPOLSEK, roles.COMMAND, False, "krangkeng"),
    ("operator", "Siti", "Nurhaliza", Rank.BRIPTU, Position.OPERATOR, roles.OPERATOR, False, "krangkeng"),
    ("admin", "Admin", "Portal", Rank.PNS, Position.OPERATOR, roles.ADMIN, True, "krangkeng"),
    # Polres Indramayu: command over every Polsek, an operator handling aspirations for all of them.
    ("kapolres", "Bambang", "Hermanto", Rank.AKBP, Position.KAPOLRES, roles.COMMAND, False, "indramayu"),
    ("operator.polres", "Rina", "Marlina", Rank.BRIPKA, Position.OPERATOR, roles.OPERATOR, False, "indramayu"),
    ("admin.polres", "Admin", "Polres", Rank.PNS, Position.OPERATOR, roles.ADMIN, True, "indramayu"),
    # Each Polsek's own, named after it.
    ("pimpinan.krangkeng", "Yayan", "Sofyan", Rank.IPTU, Position.KANIT_BINMAS, roles.COMMAND, False, "krangkeng"),
    ("operator.krangkeng", "Dewi", "Lestari", Rank.BRIPDA, Position.OPERATOR, roles.OPERATOR, False, "krangkeng"),
    ("admin.krangkeng", "Admin", "Krangkeng", Rank.PNS, Position.OPERATOR, roles.ADMIN, True, "krangkeng"),
    ("pimpinan.karangampel", "Agung", "Prasetyo", Rank.IPTU, Position.KAPOLSEK, roles.COMMAND, False, "karangampel"),
    (
        "operator.karangampel",
        "Nining",
        "Kurniasih",
        Rank.BRIPTU,
        Position.OPERATOR,
        roles.OPERATOR,
        False,
        "karangampel",
    ),
    ("admin.karangampel", "Admin", "Karangampel", Rank.PNS, Position.OPERATOR, roles.ADMIN, True, "karangampel"),
    (
        "pimpinan.kedokan-bunder",
        "Yudi",
        "Permana",
        Rank.IPTU,
        Position.KAPOLSEK,
        roles.COMMAND,
        False,
        "kedokan-bunder",
    ),
    (
        "operator.kedokan-bunder",
        "Wulan",
        "Sari",
        Rank.BRIPTU,
        Position.OPERATOR,
        roles.OPERATOR,
        False,
        "kedokan-bunder",
    ),
    (
        "admin.kedokan-bunder",
        "Admin",
        "Kedokan Bunder",
        Rank.PNS,
        Position.OPERATOR,
        roles.ADMIN,
        True,
        "kedokan-bunder",
    ),
]

# Names for the Bhabinkamtibmas of the neighbours' villages, drawn in order.
FIRST_NAMES = ["Rahmat", "Iwan", "Dadang", "Slamet", "Tarsono", "Ujang", "Heri", "Sugeng", "Bayu", "Ade", "Nanang"]
LAST_NAMES = ["Wijaya", "Santoso", "Suryana", "Firmansyah", "Ramdani", "Kusuma", "Nugraha", "Hakim", "Gunadi"]
BHABIN_RANKS = [Rank.BRIPKA, Rank.AIPDA, Rank.BRIGPOL, Rank.AIPTU]


def seed_territory() -> dict[str, Unit]:
    """Polres Indramayu's demo Polsek, their kecamatan and villages; returns the units by code.

    The villages come from the Kemendagri data (`region_load`, only the three kecamatan):
    Krangkeng's eleven keep their ids, coordinates and risk; the neighbours' have no
    coordinates, like any village load_region brings.
    """
    region_load(regency_code=REGENCY, kecamatan_codes=[polsek.kecamatan for polsek in POLSEK])
    polres = Unit.objects.get(code="indramayu")
    if not polres.commander_name:
        Unit.objects.filter(pk=polres.pk).update(commander_rank="AKBP", commander_name="Bambang Hermanto")
    units = {"indramayu": polres}
    for polsek in POLSEK:
        unit = Unit.objects.filter(code=polsek.code).first()
        if unit is None:
            unit = Unit(kind=UnitKind.POLSEK, code=polsek.code, name=polsek.name, parent=polres)
        for name in ("commander_rank", "commander_name", "address", "phone"):
            if not getattr(unit, name):  # what an admin set stays
                setattr(unit, name, getattr(polsek, name))
        unit.full_clean()
        unit.save()
        kecamatan = Kecamatan.objects.get(code=polsek.kecamatan)
        if kecamatan.unit_id != unit.pk:
            kecamatan_assign(kecamatan=kecamatan, unit=unit)
        units[polsek.code] = unit
    return units


def demo_villages() -> list[Village]:
    """The villages of the demo Polsek, by code."""
    return list(Village.objects.filter(kecamatan__code__in=[p.kecamatan for p in POLSEK]).order_by("code"))


def username_for(village: Village) -> str:
    """bhabin.<village> ("bhabin.krangkeng", "bhabin.karangampelkidul")."""
    return "bhabin." + slugify(village.name).replace("-", "")


def bhabin_names(index: int) -> tuple[str, str, Rank]:
    """(first, last, rank) of the n-th generated Bhabinkamtibmas."""
    return (
        FIRST_NAMES[index % len(FIRST_NAMES)],
        LAST_NAMES[(index * 7) % len(LAST_NAMES)],
        BHABIN_RANKS[index % len(BHABIN_RANKS)],
    )
