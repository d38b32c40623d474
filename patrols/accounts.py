"""Officer accounts: who may change their privileges, and the record of every change.

The rule: an account's privileges (staff and superuser status, roles, permissions,
and a role's own permissions) change only by a superuser's hand inside a request,
or from the server itself (a management command, the shell: whoever runs them
already holds the database). Any page that tried on behalf of someone else gets
403, so nobody can raise their own privileges through any URL.

The record: every new account, every change of an account's active, staff or
superuser status, roles, permissions or password, and every change of a role's
permissions, is an audit entry: who (the signed-in user; outside a request the
operating-system user, "(system: krangkeng)"), whom (the account or the role)
and before -> after.

Both sit in receivers of the model's signals rather than in a service, on purpose:
accounts change through Django's admin forms, its `createsuperuser` and
`changepassword` commands and the shell, and every one of them ends in `save()` and
the groups/permissions relations. A service that each of those paths had to
remember to call would leave exactly them unaudited. `QuerySet.update()`, bulk
operations and raw SQL send no signals and are not covered: accounts are not
managed that way.

Connected in `PatrolsConfig.ready()`; the request comes from
`audit.middleware.AuditContextMiddleware`.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_save

from audit.middleware import current_request
from audit.models import AuditAction
from audit.services import audit_record

from .models import Officer

FLAGS = ("is_active", "is_staff", "is_superuser")
PRIVILEGE_FLAGS = ("is_staff", "is_superuser")
# What only a superuser may change, of anyone (themselves included).
PRIVILEGE_FIELDS = (*PRIVILEGE_FLAGS, "groups", "user_permissions")
# The unit is part of what an account sees (role + unit = scope): its changes are recorded too.
RECORDED = (*FLAGS, "unit_id")
# A save that writes none of these (a sign-in's last_login) is neither checked nor recorded.
WATCHED_COLUMNS = frozenset({"password", *RECORDED})
BEFORE = "_account_before"
NOTHING = "–"


def _require_superuser(what: str) -> None:
    """Inside a request only a superuser may change privileges; commands and the shell may."""
    request = current_request()
    if request is None:
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not _is_superuser(user.pk):
        raise PermissionDenied(f"Only a superuser may change {what}.")


def _is_superuser(pk: int) -> bool:
    """Asked of the database: the signed-in user's own instance may be the one being changed."""
    return Officer._default_manager.filter(pk=pk, is_superuser=True, is_active=True).exists()


def _system_actor() -> str:
    """Who acted outside a request: the operating-system user running the command or shell."""
    try:
        return f"(system: {getpass.getuser()})"
    except (KeyError, OSError):  # no login name, e.g. a container user without a passwd entry
        return "(system)"


def _record(action: AuditAction, target: models.Model, summary: str) -> None:
    request = current_request()
    if request is None:
        audit_record(action=action, target=target, summary=summary, actor_username=_system_actor())
    else:
        audit_record(action=action, target=target, summary=summary, request=request)


def _name(holder: models.Model) -> str:
    return holder.get_username() if isinstance(holder, Officer) else str(holder)


# --- the account's own columns -----------------------------------------------------------------


def _columns(model: type[models.Model], update_fields) -> set[str]:
    """The columns a `save(update_fields=…)` writes: "unit" (or "unit_id") writes `unit_id`."""
    attnames = {field.name: field.attname for field in model._meta.concrete_fields}
    return {attnames.get(name, name) for name in update_fields}  # an attname stays itself


def _before_save(sender, instance: Officer, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and WATCHED_COLUMNS.isdisjoint(_columns(sender, update_fields))):
        return
    stored = None
    if not instance._state.adding:
        stored = sender._default_manager.filter(pk=instance.pk).values(*WATCHED_COLUMNS).first()
    if stored is None:
        raised = [flag for flag in PRIVILEGE_FLAGS if getattr(instance, flag)]
    else:
        raised = [flag for flag in PRIVILEGE_FLAGS if stored[flag] != getattr(instance, flag)]
    if raised:
        _require_superuser(", ".join(raised))
    setattr(instance, BEFORE, stored)


