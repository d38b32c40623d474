from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Kecamatan, Unit
from .scoping import in_scope, visible_kecamatan, visible_units

STRUCTURE = ("kind", "code", "parent")


def choices_for(model: type[models.Model], user: Any) -> models.QuerySet | None:
    """What an admin form may offer of `model` to `user`: units, kecamatan and officers of their
    subtree. None for a model the unit scope narrows itself (villages, patrols) or that no unit owns."""
    if model is Unit:
        return visible_units(user)
    if model is Kecamatan:
        return visible_kecamatan(user)
    if model is get_user_model():
        return model._default_manager.filter(in_scope())
    return None


class ScopedChoices:
    """For a ModelAdmin or an inline: foreign-key and many-to-many choices stay within the user's subtree.

    A choice outside it, sent by a crafted POST, is "not one of the available choices".
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (choices := choices_for(db_field.remote_field.model, request.user)) is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (choices := choices_for(db_field.remote_field.model, request.user)) is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedChoicesAdmin(ScopedChoices, admin.ModelAdmin):
    pass


class DeploymentWideAdmin(admin.ModelAdmin):
    """Master data every unit of the deployment shares (aspiration categories, imbauan topics).

    A unit's admin may read it but only a superuser adds, changes or deletes a row: an
    admin of one Polsek renaming a category would rename it for every Polres. The
    checks below also guard the list's inline edits and its bulk delete.
    """

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Unit)
class UnitAdmin(ScopedChoicesAdmin):
    """Units and their public contact. Which kecamatan a Polsek covers is chosen on the
    kecamatan (admin: Kecamatan), where its villages follow."""

    list_display = ["name", "kind", "code", "parent", "phone", "commander_name"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "code", "parent", "path"]}),
        (_("Public contact"), {"fields": ["address", "phone", "whatsapp"]}),
        (_("Commander (signs the recap)"), {"fields": ["commander_rank", "commander_name"]}),
    ]

    def get_queryset(self, request):
        """A unit's admin sees their unit and the units below it."""
        return super().get_queryset(request) & visible_units(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # Where a unit sits decides who sees what: only a superuser reshapes the tree.
        return [*readonly, *STRUCTURE]
