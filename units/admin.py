from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Unit

STRUCTURE = ("kind", "code", "parent")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # Where a unit sits decides who sees what: only a superuser reshapes the tree.
        return [*readonly, *STRUCTURE]
