"""Which unit a command page shows: the `?unit=` selector, limited to the user's subtree.

`choose(user, code)` reads the units the user may see (one query, two when the
user's own unit is not loaded yet) and returns a `Selection`: the chosen unit, the
ids of its subtree (what every figure filters on: `unit_id IN (…)`, one indexed
range per unit in the tallies), its direct children (the comparison table's rows)
and, for each unit below, the child it rolls up to. A code outside the user's
subtree is a 404, as any object of another unit is: never its data.

The units a user may choose are `units.scoping.visible_units`: their unit and
everything below it; a superuser sees every unit from the top, a staff account
without a unit none (then the page is a 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from units.models import KIND_LEVEL, Unit, UnitKind
from units.scoping import visible_units


def choosable_units(user) -> list[Unit]:
    """The units `user` may choose, top first (ordered by path)."""
    return list(visible_units(user).select_related("parent").order_by("path"))


@dataclass
class Selection:
    """The chosen unit and what the figures need of its subtree (no query of its own)."""

    unit: Unit
    children: list[Unit]
    # Every unit of the subtree (but the chosen one) -> the id of the child it belongs to.
    child_of: dict[int, int] = field(default_factory=dict)
    # Every unit of the subtree (but the chosen one) by id: the Polsek an overdue village names.
    below: dict[int, Unit] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        """The chosen unit's id and its subtree's: what every figure filters on."""
        return [self.unit.pk, *self.below]

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @classmethod
    def of(cls, unit: Unit, units: list[Unit]) -> Selection:
        """`unit` within `units` (a list holding at least its whole subtree)."""
        below = [other for other in units if other.path.startswith(unit.path) and other.pk != unit.pk]
        children = [other for other in below if other.parent_id == unit.pk]
        child_of = {}
        for child in children:
            for other in below:
                if other.path.startswith(child.path):
                    child_of[other.pk] = child.pk
        return cls(
            unit=unit,
            children=children,
            child_of=child_of,
            below={other.pk: other for other in below},
        )


def _default(user, units: list[Unit]) -> Unit:
    if user.unit_id is not None:
        return next(unit for unit in units if unit.pk == user.unit_id)
    return units[0]  # ordered by path: the first top unit


def choose(user, code: str | None) -> tuple[Selection, list[Unit]]:
    """The unit `code` names (the user's own by default) and the units to offer; 404 outside the subtree."""
    units = choosable_units(user)
    if not units:
        raise Http404
    if not code:
        return Selection.of(_default(user, units), units), units
    chosen = next((unit for unit in units if unit.code == code), None)
    if chosen is None:
        raise Http404
    return Selection.of(chosen, units), units


def _label(unit: Unit, top_level: int) -> str:
    depth = KIND_LEVEL[UnitKind(unit.kind)] - top_level
    return f"{'— ' * depth}{unit.name}"


class UnitForm(forms.Form):
    """The selector: the units of the user's subtree, indented under their parent."""

    unit = forms.ChoiceField(label=_("Unit"), required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        top = min((KIND_LEVEL[UnitKind(unit.kind)] for unit in units), default=0)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(unit.code, _label(unit, top)) for unit in units]
        # The pages show the selector only when there is more than one unit to choose from.
        self.offers_choice = len(units) > 1
