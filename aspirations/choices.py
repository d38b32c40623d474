"""Villages, kecamatan and categories for the public pages, read once and kept in the cache.

Every view of the public form and every submission needs the lists: to show
them, and to check the answer; the status page names an aspiration's category
and village. They are master data an admin edits a few times a year, yet reading
them cost queries on every form request and joins on every look-up
(bench/FINDINGS.md). So they are kept in the configured cache (Redis in
production, shared by every worker) for CACHE_SECONDS, and dropped whenever a
village, kecamatan or category is saved or deleted (`forget_on_change`): at once,
and again when that change commits, so a request that read the old rows in
between cannot keep them. With a per-process cache (locmem) and several workers,
the other workers show an edit within CACHE_SECONDS.

A deployment may hold a Polsek's 11 villages or all 83,762 of the country, so the
villages are never one list: `FormChoices` holds the categories, the regencies and,
where there is one regency, its kecamatan (a few dozen for a Polres); with several
(a Polda, the country's 7,285) the kecamatan are kept per regency (`kecamatan_of`),
since every request unpickles `FormChoices` (8 ms at national size). The villages
are kept per kecamatan (`villages_of`) and, for the status page's one name, per
village (`village_name`). Their keys carry the `stamp` of the `FormChoices` they were read
under: dropping `FormChoices` orphans them all at once (they expire unread).

A cache that is down is skipped: the lists are read from the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.kept import forget as kept_forget
from core.kept import kept
from patrols.models import Village
from patrols.territory import villages_changed
from units.models import Kecamatan
from units.scoping import deployment_wide

from .models import Category

CACHE_KEY = "krk:aspirations:form-choices:v3"
VILLAGES_KEY = "krk:aspirations:villages:v3:{stamp}:{kecamatan}"
KECAMATAN_KEY = "krk:aspirations:kecamatan:v3:{stamp}:{regency}"
VILLAGE_NAME_KEY = "krk:aspirations:village-name:v3:{stamp}:{village}"
ALL_VILLAGES_KEY = "krk:aspirations:all-villages:v3:{stamp}"
CACHE_SECONDS = 300

T = TypeVar("T")


@dataclass(frozen=True)
class KecamatanChoice:
    pk: int
    code: str  # Kemendagri code, e.g. "32.12.09": what the form and the village list's URL carry
    name: str
    regency_code: str  # "32.12": a deployment of several regencies asks for the regency first
    regency_name: str


@dataclass(frozen=True)
class FormChoices:
    # (code, name) of the regencies (kabupaten/kota) of those kecamatan, by name.
    regency_list: tuple[tuple[str, str], ...]
    # The kecamatan a Polsek covers and that have villages, by name, where they are all in one
    # regency; with several, empty: `kecamatan_of` reads one regency's.
    kecamatan: tuple[KecamatanChoice, ...]
    # (pk, name, name_en, is_active) of every category, in their configured order:
    # the form offers the active ones, the status page names retired ones too.
    categories: tuple[tuple[int, str, str, bool], ...]
    # Names the villages' cache keys (see the module's docstring).
    stamp: str

    def offered_categories(self) -> list[tuple[int, str, str]]:
        return [(pk, name, name_en) for pk, name, name_en, is_active in self.categories if is_active]

    def regencies(self) -> list[tuple[str, str]]:
        """(code, name) of the regencies (kabupaten/kota) of the kecamatan, by name."""
        return list(self.regency_list)

    def is_regency(self, code: str) -> bool:
        """Whether `code` is one of the listed regencies (anything else a visitor may type is not)."""
        return any(code == listed for listed, _name in self.regency_list)

    @property
    def several_regencies(self) -> bool:
        return len(self.regency_list) > 1

    def category_label(self, pk: int) -> str | None:
        """The category's name in the interface's language."""
        row = next((row for row in self.categories if row[0] == pk), None)
        return None if row is None else Category.label_for(row[1], row[2])


def listed_village(pk: int, name: str, unit_id: int | None) -> Village:
    """A listed village as an instance with what storing an aspiration needs (no query)."""
    return Village(pk=pk, name=name, unit_id=unit_id)


def _listed_kecamatan(regency_code: str | None = None) -> tuple[KecamatanChoice, ...]:
    """The kecamatan a Polsek covers and that have villages (of one regency), by regency and name (one query)."""
    rows = Kecamatan.objects.filter(unit__isnull=False, villages__isnull=False)
    if regency_code is not None:
        rows = rows.filter(regency_code=regency_code)
    rows = rows.distinct().order_by("regency_name", "name", "code")
    return tuple(
        KecamatanChoice(*row) for row in rows.values_list("pk", "code", "name", "regency_code", "regency_name")
    )


def _read() -> FormChoices:
    kecamatan = _listed_kecamatan()
    regencies = tuple(sorted({(row.regency_code, row.regency_name) for row in kecamatan}, key=lambda row: row[1]))
    return FormChoices(
        regency_list=regencies,
        kecamatan=kecamatan if len(regencies) <= 1 else (),
        categories=tuple(Category.objects.values_list("pk", "name", "name_en", "is_active")),
        stamp=secrets.token_hex(6),
    )


def _kept(key: str, read: Callable[[], T]) -> T:
    """The value under `key`, else `read()` (and kept); a cache that is down is skipped.

    Read deployment-wide, whatever the caller's scope: the kept lists are every unit's, and
    one read inside a Polsek's scope (an Open311 request for it) would keep that Polsek's
    villages for everyone.
    """
    return kept(key, lambda: _read_everywhere(read), CACHE_SECONDS, what="the form's choices")


def _read_everywhere(read: Callable[[], T]) -> T:
    with deployment_wide():
        return read()


def form_choices() -> FormChoices:
    """The kecamatan and categories, from the cache when it has them (no query), else two queries."""
    return _kept(CACHE_KEY, _read)


def kecamatan_of(listed: FormChoices, regency_code: str) -> tuple[KecamatanChoice, ...]:
    """The listed kecamatan of one regency, by name (with several regencies: kept; else one query)."""
    if not listed.several_regencies:
        return tuple(row for row in listed.kecamatan if row.regency_code == regency_code)
    if not listed.is_regency(regency_code):
        return ()
    key = KECAMATAN_KEY.format(stamp=listed.stamp, regency=regency_code)
    return _kept(key, lambda: _listed_kecamatan(regency_code))


def kecamatan_by_code(listed: FormChoices, code: str) -> KecamatanChoice | None:
    """A listed kecamatan by its Kemendagri code ("32.12.09": its regency is "32.12"), or None."""
    rows = kecamatan_of(listed, code.rsplit(".", 1)[0]) if listed.several_regencies else listed.kecamatan
    return next((row for row in rows if row.code == code), None)


def villages_of(listed: FormChoices, kecamatan_pk: int) -> tuple[tuple[int, str, int | None], ...]:
    """(pk, name, unit id) of a kecamatan's villages, by name (kept; else one query).

    The unit is the Polsek an aspiration from the village goes to.
    """
    key = VILLAGES_KEY.format(stamp=listed.stamp, kecamatan=kecamatan_pk)
    return _kept(
        key,
        lambda: tuple(
            Village.objects.filter(kecamatan_id=kecamatan_pk).order_by("name").values_list("pk", "name", "unit_id")
        ),
    )


def village_name(listed: FormChoices, pk: int) -> str | None:
    """One village's name (kept; else one query), or None for a village that is gone."""
    key = VILLAGE_NAME_KEY.format(stamp=listed.stamp, village=pk)
    # "" stands for "no such village", which the cache can keep where None would be a miss.
    name = _kept(key, lambda: Village.objects.filter(pk=pk).values_list("name", flat=True).first() or "")
    return name or None


