from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.http import HttpRequest

from core.security import client_ip_hash

from .models import AuditAction, AuditEntry

USERNAME_MAX = AuditEntry._meta.get_field("actor_username").max_length


@transaction.atomic
def audit_record(
    *,
    action: AuditAction | str,
    actor: AbstractBaseUser | None = None,
    target: models.Model | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """Write one audit entry and return it.

    `actor` defaults to the signed-in user of `request`; their username is copied so
    the entry survives the account. `target` is the record acted on (its type and
    primary key are kept, not a foreign key, so any model can be a target and
    deleting it keeps the entry). `request` supplies the keyed hash of the client
    address. `actor_username` is for acts without an account (a failed sign-in's
    username). Call it inside the service's transaction: the entry is kept only if
    the act is.

    The entry belongs to the unit of the target (a patrol's, an aspiration's, an
    account's), else the actor's: read from the rows in hand (`unit_id`), no query.
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None:
        actor_username = actor.get_username()
    entry = AuditEntry(
        action=action,
        # By id: audit sits below the app of the user model and does not name it.
        actor_id=actor.pk if actor is not None else None,
        actor_username=actor_username[:USERNAME_MAX],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary,
        ip_hash=client_ip_hash(request),
        unit_id=_unit_id(target) or _unit_id(actor),
    )
    entry.full_clean(exclude=["actor", "unit"])  # the actor and the unit are in hand: no lookups needed
    entry.save()
    return entry


def _unit_id(holder: object | None) -> int | None:
    """The unit a record or an account belongs to, if it has one (audit names no app's models)."""
    return getattr(holder, "unit_id", None)
