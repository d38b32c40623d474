"""Reads the patrol pages need besides the Patrol QuerySet methods."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from .models import Assignment, ImbauanTopic, Officer, Village


def _log_permission() -> QuerySet[Permission]:
    return Permission.objects.filter(content_type__app_label="patrols", codename="log_patrol")


def patrol_officers(*, include_inactive: bool = False) -> QuerySet[Officer]:
    """The unit's field officers: everyone who may log patrols (by role, directly, or as superuser)."""
    permission = _log_permission()
    by_group = Officer.groups.through.objects.filter(group__permissions__in=permission).values("officer_id")
    by_user = Officer.user_permissions.through.objects.filter(permission__in=permission).values("officer_id")
    officers = Officer.objects.filter(Q(pk__in=by_group) | Q(pk__in=by_user) | Q(is_superuser=True))
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
