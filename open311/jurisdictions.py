"""The jurisdictions this server answers for (Open311's `jurisdiction_id`): the deployment's units.

A jurisdiction is a police unit of the deployment, named by its code (`krangkeng`
for Polsek Krangkeng, `indramayu` for Polres Indramayu): a request for it reads
and writes that unit's subtree only, through the unit scope (`units.scoping`), so
a client of one Polsek never sees another's reports. Without a `jurisdiction_id`
a GET answers for the whole deployment (its root, `KRK_HOME_UNIT`) and a POST goes
to the unit of the client's key: the specification lets the argument be optional.

What a deployment publishes are its switches, the same for every unit: the public
list of requests (on by default; off, a client sees only the reports it sent), and
in that list the residents' descriptions and the staff's public replies as
`status_notes` (both off by default: a report can name a neighbour).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q

from units.models import Unit
from units.scoping import deployment_wide, unit_scope
from units.selectors import NATIONAL, in_deployment, receives_unplaced_reports


@dataclass(frozen=True)
class Jurisdiction:
    unit: Unit | None  # None: the whole deployment, asked for without a jurisdiction_id (no query)
    public_list: bool = True
    publish_descriptions: bool = False
    publish_status_notes: bool = False

    @property
    def id(self) -> str:
        return self.unit.code if self.unit is not None else ""

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else settings.KRK_UNIT_NAME

    @property
    def is_deployment(self) -> bool:
        """Whether this is the whole deployment: asked for without an id, or by its root's code."""
        return self.unit is None or self.unit.code == settings.KRK_HOME_UNIT

    @property
    def takes_unplaced_reports(self) -> bool:
        """Whether a report no village places has a unit here: a named unit, or the deployment's
        own (not the whole country's: there a report must name a village a Polsek serves)."""
        return self.unit is not None or receives_unplaced_reports()

    def scope(self) -> Any:
        """The scope of its requests: the unit and every unit below it; for the deployment's own
        unit, the whole deployment, villages no Polsek covers yet included (as on the public form)."""
        if self.is_deployment:
            return deployment_wide()
        return unit_scope(self.unit)

    def takes_reports_of(self, unit: Unit) -> bool:
        """Whether a client whose key belongs to `unit` may send reports here: to its own unit or one below."""
        return self.unit is not None and unit.contains(self.unit)


def of_unit(unit: Unit | None) -> Jurisdiction:
    return Jurisdiction(
        unit=unit,
        public_list=settings.KRK_OPEN311_PUBLIC_LIST,
        publish_descriptions=settings.KRK_OPEN311_PUBLISH_DESCRIPTIONS,
        publish_status_notes=settings.KRK_OPEN311_PUBLISH_STATUS_NOTES,
    )


def find(jurisdiction_id: str) -> Jurisdiction | None:
    """The jurisdiction with this id (a unit's code in the deployment), or None; one query.

    An empty id is the whole deployment, and costs no query.
    """
    if not jurisdiction_id:
        return of_unit(None)
    unit = Unit.objects.filter(code=jurisdiction_id).first()
    if unit is None or not in_deployment(unit):
        return None
    return of_unit(unit)


def listed() -> list[Unit]:
    """The units the developer page names: the deployment's root, then the units right below it (one query)."""
    home = settings.KRK_HOME_UNIT
    if home == NATIONAL:
        return list(Unit.objects.filter(parent__isnull=True).order_by("name"))
    units = Unit.objects.filter(Q(code=home) | Q(parent__code=home))
    return sorted(units, key=lambda unit: (unit.code != home, unit.name))
