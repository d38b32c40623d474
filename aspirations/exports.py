"""The inbox's export: the aspirations the inbox shows with its filters, as Excel or CSV.

Built on the shared writer in core.exports (Indonesian headers, WIB times,
formula neutralisation). The reporter's identity is left out unless the user holds
`aspirations.view_reporter_identity` AND asks for it; such an export is recorded in
the audit trail (like a reveal) before any row leaves the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from core.exports import Column, ExportFile, labels, stamped
from patrols.models import Officer, Village
from units.models import Unit

from .filters import BY_DEADLINE, AspirationFilter
from .models import Aspiration, AspirationType, Category, Channel, Priority, RejectionReason, Status

COLUMNS = [
    Column(_("Ticket Code"), 16),
    Column(_("Received (WIB)"), 17),
    Column(_("Type"), 16),
    Column(_("Category"), 24),
    Column(_("Title"), 30),
    Column(_("Description"), 60),
    Column(_("Village"), 14),
    Column(_("Unit"), 20),
    Column(_("Place"), 24),
    Column(_("Happened at (WIB)"), 17),
    Column(_("Channel"), 16),
    Column(_("Priority"), 10),
    Column(_("Status"), 18),
    Column(_("Assigned officer"), 26),
    Column(_("Verification due (WIB)"), 17),
    Column(_("Verified at (WIB)"), 17),
    Column(_("Follow-up due (WIB)"), 17),
    Column(_("First response at (WIB)"), 17),
    Column(_("Resolved at (WIB)"), 17),
    Column(_("Rejection reason"), 22),
    Column(_("Suspected spam"), 10),
]
IDENTITY_COLUMNS = [
    Column(_("Reporter's name"), 24),
    Column(_("Reporter's phone"), 16),
    Column(_("Reporter's email"), 26),
    Column(_("Consent given at (WIB)"), 17),
]


def aspiration_rows(queryset, *, identity: bool = False) -> Iterator[list]:
    """The export's rows in the queryset's order: five queries, whatever the size.

    Categories, villages, units and officers are read once into dictionaries; the
    aspirations stream through `.iterator()`. Identity fields are read from the
    database only when `identity` is asked for.
    """
    categories = dict(Category.objects.values_list("pk", "name"))
    villages = dict(Village.objects.values_list("pk", "name"))
    units = dict(Unit.objects.values_list("pk", "name"))
    officers = {
        officer.pk: officer.display_name
        for officer in Officer.objects.only("username", "first_name", "last_name", "rank")
    }
    types, channels, priorities, statuses, reasons = (
        labels(choices) for choices in (AspirationType, Channel, Priority, Status, RejectionReason)
    )
    outside = str(_("Outside the area"))
    rows = queryset.select_related(None).prefetch_related(None)
    if not identity:
        rows = rows.defer("reporter_name", "reporter_phone", "reporter_email", "consent_given_at")
    for aspiration in rows.iterator(chunk_size=2000):
        row = [
            aspiration.code,
            aspiration.submitted_at,
            types.get(aspiration.type, aspiration.type),
            categories.get(aspiration.category_id, ""),
            aspiration.title,
            aspiration.description,
            villages.get(aspiration.village_id, "") if aspiration.village_id else outside,
            units.get(aspiration.unit_id, ""),
            aspiration.place,
            aspiration.occurred_at,
            channels.get(aspiration.channel, aspiration.channel),
            priorities.get(aspiration.priority, aspiration.priority),
            statuses.get(aspiration.status, aspiration.status),
            officers.get(aspiration.assigned_to_id, ""),
            aspiration.verification_due,
            aspiration.verified_at,
            aspiration.followup_due,
            aspiration.first_response_at,
            aspiration.resolved_at,
            reasons.get(aspiration.rejection_reason, ""),
            aspiration.is_spam_suspected,
        ]
        if identity:
            row += [
                aspiration.reporter_name,
                aspiration.reporter_phone,
                aspiration.reporter_email,
                aspiration.consent_given_at,
            ]
        yield row


@transaction.atomic
def aspiration_export_identity_record(
    *, actor: Officer, count: int, filters: str, request: HttpRequest | None = None
) -> None:
    """Record in the audit trail that `actor` exports reporters' identities (before the file is made).

    Raises PermissionDenied without `view_reporter_identity`.
    """
    if not actor.has_perm("aspirations.view_reporter_identity"):
        raise PermissionDenied
    audit_record(
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        actor=actor,
        summary=f"Ekspor aspirasi dengan identitas pelapor: {count} baris; saringan: {filters or '-'}",
        request=request,
    )


def aspiration_export(queryset, *, identity: bool = False) -> ExportFile:
    """The aspirations of `queryset` (scoped and filtered by the caller) as an export."""
    return ExportFile(
        filename=stamped("aspirasi-identitas" if identity else "aspirasi"),
        sheet="Aspirasi",
        columns=COLUMNS + IDENTITY_COLUMNS if identity else COLUMNS,
        rows=aspiration_rows(queryset, identity=identity),
    )


def inbox_rows(owner: Officer, query) -> models.QuerySet:
    """The inbox's aspirations for `owner` with the filters of `query`, in the inbox's order."""
    if not owner.has_perm("aspirations.view_all_aspirations"):
        raise PermissionDenied
    queryset = Aspiration.objects.visible_to(owner).with_deadline().order_by(*BY_DEADLINE)
    return AspirationFilter(query, queryset=queryset, now=timezone.now()).qs


def aspiration_export_for(*, owner: Officer, query) -> ExportFile:
    """A background export of the inbox (exports.sources), without identities."""
    rows = inbox_rows(owner, query)
    return replace(aspiration_export(rows), count=rows.order_by().count())


def aspiration_identity_export_for(*, owner: Officer, query) -> ExportFile:
    """A background export with the reporters' identity: recorded in the audit trail when asked
    for (aspiration_export_identity_record); the permission is checked again here."""
    if not owner.has_perm("aspirations.view_reporter_identity"):
        raise PermissionDenied
    rows = inbox_rows(owner, query)
    return replace(aspiration_export(rows, identity=True), count=rows.order_by().count())