def _after_save(sender, instance: Officer, raw: bool = False, **kwargs) -> None:
    if raw or BEFORE not in instance.__dict__:
        return
    stored = instance.__dict__.pop(BEFORE)
    name = instance.get_username()
    if stored is None:  # no row before this save: a new account
        flags = ", ".join(f"{flag}: {getattr(instance, flag)}" for flag in FLAGS)
        _record(AuditAction.ACCOUNT_CREATED, instance, f"{name}: {flags}")
        return
    changes = [
        f"{column}: {stored[column]} → {getattr(instance, column)}"
        for column in RECORDED
        if stored[column] != getattr(instance, column)
    ]
    if changes:
        _record(AuditAction.ACCOUNT_CHANGED, instance, f"{name}: {'; '.join(changes)}")
    if stored["password"] != instance.password:
        # set_password() keeps the new raw password until the save ends; a hash replaced
        # without it was re-hashed at sign-in (a stronger hasher) or written directly.
        how = "new password set" if getattr(instance, "_password", None) is not None else "password hash replaced"
        _record(AuditAction.PASSWORD_CHANGED, instance, f"{name}: {how}")


# --- roles and permissions (many-to-many) ------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A many-to-many relation that grants privileges: who holds it and how its items are named."""

    name: str  # as written in the audit entry
    holder_model: type[models.Model]
    holder: str  # the holder's column in the through table
    item: str  # the other side's column
    label: tuple[str, ...]  # lookups that name an item, joined with "."


def _relation(name: str, field, label: tuple[str, ...]) -> Relation:
    item = field.m2m_reverse_field_name()
    return Relation(
        name=name,
        holder_model=field.model,
        holder=field.m2m_field_name(),
        item=item,
        label=tuple(f"{item}__{lookup}" for lookup in label),
    )


PERMISSION_LABEL = ("content_type__app_label", "codename")
RELATIONS = {
    Officer.groups.through: _relation("groups", Officer.groups.field, ("name",)),
    Officer.user_permissions.through: _relation("user_permissions", Officer.user_permissions.field, PERMISSION_LABEL),
    Group.permissions.through: _relation("permissions", Group.permissions.field, PERMISSION_LABEL),
}


def _labels(through: type[models.Model], relation: Relation, holder_ids) -> dict[int, list[str]]:
    """Each holder's items, named and sorted: {officer or group id: ["command", "officer"]} (one query)."""
    labels: dict[int, list[str]] = {holder_id: [] for holder_id in holder_ids}
    rows = through._default_manager.filter(**{f"{relation.holder}__in": list(labels)}).values_list(
        relation.holder, *relation.label
    )
    for holder_id, *parts in rows:
        labels[holder_id].append(".".join(parts))
    return {holder_id: sorted(items) for holder_id, items in labels.items()}


def _holders(through, relation: Relation, instance, action: str, reverse: bool, pk_set) -> set[int]:
    if not reverse:  # officer.groups.add(...): the officer (or group) holds them
        return {instance.pk}
    if action == "pre_clear":  # group.user_set.clear(): everyone who held it
        return set(through.objects.filter(**{relation.item: instance.pk}).values_list(relation.holder, flat=True))
    return set(pk_set)


def _relation_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    relation = RELATIONS[sender]
    stash = f"{BEFORE}_{relation.name}"
    if action in ("pre_add", "pre_remove", "pre_clear"):
        holders = _holders(sender, relation, instance, action, reverse, pk_set)
        before = _labels(sender, relation, holders)
        if pk_set or any(before.values()):
            _require_superuser(relation.name)
        instance.__dict__[stash] = before
    elif action in ("post_add", "post_remove", "post_clear") and stash in instance.__dict__:
        before = instance.__dict__.pop(stash)
        after = _labels(sender, relation, before)
        holder_rows = relation.holder_model._default_manager.in_bulk(list(before))
        for holder_id, old in before.items():
            new = after[holder_id]
            if old != new and holder_id in holder_rows:
                holder = holder_rows[holder_id]
                change = f"{', '.join(old) or NOTHING} → {', '.join(new) or NOTHING}"
                _record(AuditAction.PERMISSIONS_CHANGED, holder, f"{_name(holder)}: {relation.name}: {change}")


def connect() -> None:
    pre_save.connect(_before_save, sender=Officer, dispatch_uid="account_before_save")
    post_save.connect(_after_save, sender=Officer, dispatch_uid="account_after_save")
    for through in RELATIONS:
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"account_relation_{through.__name__}")
