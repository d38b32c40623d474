"""Demo accounts, postings and patrols for `manage.py seed_demo` (idempotent)."""

from __future__ import annotations

import datetime
import io
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from core import roles
from core.images import process_photo
from core.services import store_photos
from units.models import Unit

from . import tallies
from .demo_territory import DEMO_DAYS, STAFF, bhabin_names, demo_villages, seed_territory, username_for
from .models import (
    DEFAULT_VISIT_TARGET_DAYS,
    Assignment,
    ImbauanTopic,
    Officer,
    Patrol,
    PatrolMode,
    PatrolPhoto,
    PatrolType,
    Position,
    Rank,
    RiskLevel,
    Situation,
    Village,
)
from .services import assignment_start

__all__ = ["seed_accounts", "seed_patrols", "username_for"]

# (village, first name, last name, rank, phone) of Krangkeng's demo Bhabinkamtibmas (README).
BHABINS = [
    ("Purwajaya", "Agus", "Setiawan", Rank.AIPTU, "081224500101"),
    ("Kapringan", "Dedi", "Kurniawan", Rank.AIPDA, "081224500102"),
    ("Singakerta", "Rudi", "Hartono", Rank.BRIPKA, "081224500103"),
    ("Dukuhjati", "Wahyu", "Hidayat", Rank.BRIGPOL, "081224500104"),
    ("Tegalmulya", "Asep", "Saepudin", Rank.AIPDA, "081224500105"),
    ("Kedungwungu", "Yusuf", "Maulana", Rank.BRIPKA, "081224500106"),
    ("Srengseng", "Dwi", "Prasetyo", Rank.AIPTU, "081224500107"),
    ("Luwunggesik", "Eko", "Saputra", Rank.BRIPKA, "081224500108"),
    ("Kalianyar", "Taufik", "Rahman", Rank.BRIGPOL, "081224500109"),
    ("Krangkeng", "Ahmad", "Fauzi", Rank.AIPDA, "081224500110"),
    ("Tanjakan", "Sutrisno", "", Rank.AIPTU, "081224500111"),
]
# By village code (32.12.09.2001, ... in that order), with the NRP each had from the start.
KRANGKENG_BHABINS = {
    f"32.12.09.{2001 + index}": (first, last, rank, phone, f"{78050100 + index}")
    for index, (_village, first, last, rank, phone) in enumerate(BHABINS)
}

# Demo risk ratings, so the dashboard has something to say; real ones are set in the admin.
DEMO_RISK = {
    "32.12.09.2010": RiskLevel.RAWAN,  # Krangkeng
    "32.12.09.2009": RiskLevel.RAWAN,  # Kalianyar
    "32.12.09.2008": RiskLevel.SANGAT_RAWAN,  # Luwunggesik
    "32.12.10.2014": RiskLevel.RAWAN,  # Karangampel
    "32.12.10.2017": RiskLevel.SANGAT_RAWAN,  # Mundu
    "32.12.28.2004": RiskLevel.RAWAN,  # Kedokanbunder
}


def _officer(*, username: str, encoded: str, role: Group, unit: Unit, is_staff: bool = False, **fields) -> Officer:
    officer, _ = Officer.objects.update_or_create(
        username=username, defaults={"is_staff": is_staff, "unit": unit, **fields}
    )
    officer.password = encoded
    officer.save(update_fields=["password"])
    officer.groups.set([role])
    return officer


