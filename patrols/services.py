"""Writes for officers, villages, assignments and patrols (HackSoft style: keyword-only)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from audit.models import AuditAction
from audit.services import audit_record
from core.images import ProcessedPhoto
from core.services import store_photos

from .access import patrol_can_edit
from .models import MAX_PHOTOS, Assignment, ImbauanTopic, Officer, Patrol, PatrolEdit, PatrolPhoto, Village
from .selectors import patrol_logged_with_key


@transaction.atomic
def assignment_start(*, officer: Officer, village: Village, start_date: datetime.date) -> Assignment:
    """Make `officer` the village's Bhabinkamtibmas from `start_date`.

    The village's open assignment, if any, ends the day before; the row is locked
    so two admins reassigning at once cannot leave two open assignments.
    """
    current = Assignment.objects.select_for_update().filter(village=village, end_date__isnull=True).first()
    if current is not None:
        if current.officer_id == officer.pk:
            return current
        current.end_date = max(current.start_date, start_date - datetime.timedelta(days=1))
        current.full_clean()
        current.save(update_fields=["end_date"])
        start_date = max(start_date, current.end_date + datetime.timedelta(days=1))
    assignment = Assignment(officer=officer, village=village, start_date=start_date)
    assignment.full_clean()
    assignment.save()
    return assignment


# The report fields a patrol form sets, in the order the edit history lists them.
PATROL_FIELDS = (
    "patrol_type",
    "mode",
    "started_at",
    "ended_at",
    "village",
    "place",
    "latitude",
    "longitude",
    "leader",
    "partners",
    "residents_met",
    "situation",
    "summary",
    "findings",
    "actions",
)
TOO_MANY_PHOTOS = ngettext_lazy(
    "A patrol has at most %(max)d photo.",
    "A patrol has at most %(max)d photos.",
    "max",
)


@transaction.atomic
def officer_set_notifications(*, officer: Officer, phone: str, notify_whatsapp: bool) -> Officer:
    """The officer's own phone and whether assignment notices go to it on WhatsApp."""
    officer.phone = phone
    officer.notify_whatsapp = notify_whatsapp and bool(phone)
    officer.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    officer.save(update_fields=["phone", "notify_whatsapp"])
    return officer


def patrol_log(
    *,
    author: Officer,
    patrol_type: str,
    mode: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    village: Village,
    place: str,
    leader: Officer,
    summary: str,
    members: Iterable[Officer] = (),
    partners: str = "",
    residents_met: int = 0,
    topics: Iterable[ImbauanTopic] = (),
    situation: str = "aman",
    findings: str = "",
    actions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[ProcessedPhoto] = (),
    idempotency_key: uuid.UUID | None = None,
) -> Patrol:
    """Record a patrol with its members, topics and (already re-encoded) photos.

    The leader is never also listed as a member. Photo files are written to storage
    inside the transaction; if anything fails afterwards they are deleted again, so
    a failed log leaves neither rows nor files.

    With an `idempotency_key` the author already logged a patrol with, nothing is
    stored and that first patrol is returned. The view looks the key up first; two
    sends racing with one key are settled by the unique constraint: the loser's
    insert waits for the winner's commit, is refused, and returns the winner's row.
    """
    if not author.has_perm("patrols.log_patrol"):
        raise PermissionDenied
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": TOO_MANY_PHOTOS % {"max": MAX_PHOTOS}}, code="too_many_files")
    patrol = Patrol(
        **_report_values(
            patrol_type=patrol_type,
            mode=mode,
            started_at=started_at,
            ended_at=ended_at,
            village=village,
            place=place,
            latitude=latitude,
            longitude=longitude,
            leader=leader,
            partners=partners,
            residents_met=residents_met,
            situation=situation,
            summary=summary,
            findings=findings,
            actions=actions,
        ),
        created_by=author,
        idempotency_key=idempotency_key,
        unit_id=_unit_of(village),
    )
    # The insert checks the key, without a query first; the unit is the village's, in hand.
    patrol.full_clean(exclude=["idempotency_key", "unit"])
    try:
        with transaction.atomic():
            patrol.save()
            patrol.members.set([officer for officer in members if officer.pk != leader.pk])
            patrol.topics.set(topics)
            store_photos(PatrolPhoto, photos, patrol=patrol)
    except IntegrityError:
        first = patrol_logged_with_key(idempotency_key, author=author)
        if first is None:
            raise
        return first
    return patrol


