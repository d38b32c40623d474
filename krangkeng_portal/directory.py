"""The public Bhabinkamtibmas directory: one row per officer, with the villages they serve."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from aspirations.selectors import whatsapp_url
from patrols.models import Assignment, Officer, Village
from units.models import Unit


@dataclass(frozen=True)
class DirectoryRow:
    name: str  # rank and name, as on reports
    initials: str
    villages: list[str]
    phone: str  # the officer's public number, else the unit's
    whatsapp: str
    is_unit_phone: bool


def _initials(officer: Officer) -> str:
    words = (officer.get_full_name() or officer.username).split()
    return "".join(word[0] for word in words[:2]).upper()


def _row(officer: Officer, villages: list[str], unit_phone: str) -> DirectoryRow:
    own = officer.phone if officer.phone_public else ""
    phone = own or unit_phone
    return DirectoryRow(
        name=officer.display_name,
        initials=_initials(officer),
        villages=villages,
        phone=phone,
        whatsapp=whatsapp_url(own) if own else "",
        is_unit_phone=not own,
    )


def public_phone(unit: Unit) -> str:
    """The number residents call for a Polsek: its own, else the deployment's (KRK_UNIT_PHONE)."""
    return unit.phone or settings.KRK_UNIT_PHONE


def directory(unit: Unit) -> tuple[list[DirectoryRow], list[str]]:
    """The officers serving one Polsek's villages today, by name, and its villages without one
    (2 queries). The Polsek's number (else the deployment's) stands in for an officer without
    a public one."""
    assignments = (
        Assignment.objects.in_force()
        .filter(officer__is_active=True, village__unit=unit)
        .select_related("officer", "village")
        .order_by("officer__first_name", "officer__last_name", "officer_id", "village__name")
    )
    villages = Village.objects.filter(unit=unit).order_by("name")
    unit_phone = public_phone(unit)
    by_officer: dict[int, tuple[Officer, list[str]]] = {}
    for assignment in assignments:
        by_officer.setdefault(assignment.officer_id, (assignment.officer, []))[1].append(assignment.village.name)
    served = {name for _, names in by_officer.values() for name in names}
    unserved = [name for name in villages.values_list("name", flat=True) if name not in served]
    return [_row(officer, names, unit_phone) for officer, names in by_officer.values()], unserved
