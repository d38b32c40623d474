"""Who may see and change a patrol: the one place views and services ask.

Outsiders get 404 (they must not learn a patrol exists), readers who may not
change it get 403.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone

from .models import Officer, Patrol, PatrolPhoto


class OfficerRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is an Officer (for the type checker)."""

    user: Officer


def patrol_can_edit(user, patrol: Patrol, *, now: datetime.datetime | None = None) -> bool:
    """Command and admin edit any time; the leader or the author within EDIT_WINDOW of logging."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_perm("patrols.change_any_patrol"):
        return True
    if not user.has_perm("patrols.change_patrol"):
        return False
    if user.pk not in {patrol.leader_id, patrol.created_by_id}:
        return False
    return (now or timezone.now()) <= patrol.edit_deadline


def get_patrol_for_user(user, pk: int, *, write: bool = False, detail: bool = False) -> Patrol:
    """The patrol `pk` if `user` may see it (else 404); with write=True also may change it (else 403)."""
    queryset = Patrol.objects.visible_to(user)
    if detail:
        queryset = queryset.for_detail()
    patrol = queryset.filter(pk=pk).first()
    if patrol is None:
        raise Http404
    if write and not patrol_can_edit(user, patrol):
        raise PermissionDenied
    return patrol


def get_patrol_photo_for_user(user, pk: int) -> PatrolPhoto:
    """A photo of a patrol `user` may see (one query), else 404."""
    photo = PatrolPhoto.objects.filter(pk=pk, patrol__in=Patrol.objects.visible_to(user).values("pk")).first()
    if photo is None:
        raise Http404
    return photo