@transaction.atomic
def patrol_update(
    *,
    patrol: Patrol,
    editor: Officer,
    patrol_type: str,
    mode: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    village: Village,
    place: str,
    leader: Officer,
    summary: str,
    members: Iterable[Officer] = (),
    partners: str = "",
    residents_met: int = 0,
    topics: Iterable[ImbauanTopic] = (),
    situation: str = "aman",
    findings: str = "",
    actions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[ProcessedPhoto] = (),
    remove_photos: Iterable[PatrolPhoto] = (),
    request: HttpRequest | None = None,
) -> PatrolEdit | None:
    """Change a patrol report and record who changed which fields (PatrolEdit).

    Checks the edit rules itself (leader or author within the window; command and
    admin any time) against the row as stored, locked so two editors cannot both
    pass the photo limit. Returns the edit record, or None when nothing changed.
    Every change is also written to the audit trail (`request` adds the client's
    address hash).
    Removed photo files are deleted only once the transaction has committed.
    """
    current = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if not patrol_can_edit(editor, current):
        raise PermissionDenied
    new_values = _report_values(
        patrol_type=patrol_type,
        mode=mode,
        started_at=started_at,
        ended_at=ended_at,
        village=village,
        place=place,
        latitude=latitude,
        longitude=longitude,
        leader=leader,
        partners=partners,
        residents_met=residents_met,
        situation=situation,
        summary=summary,
        findings=findings,
        actions=actions,
    )
    changed = [name for name in PATROL_FIELDS if getattr(current, name) != new_values[name]]
    for name in changed:
        setattr(current, name, new_values[name])
    if "village" in changed:
        current.unit_id = _unit_of(village)

    member_ids = {officer.pk for officer in members} - {leader.pk}
    if member_ids != set(current.members.values_list("pk", flat=True)):
        changed.append("members")
    topic_ids = {topic.pk for topic in topics}
    if topic_ids != set(current.topics.values_list("pk", flat=True)):
        changed.append("topics")

    removed = list(current.photos.filter(pk__in=[photo.pk for photo in remove_photos]))
    if current.photos.count() - len(removed) + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": TOO_MANY_PHOTOS % {"max": MAX_PHOTOS}}, code="too_many_files")
    if removed or photos:
        changed.append("photos")
    if not changed:
        return None

    current.full_clean(exclude=["idempotency_key", "unit"])  # the key set once, by patrol_log; the unit in hand
    current.save()
    current.members.set(member_ids)
    current.topics.set(topic_ids)
    for photo in removed:
        photo.delete()  # its files go once this commits (patrols.signals)
    edit = PatrolEdit.objects.create(patrol=current, editor=editor, edited_at=timezone.now(), changed_fields=changed)
    audit_record(
        action=AuditAction.PATROL_CHANGED, actor=editor, target=current, summary=", ".join(changed), request=request
    )
    store_photos(PatrolPhoto, photos, patrol=current)  # last: nothing after it can fail and strand the files
    return edit


def _unit_of(village: Village) -> int:
    """The Polsek a patrol in `village` belongs to (read from the village in hand: no query)."""
    if village.unit_id is None:
        raise ValidationError(
            {"village": _("No Polsek covers this village yet. Ask an admin to assign its kecamatan.")},
            code="village_without_unit",
        )
    return village.unit_id


def _report_values(**fields: Any) -> dict[str, Any]:
    """The report fields as stored: text trimmed, an empty count as zero."""
    for name in ("place", "partners", "summary", "findings", "actions"):
        fields[name] = fields[name].strip()
    fields["residents_met"] = fields["residents_met"] or 0
    return fields
