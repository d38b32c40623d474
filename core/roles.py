"""The portal's roles, as Django groups.

Groups and their permissions are created by data migrations (so every database has
them); each app's migration grants the permissions of its own models through
`grant_permissions`. Views never test group names: they test permissions, so an
admin can re-shape a role without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

OFFICER = "officer"
OPERATOR = "operator"
COMMAND = "command"
ADMIN = "admin"
ROLES = (OFFICER, OPERATOR, COMMAND, ADMIN)


def grant_permissions(apps: Any, grants: Mapping[str, Sequence[str]]) -> None:
    """Create the role groups if missing and add `app_label.codename` permissions to them.

    Meant for data migrations: permissions are normally created after `migrate`
    finishes, so they are created here first with the historical models.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke_permissions(apps: Any, grants: Mapping[str, Sequence[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    for role, perms in grants.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label, codename=codename))
