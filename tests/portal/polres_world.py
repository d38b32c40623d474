"""A Polres with several Polsek for the command pages' tests: Polres Indramayu (from the data
migration) with Polsek Krangkeng and as many new Polsek as a test asks for, each with its own
kecamatan, villages, Bhabinkamtibmas, patrols and aspirations."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core import roles
from patrols.models import Position, Village
from tests.factories import AspirationFactory, OfficerFactory, PatrolFactory, unit
from units.models import Kecamatan, Unit, UnitKind


def polsek(number: int, *, villages: int = 2, parent: Unit | None = None) -> Unit:
    """Polsek number `number` (from 1, below 60) under Polres Indramayu (or `parent`), covering
    Kecamatan 32.12.<40+n>."""
    code = f"sektor{number}"
    created = Unit.objects.create(
        kind=UnitKind.POLSEK,
        code=code,
        name=f"Polsek Sektor {number}",
        parent=parent or unit("indramayu"),
        address=f"Jl. Raya Sektor {number} No. 1",
    )
    kecamatan = Kecamatan.objects.create(
        code=f"32.12.{40 + number}",
        name=f"Sektor {number}",
        regency_code="32.12",
        regency_name="Indramayu",
        unit=created,
    )
    for index in range(1, villages + 1):
        Village.objects.create(
            code=f"{kecamatan.code}.{2000 + index}",
            name=f"Desa {number}-{index}",
            kecamatan=kecamatan,
            unit=created,
            visit_target_days=14,
        )
    return created


def fill(polsek_unit: Unit, *, patrols: int, aspirations: int) -> None:
    """`patrols` patrols yesterday in the Polsek's first village and `aspirations` aspirations
    received yesterday, the first of them answered after two hours."""
    village = Village.objects.filter(unit=polsek_unit).order_by("code").first()
    assert village is not None
    officer = OfficerFactory(unit=polsek_unit, position=Position.BHABINKAMTIBMAS, role=roles.OFFICER)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for _ in range(patrols):
        PatrolFactory(village=village, leader=officer, started_at=yesterday)
    for index in range(aspirations):
        AspirationFactory(
            village=village,
            submitted_at=yesterday,
            first_response_at=yesterday + datetime.timedelta(hours=2) if index == 0 else None,
        )


def polres(count: int) -> list[Unit]:
    """Polres Indramayu with Polsek Krangkeng and `count - 1` more Polsek, each with one patrol."""
    units = [unit("krangkeng")] + [polsek(number) for number in range(1, count)]
    for each in units:
        fill(each, patrols=1, aspirations=1)
    return units


def kapolres():
    return OfficerFactory(username="kapolres.test", unit=unit("indramayu"), role=roles.COMMAND)