def seed_accounts(*, password: str) -> list[tuple[str, str]]:
    """The demo territory, its staff accounts and one Bhabinkamtibmas per village, posted
    there; returns (username, description) for the sign-in list."""
    units = seed_territory()
    # One hash for every account: hashing is slow on purpose, and there are 44 of them.
    encoded = make_password(password)
    groups = {group.name: group for group in Group.objects.all()}  # the roles, read once
    accounts: list[tuple[str, str]] = []
    for username, first, last, rank, position, role, is_staff, unit_code in STAFF:
        unit = units[unit_code]
        officer = _officer(
            username=username,
            encoded=encoded,
            role=groups[role],
            unit=unit,
            is_staff=is_staff,
            first_name=first,
            last_name=last,
            rank=rank,
            position=position,
        )
        accounts.append((username, f"{officer.display_name} ({position.label}, {unit.name})"))

    for code, risk in DEMO_RISK.items():
        Village.objects.filter(code=code).update(risk_level=risk, visit_target_days=DEFAULT_VISIT_TARGET_DAYS[risk])
    start = timezone.localdate() - datetime.timedelta(days=365)
    units_by_id: dict[int | None, Unit] = {unit.pk: unit for unit in units.values()}
    for index, village in enumerate(demo_villages()):
        if village.code in KRANGKENG_BHABINS:
            first, last, rank, phone, nrp = KRANGKENG_BHABINS[village.code]
        else:
            first, last, rank = bhabin_names(index)
            phone, nrp = f"0812245{index:05d}", f"{78050200 + index}"
        officer = _officer(
            username=username_for(village),
            encoded=encoded,
            role=groups[roles.OFFICER],
            unit=units_by_id[village.unit_id],
            first_name=first,
            last_name=last,
            rank=rank,
            position=Position.BHABINKAMTIBMAS,
            phone=phone,
            phone_public=index % 3 != 1,
            nrp=nrp,
        )
        if not Assignment.objects.filter(village=village, officer=officer).exists():
            assignment_start(officer=officer, village=village, start_date=start)
        accounts.append((officer.username, f"{officer.display_name} (Bhabinkamtibmas {village.name})"))
    return accounts


# ---------------------------------------------------------------------------------------
# Patrols: weeks of reports (DEMO_DAYS per Polsek), more often where the village is rated riskier.

# Chance that a village gets a patrol on a given day, by its risk level.
DAILY_CHANCE = {RiskLevel.AMAN: 0.17, RiskLevel.RAWAN: 0.4, RiskLevel.SANGAT_RAWAN: 0.65}
DEMO_PHOTO_CHANCE = 0.04

PLACES = [
    "Balai Desa",
    "Pos Kamling Blok Pahing RT 03/02",
    "Masjid Jami Al-Ikhlas",
    "Pasar Desa",
    "SDN 1 (jam pulang sekolah)",
    "Jalan Raya Pantura",
    "Tanggul Sungai Jagapura",
    "Warung kopi pertigaan",
    "Lapangan sepak bola",
    "Blok Kliwon RT 01/04",
    "Rumah Ketua RW 02",
    "Tempat pelelangan ikan",
]
BABINSA = ["Serda Hadi Santoso", "Sertu Wawan Gunadi", "Serka Jaja Sudrajat", "Serda Rohman"]
KUWU = ["Kuwu Darsono", "Kuwu Tarsiah", "Kuwu Casmadi", "Sekdes Warsini"]
SUMMARIES = {
    PatrolType.SAMBANG: "Sambang ke {place}, berbincang dengan warga dan tokoh masyarakat tentang situasi kamtibmas.",
    PatrolType.DIALOGIS: "Patroli dialogis di {place}: tanya jawab dengan warga, menampung keluhan dan saran.",
    PatrolType.DDS: "Door to door system di sekitar {place}, mendatangi rumah warga satu per satu.",
    PatrolType.KRYD: "KRYD malam hari di {place} dan jalur rawan balap liar serta geng motor.",
    PatrolType.STRONG_POINT: "Strong point di {place} pada jam rawan, mengatur arus lalu lintas.",
    PatrolType.JUMAT_CURHAT: "Jumat Curhat bersama jamaah di {place} selepas salat Jumat.",
    PatrolType.POLISI_RW: "Kunjungan Polisi RW ke {place}, koordinasi dengan ketua RT/RW.",
}
INCIDENTS = [
    (
        "Ada laporan warga tentang kehilangan sepeda motor di parkiran.",
        "Mencatat keterangan korban, koordinasi Unit Reskrim.",
    ),
    ("Sekelompok remaja berkumpul larut malam membawa senjata tajam.", "Membubarkan dan mendata, orang tua dipanggil."),
    ("Genangan air setinggi 30 cm di jalan desa setelah hujan deras.", "Koordinasi dengan perangkat desa dan BPBD."),
    ("Cekcok antarwarga soal batas tanah.", "Mediasi bersama Kuwu dan Babinsa, kedua pihak sepakat damai."),
]
TYPE_WEIGHTS = [
    (PatrolType.SAMBANG, 50),
    (PatrolType.DIALOGIS, 15),
    (PatrolType.DDS, 12),
    (PatrolType.STRONG_POINT, 8),
    (PatrolType.JUMAT_CURHAT, 5),
    (PatrolType.POLISI_RW, 5),
    (PatrolType.KRYD, 5),
]