def all_villages(listed: FormChoices) -> tuple[tuple[int, str, int | None], ...]:
    """(pk, name, unit id) of every village (kept; else one query).

    For finding a village named in free text (open311); the public pages never
    need every village, which in a national deployment is 83,762 rows.
    """
    key = ALL_VILLAGES_KEY.format(stamp=listed.stamp)
    return _kept(key, lambda: tuple(Village.objects.order_by("name").values_list("pk", "name", "unit_id")))


def names(listed: FormChoices, *, category_id: int, village_id: int | None) -> tuple[str, str]:
    """A category's name in the interface's language and a village's ("" for none).

    From `listed`; if it lacks either (added since the lists were kept), the lists
    are read afresh once.
    """
    for attempt in range(2):
        if attempt:
            forget()
            listed = form_choices()
        category = listed.category_label(category_id)
        village = "" if village_id is None else village_name(listed, village_id)
        if category is not None and village is not None:
            break
    return category or "", village or ""


def forget() -> None:
    """Drop the kept lists (the next request reads them again, under a new stamp)."""
    kept_forget(CACHE_KEY, what="the form's choices")


@receiver(villages_changed, dispatch_uid="aspirations.choices.villages_loaded")
@receiver([post_save, post_delete], sender=Village, dispatch_uid="aspirations.choices.village_changed")
@receiver([post_save, post_delete], sender=Kecamatan, dispatch_uid="aspirations.choices.kecamatan_changed")
@receiver([post_save, post_delete], sender=Category, dispatch_uid="aspirations.choices.category_changed")
def forget_on_change(sender, **kwargs) -> None:
    """A village, kecamatan or category was saved or deleted: drop the lists now, and again when
    the change commits (a request may read the old rows in between)."""
    forget()
    transaction.on_commit(forget, robust=True)
