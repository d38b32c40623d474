"""The jurisdictions this server answers for (Open311's `jurisdiction_id`).

Until police units exist there is one: the unit this deployment serves, named by
`KRK_OPEN311_JURISDICTION` (its `agency_responsible` is `KRK_UNIT_NAME`). When
units arrive, `find()` looks the id up among them and `ApiClient.jurisdiction`
becomes a foreign key to the unit; the views and serializers only ever see a
`Jurisdiction`.

What a unit publishes are its switches: the public list of requests (on by
default; off, a client sees only the reports it sent), and in that list the
residents' descriptions and the staff's public replies as `status_notes` (both
off by default: a report can name a neighbour). For now they are settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str  # what the API answers as `agency_responsible`
    public_list: bool = True
    publish_descriptions: bool = False
    publish_status_notes: bool = False


def default() -> Jurisdiction:
    return Jurisdiction(
        id=settings.KRK_OPEN311_JURISDICTION,
        name=settings.KRK_UNIT_NAME,
        public_list=settings.KRK_OPEN311_PUBLIC_LIST,
        publish_descriptions=settings.KRK_OPEN311_PUBLISH_DESCRIPTIONS,
        publish_status_notes=settings.KRK_OPEN311_PUBLISH_STATUS_NOTES,
    )


def find(jurisdiction_id: str) -> Jurisdiction | None:
    """The jurisdiction with this id, or None.

    An empty id means the default one: the specification lets a server that serves
    a single jurisdiction treat the argument as optional.
    """
    if not jurisdiction_id or jurisdiction_id == settings.KRK_OPEN311_JURISDICTION:
        return default()
    return None


def choices() -> list[tuple[str, str]]:
    """(id, name) of every jurisdiction, for the API key form."""
    unit = default()
    return [(unit.id, unit.name)]
