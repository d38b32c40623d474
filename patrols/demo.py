"""Demo accounts and postings for `manage.py seed_demo` (idempotent)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from . import roles
from .models import DEFAULT_VISIT_TARGET_DAYS, Assignment, Officer, Position, Rank, RiskLevel, Village
from .services import assignment_start

# (village, first name, last name, rank, phone) of each demo Bhabinkamtibmas.
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

# Demo risk ratings, so the dashboard has something to say; real ones are set in the admin.
DEMO_RISK = {"Krangkeng": RiskLevel.RAWAN, "Kalianyar": RiskLevel.RAWAN, "Luwunggesik": RiskLevel.SANGAT_RAWAN}

STAFF = [
    # username, first, last, rank, position, role, is_staff
    ("pimpinan", "Hendra", "Gunawan", Rank.AKP, Position.KAPOLSEK, roles.COMMAND, False),
    ("operator", "Siti", "Nurhaliza", Rank.BRIPTU, Position.OPERATOR, roles.OPERATOR, False),
    ("admin", "Admin", "Portal", Rank.PNS, Position.OPERATOR, roles.ADMIN, True),
]


def username_for(village: Village) -> str:
    return f"bhabin.{village.name.lower()}"


def _officer(*, username: str, password: str, role: str, is_staff: bool = False, **fields) -> Officer:
    officer, _ = Officer.objects.update_or_create(username=username, defaults={"is_staff": is_staff, **fields})
    officer.set_password(password)
    officer.save(update_fields=["password"])
    officer.groups.set([Group.objects.get(name=role)])
    return officer


def seed_accounts(*, password: str) -> list[tuple[str, str]]:
    """Create the demo accounts; returns (username, description) for the sign-in list."""
    accounts: list[tuple[str, str]] = []
    for username, first, last, rank, position, role, is_staff in STAFF:
        officer = _officer(
            username=username,
            password=password,
            role=role,
            is_staff=is_staff,
            first_name=first,
            last_name=last,
            rank=rank,
            position=position,
        )
        accounts.append((username, f"{officer.display_name} ({position.label})"))

    villages = {v.name: v for v in Village.objects.all()}
    for name, risk in DEMO_RISK.items():
        Village.objects.filter(name=name).update(risk_level=risk, visit_target_days=DEFAULT_VISIT_TARGET_DAYS[risk])
    start = timezone.localdate() - datetime.timedelta(days=365)
    for index, (village_name, first, last, rank, phone) in enumerate(BHABINS):
        village = villages[village_name]
        officer = _officer(
            username=username_for(village),
            password=password,
            role=roles.OFFICER,
            first_name=first,
            last_name=last,
            rank=rank,
            position=Position.BHABINKAMTIBMAS,
            phone=phone,
            phone_public=index % 3 != 1,
            nrp=f"{78050100 + index}",
        )
        if not Assignment.objects.filter(village=village, officer=officer).exists():
            assignment_start(officer=officer, village=village, start_date=start)
        accounts.append((officer.username, f"{officer.display_name} (Bhabinkamtibmas {village.name})"))
    return accounts
