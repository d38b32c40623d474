"""Reads the patrol pages need besides the Patrol QuerySet methods."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from units.scoping import in_scope

from .models import Assignment, ImbauanTopic, Officer, Patrol, Village


def granted(app_label: str, codename: str) -> Q:
    """Officers holding a permission by role (group) or directly (superusers aside).

    The permission's id is one scalar subquery that both lists compare with: the
    list filters read these officers on every view, and a join to the permission
    in each list cost PostgreSQL more planning than the query took to run. Each
    officer is checked with EXISTS, row by row, so the other conditions (their
    unit) choose the rows: `IN (every officer of the role)` hashed all 80,000 field
    officers of the country to list one Polsek's (bench/FINDINGS.md, issue 14).
    """
    permission = Subquery(
        Permission.objects.filter(content_type__app_label=app_label, codename=codename).order_by().values("pk")[:1]
    )
    roles = Group.permissions.through.objects.filter(permission_id=permission).values("group_id")
    by_role = Officer.groups.through.objects.filter(officer_id=OuterRef("pk"), group_id__in=roles)
    by_user = Officer.user_permissions.through.objects.filter(officer_id=OuterRef("pk"), permission_id=permission)
    return Q(Exists(by_role)) | Q(Exists(by_user))


def patrol_officers(*, include_inactive: bool = False) -> QuerySet[Officer]:
    """The field officers of the scope's units: everyone there who may log patrols (by role,
    directly, or as superuser). The officers' unit is one more condition of the same query."""
    officers = Officer.objects.filter(granted("patrols", "log_patrol") | Q(is_superuser=True), in_scope())
    if not include_inactive:
        officers = officers.filter(is_active=True)
    return officers.order_by("first_name", "last_name", "username")


def offered_topics(*, keep: QuerySet[ImbauanTopic] | None = None) -> QuerySet[ImbauanTopic]:
    """Active topics, plus any retired ones an existing report already uses (`keep`)."""
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk__in=keep.values("pk"))
    return ImbauanTopic.objects.filter(condition)


def home_village(officer: Officer) -> Village | None:
    """The first village `officer` is assigned to today, the form's default."""
    assignment = (
        Assignment.objects.in_force().filter(officer=officer).select_related("village").order_by("start_date").first()
    )
    return assignment.village if assignment else None


def patrol_logged_with_key(key: uuid.UUID | None, *, author: Officer) -> Patrol | None:
    """The patrol `author` already logged with this idempotency key, or None.

    One query (none without a key). Only the author's own patrols: a key someone
    else used finds nothing of theirs.
    """
    if key is None:
        return None
    return Patrol.objects.filter(created_by=author, idempotency_key=key).first()