def _demo_photo(rng: random.Random, village: Village, day: datetime.date) -> ContentFile:
    """A simple landscape drawn with Pillow: sky, rice fields, a village hall, a caption."""
    width, height = 1200, 900
    image = Image.new("RGB", (width, height), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 520, width, height], fill=(70 + rng.randrange(40), 150 + rng.randrange(40), 60))
    left = rng.randrange(150, 700)
    draw.rectangle([left, 330, left + 380, 560], fill=(235, 225, 200), outline=(90, 60, 40), width=6)
    draw.polygon([(left - 30, 330), (left + 190, 220), (left + 410, 330)], fill=(170, 60, 40))
    draw.rectangle([left + 160, 440, left + 220, 560], fill=(110, 70, 40))
    font = ImageFont.load_default(size=36)
    draw.text((40, height - 80), f"Dokumentasi patroli · Desa {village.name} · {day:%d-%m-%Y}", fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def _plan_patrol(rng: random.Random, *, day: datetime.date, village: Village, leader: Officer, night_ok: bool):
    types, weights = zip(*TYPE_WEIGHTS, strict=True)
    patrol_type = rng.choices(types, weights)[0]
    if (patrol_type == PatrolType.KRYD and not night_ok) or (
        patrol_type == PatrolType.JUMAT_CURHAT and day.weekday() != 4  # Friday
    ):
        patrol_type = PatrolType.SAMBANG
    if patrol_type == PatrolType.KRYD:
        start = datetime.time(rng.choice([21, 22, 23]), rng.choice([0, 30]))
        duration = datetime.timedelta(minutes=rng.choice([120, 150, 180]))
        mode = rng.choice([PatrolMode.MOTORBIKE, PatrolMode.CAR])
    elif patrol_type == PatrolType.JUMAT_CURHAT:
        start = datetime.time(13, rng.choice([0, 15]))
        duration = datetime.timedelta(minutes=90)
        mode = PatrolMode.MOTORBIKE
    else:
        start = datetime.time(rng.randrange(8, 17), rng.choice([0, 15, 30, 45]))
        duration = datetime.timedelta(minutes=rng.choice([45, 60, 90, 120]))
        mode = rng.choices(list(PatrolMode), [15, 5, 70, 10])[0]
    started_at = timezone.make_aware(datetime.datetime.combine(day, start))
    place = rng.choice(PLACES)
    partners = []
    if rng.random() < 0.45:
        partners.append(f"{rng.choice(BABINSA)} (Babinsa)")
    if rng.random() < 0.3:
        partners.append(rng.choice(KUWU))
    situation, findings, actions = Situation.SAFE, "", ""
    if rng.random() < 0.07:
        situation = Situation.INCIDENT
        findings, actions = rng.choice(INCIDENTS)
    ended_at = started_at + duration
    latitude = longitude = None
    if village.latitude is not None and village.longitude is not None and rng.random() < 0.6:
        latitude = village.latitude + Decimal(rng.randint(-40, 40)) / 10_000
        longitude = village.longitude + Decimal(rng.randint(-40, 40)) / 10_000
    assert village.unit_id is not None, "seed_patrols plans patrols only where a Polsek serves"
    return Patrol(
        patrol_type=patrol_type,
        mode=mode,
        started_at=started_at,
        ended_at=ended_at,
        village=village,
        unit_id=village.unit_id,
        place=place,
        latitude=latitude,
        longitude=longitude,
        leader=leader,
        partners=", ".join(partners),
        residents_met=rng.randrange(3, 40),
        situation=situation,
        summary=SUMMARIES.get(patrol_type, SUMMARIES[PatrolType.SAMBANG]).format(place=place),
        findings=findings,
        actions=actions,
        created_by=leader,
        created_at=ended_at + datetime.timedelta(minutes=rng.randrange(10, 120)),
    )


def seed_patrols(*, today: datetime.date | None = None) -> int:
    """Patrols by the demo Bhabinkamtibmas (Krangkeng: 90 days, its neighbours: 28); returns how
    many were added.

    Every calendar day and village draws from its own seeded generator, so a day's
    patrols are the same whenever the command runs: running it twice adds nothing,
    running it a day later adds only the new day. A patrol's second officer is the
    Bhabinkamtibmas of the next village of the same Polsek. Needs `seed_accounts` first.
    """
    today = today or timezone.localdate()
    villages = demo_villages()
    days_of_unit = {
        pk: DEMO_DAYS[code] for pk, code in Unit.objects.filter(code__in=DEMO_DAYS).values_list("pk", "code")
    }
    villages_of_unit: dict[int | None, list[Village]] = defaultdict(list)
    for village in villages:
        villages_of_unit[village.unit_id].append(village)
    leaders = {o.username: o for o in Officer.objects.filter(username__startswith="bhabin.")}
    topics = list(ImbauanTopic.objects.filter(is_active=True))
    first_day = today - datetime.timedelta(days=max(DEMO_DAYS.values()))
    existing = set(
        Patrol.objects.filter(
            started_at__gte=timezone.make_aware(datetime.datetime.combine(first_day, datetime.time()))
        ).values_list("village_id", "leader_id", "started_at")
    )
    planned: list[tuple[Patrol, list[int], list[int], bool]] = []
    for village in villages:
        leader = leaders.get(username_for(village))
        if leader is None or village.unit_id not in days_of_unit:
            continue
        same_unit = villages_of_unit[village.unit_id]
        neighbour = leaders.get(username_for(same_unit[(same_unit.index(village) + 1) % len(same_unit)]))
        for days_ago in range(days_of_unit[village.unit_id], 0, -1):
            day = today - datetime.timedelta(days=days_ago)
            rng = random.Random(f"krk-demo-patrol:{day.isoformat()}:{village.code}")
            if rng.random() >= DAILY_CHANCE[RiskLevel(village.risk_level)]:
                continue
            # A night patrol yesterday might not be over yet when the command runs.
            patrol = _plan_patrol(rng, day=day, village=village, leader=leader, night_ok=days_ago >= 2)
            members = [neighbour.pk] if neighbour and neighbour != leader and rng.random() < 0.5 else []
            chosen_topics = [t.pk for t in rng.sample(topics, k=min(len(topics), rng.randint(1, 3)))]
            with_photo = rng.random() < DEMO_PHOTO_CHANCE
            if (patrol.village_id, patrol.leader_id, patrol.started_at) in existing:
                continue
            planned.append((patrol, members, chosen_topics, with_photo))

    created = Patrol.objects.bulk_create([patrol for patrol, *_ in planned])
    Patrol.objects.filter(pk__in=[p.pk for p in created]).update(updated_at=F("created_at"))
    Patrol.members.through.objects.bulk_create(
        Patrol.members.through(patrol_id=patrol.pk, officer_id=officer_id)
        for patrol, members, _, _ in planned
        for officer_id in members
    )
    Patrol.topics.through.objects.bulk_create(
        Patrol.topics.through(patrol_id=patrol.pk, imbauantopic_id=topic_id)
        for patrol, _, chosen, _ in planned
        for topic_id in chosen
    )
    # Bulk inserts send no signals: count the new patrols' days into the dashboard's tallies.
    tallies.refresh({tallies.day_of(patrol.started_at) for patrol, *_ in planned})
    for patrol, _, _, with_photo in planned:
        if with_photo:
            rng = random.Random(f"krk-demo-photo:{patrol.started_at.isoformat()}:{patrol.village.code}")
            photo = process_photo(_demo_photo(rng, patrol.village, timezone.localtime(patrol.started_at).date()))
            caption = f"Dokumentasi di {patrol.place}"
            store_photos(PatrolPhoto, [photo], patrol=patrol, caption=caption, created_at=patrol.created_at)
    return len(created)
