"""Django's ModelBackend, reading a user's permissions in one query instead of two.

Every signed-in page asks `has_perm` (the view and the navigation bar), and the
first question of a request loads all of the user's permissions: ModelBackend
reads the user's own and their roles' (groups') in two queries. This backend
reads both at once; the answers, and their caching on the user for the rest of
the request, are ModelBackend's.

settings.AUTHENTICATION_BACKENDS lists it in place of ModelBackend.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Model, Q


class OneQueryPermissionsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The signed-in user with their unit (`select_related`: still one query).

        Every request's unit scope (units.scoping) reads the unit's path.
        """
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("unit").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                own = type(user_obj).user_permissions.through.objects.filter(**{_owner(user_obj): user_obj.pk})
                groups = type(user_obj).groups.through.objects.filter(**{_owner(user_obj): user_obj.pk})
                by_role = Group.permissions.through.objects.filter(group_id__in=groups.values("group_id"))
                permissions = Permission.objects.filter(
                    Q(pk__in=own.values("permission_id")) | Q(pk__in=by_role.values("permission_id"))
                )
            rows = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        cached: set[str] = user_obj._perm_cache
        return cached


def _owner(user_obj: Any) -> str:
    """The column of the user in the user's many-to-many tables (`officer_id` here)."""
    return f"{type(user_obj).groups.field.m2m_field_name()}_id"
