from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Officer, Village


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["officer"]
    fields = ["officer", "village", "start_date", "end_date"]


@admin.register(Officer)
class OfficerAdmin(UserAdmin):
    list_display = ["username", "display_name", "rank", "position", "nrp", "phone", "phone_public", "is_active"]
    list_filter = ["position", "rank", "is_active", "is_staff", "groups"]
    search_fields = ["username", "first_name", "last_name", "nrp", "phone", "email"]
    ordering = ["first_name", "last_name"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Police details"), {"fields": ["nrp", "rank", "position", "phone", "phone_public"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Police details"), {"fields": ["first_name", "last_name", "nrp", "rank", "position", "phone"]}),
    ]
    inlines = [AssignmentInline]

    @admin.display(description=_("name"), ordering="first_name")
    def display_name(self, obj: Officer) -> str:
        return obj.display_name


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "risk_level", "visit_target_days", "postcode", "latitude", "longitude"]
    list_filter = ["risk_level", "district"]
    list_editable = ["risk_level", "visit_target_days"]
    search_fields = ["name", "code"]
    inlines = [AssignmentInline]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results | queryset.search(search_term)
        return results, may_have_duplicates


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["village", "officer", "start_date", "end_date"]
    list_filter = ["village", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["village__name", "officer__first_name", "officer__last_name", "officer__nrp"]
    list_select_related = ["village", "officer"]
    autocomplete_fields = ["officer", "village"]
    date_hierarchy = "start_date"
