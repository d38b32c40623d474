"""The aspiration workflow: which action a user may take on an aspiration in its status.

One table (`ALLOWED_FROM`) says from which statuses an action may start; `may(...)`
adds who may do it. Services call `check(...)` under the row lock before changing
anything; views call `allowed_actions(...)` to decide which forms to show, so the
page never offers what the service would refuse.

    baru ──verify──> terverifikasi ──assign──> ditindaklanjuti ──resolve──> selesai
      └──────reject──────┴──> ditolak          (reassign)        <──reopen── selesai / ditolak
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import Aspiration, Status


class Action(StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    ASSIGN = "assign"
    REPLY = "reply"
    NOTE = "note"
    RESOLVE = "resolve"
    REOPEN = "reopen"


ALLOWED_FROM: dict[Action, frozenset[str]] = {
    Action.VERIFY: frozenset({Status.BARU}),
    Action.REJECT: frozenset({Status.BARU, Status.TERVERIFIKASI}),
    # From terverifikasi: the first assignment; in ditindaklanjuti: a reassignment.
    Action.ASSIGN: frozenset({Status.TERVERIFIKASI, Status.DITINDAKLANJUTI}),
    Action.REPLY: frozenset({Status.TERVERIFIKASI, Status.DITINDAKLANJUTI}),
    Action.NOTE: frozenset(Status.values),
    Action.RESOLVE: frozenset({Status.DITINDAKLANJUTI}),
    Action.REOPEN: frozenset({Status.SELESAI, Status.DITOLAK}),
}


class TransitionNotAllowed(Exception):
    """The action does not apply to the aspiration's current status (e.g. someone else was faster)."""

    def __init__(self, action: Action, status: str) -> None:
        self.action = action
        self.status = status
        super().__init__(f"{action} is not allowed from {status}")

    @property
    def message(self) -> str:
        return _("This cannot be done any more: the aspiration is now “%(status)s”.") % {
            "status": Status(self.status).label
        }


def _handles(user, aspiration: Aspiration) -> bool:
    """May reply, note and resolve: anyone with handle_any, or the officer it is assigned to now."""
    if user.has_perm("aspirations.handle_any_aspiration"):
        return True
    return user.has_perm("aspirations.handle_aspiration") and aspiration.assigned_to_id == user.pk


def may(user, aspiration: Aspiration, action: Action) -> bool:
    """Whether the user's role allows `action` on this aspiration, whatever its status."""
    if not (user.is_authenticated and user.is_active):
        return False
    if action in (Action.VERIFY, Action.REJECT):
        return user.has_perm("aspirations.triage_aspiration")
    if action == Action.ASSIGN:
        if aspiration.status == Status.DITINDAKLANJUTI:
            return user.has_perm("aspirations.reassign_aspiration")
        return user.has_perm("aspirations.triage_aspiration")
    if action in (Action.REPLY, Action.RESOLVE):
        return _handles(user, aspiration)
    if action == Action.NOTE:
        return user.has_perm("aspirations.note_aspiration") or _handles(user, aspiration)
    if action == Action.REOPEN:
        return user.has_perm("aspirations.reopen_aspiration")
    raise ValueError(action)


def allowed_actions(user, aspiration: Aspiration) -> frozenset[Action]:
    """Every action `user` may take on `aspiration` now (no query once permissions are cached)."""
    return frozenset(
        action for action in Action if aspiration.status in ALLOWED_FROM[action] and may(user, aspiration, action)
    )


def check(user, aspiration: Aspiration, action: Action) -> None:
    """Raise PermissionDenied (role) or TransitionNotAllowed (status); the role is checked first."""
    if not may(user, aspiration, action):
        raise PermissionDenied
    if aspiration.status not in ALLOWED_FROM[action]:
        raise TransitionNotAllowed(action, aspiration.status)
