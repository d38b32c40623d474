"""Villages and categories for the public pages, read once and kept in the cache.

Every view of the public form and every submission needs both lists: to show
them, and to check the answer; the status page names an aspiration's category
and village. They are master data an admin edits a few times a year, yet reading
them cost two queries on every form request and two joins on every look-up
(bench/FINDINGS.md). So they are kept in the configured cache (Redis in
production, shared by every worker) for CACHE_SECONDS, and dropped whenever a
village or category is saved or deleted (`forget_on_change`): at once, and again
when that change commits, so a request that read the old rows in between cannot
keep them. With a per-process cache (locmem) and several workers, the other
workers show an edit within CACHE_SECONDS.

A cache that is down is skipped: the lists are read from the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from patrols.models import Village
from patrols.territory import villages_changed

from .models import Category

logger = logging.getLogger(__name__)

CACHE_KEY = "krk:aspirations:form-choices:v2"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class FormChoices:
    # (pk, name), by name.
    villages: tuple[tuple[int, str], ...]
    # (pk, unit id): the Polsek an aspiration from the village goes to (None: not covered yet).
    village_units: tuple[tuple[int, int | None], ...]
    # (pk, name, name_en, is_active) of every category, in their configured order:
    # the form offers the active ones, the status page names retired ones too.
    categories: tuple[tuple[int, str, str, bool], ...]

    def offered_categories(self) -> list[tuple[int, str, str]]:
        return [(pk, name, name_en) for pk, name, name_en, is_active in self.categories if is_active]

    def village_name(self, pk: int) -> str | None:
        return next((name for key, name in self.villages if key == pk), None)

    def village(self, pk: int) -> Village:
        """A listed village as an instance with what storing an aspiration needs (no query)."""
        unit_id = next((unit_id for key, unit_id in self.village_units if key == pk), None)
        return Village(pk=pk, name=self.village_name(pk) or "", unit_id=unit_id)

    def category_label(self, pk: int) -> str | None:
        """The category's name in the interface's language."""
        row = next((row for row in self.categories if row[0] == pk), None)
        return None if row is None else Category.label_for(row[1], row[2])


def _read() -> FormChoices:
    villages = list(Village.objects.order_by("name").values_list("pk", "name", "unit_id"))
    return FormChoices(
        villages=tuple((pk, name) for pk, name, _unit_id in villages),
        village_units=tuple((pk, unit_id) for pk, _name, unit_id in villages),
        categories=tuple(Category.objects.values_list("pk", "name", "name_en", "is_active")),
    )


def form_choices() -> FormChoices:
    """The lists, from the cache when it has them (no query), else two queries."""
    try:
        choices = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("cache unavailable; reading the form's choices from the database", exc_info=True)
        return _read()
    if choices is None:
        choices = _read()
        try:
            cache.set(CACHE_KEY, choices, CACHE_SECONDS)
        except Exception:
            logger.warning("cache unavailable; the form's choices are not kept", exc_info=True)
    return choices


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
        village = "" if village_id is None else listed.village_name(village_id)
        if category is not None and village is not None:
            break
    return category or "", village or ""


def forget() -> None:
    """Drop the kept lists (the next request reads them again)."""
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.warning("cache unavailable; could not drop the form's choices", exc_info=True)


@receiver(villages_changed, dispatch_uid="aspirations.choices.villages_loaded")
@receiver([post_save, post_delete], sender=Village, dispatch_uid="aspirations.choices.village_changed")
@receiver([post_save, post_delete], sender=Category, dispatch_uid="aspirations.choices.category_changed")
def forget_on_change(sender, **kwargs) -> None:
    """A village or category was saved or deleted: drop the lists now, and again when
    the change commits (a request may read the old rows in between)."""
    forget()
    transaction.on_commit(forget, robust=True)
