"""The patrol list's export: its columns and rows, written by the shared writer (core.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.exports import Column, ExportFile, labels, stamped
from units.models import Unit

from .filters import PatrolFilter
from .models import ImbauanTopic, Officer, Patrol, PatrolMode, PatrolType, Situation, Village


class IdList(Aggregate):
    """Comma-separated ids of a group, e.g. a patrol's members: GROUP_CONCAT / STRING_AGG."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',')",
            **extra_context,
        )


def _ids(through_model, owner: str, item: str) -> Subquery:
    grouped = (
        through_model.objects.filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(ids=IdList(item))
        .values("ids")
    )
    return Subquery(grouped, output_field=CharField())


PATROL_COLUMNS = [
    Column(_("Patrol no."), 10),
    Column(_("Start (WIB)"), 17),
    Column(_("End (WIB)"), 17),
    Column(_("Type"), 22),
    Column(_("Mode"), 14),
    Column(_("Village"), 14),
    Column(_("Unit"), 20),
    Column(pgettext_lazy("patrol", "Place"), 28),
    Column(_("Team leader"), 26),
    Column(_("Team leader's NRP"), 12),
    Column(_("Other officers"), 34),
    Column(_("Tiga pilar and others"), 28),
    Column(_("Residents met"), 10),
    Column(_("Imbauan kamtibmas"), 34),
    Column(_("Situation"), 18),
    Column(_("Activity"), 50),
    Column(_("Findings"), 40),
    Column(_("Actions taken"), 40),
    Column(_("Latitude"), 11),
    Column(_("Longitude"), 11),
    Column(_("Logged by"), 26),
    Column(_("Logged at (WIB)"), 17),
]


def patrol_rows(queryset) -> Iterator[list]:
    """The rows of a patrol export, in the list's order: five queries in all, whatever the size.

    Officers, villages, units and topics are read once into dictionaries (a unit has hundreds
    of officers, not millions); members and topics come with each patrol as id lists
    computed by the database; the patrols stream through `.iterator()`. Labels and
    names are looked up once too: get_FOO_display() and display_name per row would
    cost more than the rest of the row together.
    """
    officers = {
        officer.pk: (officer.display_name, officer.nrp)
        for officer in Officer.objects.only("username", "first_name", "last_name", "rank", "nrp")
    }
    names_of_officers = {pk: name for pk, (name, _) in officers.items()}
    villages = dict(Village.objects.values_list("pk", "name"))
    units = dict(Unit.objects.values_list("pk", "name"))
    topics = dict(ImbauanTopic.objects.values_list("pk", "name"))
    types, modes, situations = (labels(choices) for choices in (PatrolType, PatrolMode, Situation))
    patrols = (
        queryset.select_related(None)
        .prefetch_related(None)
        .annotate(
            member_ids=_ids(Patrol.members.through, "patrol_id", "officer_id"),
            topic_ids=_ids(Patrol.topics.through, "patrol_id", "imbauantopic_id"),
        )
        .order_by("-started_at", "-pk")
    )

    def names(ids: str | None, lookup: dict) -> str:
        found = (lookup.get(int(pk)) for pk in (ids or "").split(",") if pk)
        return ", ".join(sorted(name for name in found if name is not None))

    nobody = ("", "")
    for patrol in patrols.iterator(chunk_size=2000):
        leader_name, leader_nrp = officers.get(patrol.leader_id, nobody)
        yield [
            patrol.pk,
            patrol.started_at,
            patrol.ended_at,
            types.get(patrol.patrol_type, patrol.patrol_type),
            modes.get(patrol.mode, patrol.mode),
            villages.get(patrol.village_id, ""),
            units.get(patrol.unit_id, ""),
            patrol.place,
            leader_name,
            leader_nrp,
            names(patrol.member_ids, names_of_officers),
            patrol.partners,
            patrol.residents_met,
            names(patrol.topic_ids, topics),
            situations.get(patrol.situation, patrol.situation),
            patrol.summary,
            patrol.findings,
            patrol.actions,
            patrol.latitude,
            patrol.longitude,
            officers.get(patrol.created_by_id, nobody)[0],
            patrol.created_at,
        ]


def patrol_export_for(*, owner, query) -> ExportFile:
    """A background export of the patrol list (exports.sources): scoped and filtered as `owner`."""
    if not owner.has_perm("patrols.view_patrol"):
        raise PermissionDenied
    queryset = PatrolFilter(query, queryset=Patrol.objects.visible_to(owner)).qs
    return replace(patrol_export(queryset), count=queryset.order_by().count())


def patrol_export(queryset) -> ExportFile:
    """The patrols of `queryset` (already scoped and filtered) as an export."""
    return ExportFile(filename=stamped("patroli"), sheet="Patroli", columns=PATROL_COLUMNS, rows=patrol_rows(queryset))
