"""Receivers of django.contrib.auth's signals (connected in AuditConfig.ready)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.session_lifetime import EXPIRED_ATTR

from .models import AuditAction
from .services import audit_record


def record_sign_in(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditAction.SIGN_IN, actor=user, request=request)


def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is None:  # signing out while not signed in
        return
    reason = getattr(request, EXPIRED_ATTR, None) if request is not None else None
    if reason:
        audit_record(action=AuditAction.SESSION_EXPIRED, actor=user, summary=reason, request=request)
    else:
        audit_record(action=AuditAction.SIGN_OUT, actor=user, request=request)


UNKNOWN_USERNAME = "(unknown)"


def record_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password, an unknown username, or a sign-in refused by the lockout.

    django-axes' receiver runs first (it is installed before `audit`) and marks the
    request `axes_locked_out` when this attempt was refused or reached the limit.
    """
    username = str(credentials.get(get_user_model().USERNAME_FIELD, "") or credentials.get("username", ""))
    # A password typed into the username box must not end up readable in the audit trail.
    if not get_user_model()._default_manager.filter(username=username).exists():
        username = UNKNOWN_USERNAME
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        action=AuditAction.SIGN_IN_LOCKED if locked else AuditAction.SIGN_IN_FAILED,
        actor_username=username,
        request=request,
    )
