from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record

from .models import Assignment, ImbauanTopic, Officer, Patrol, PatrolEdit, PatrolPhoto, Village


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


@admin.register(ImbauanTopic)
class ImbauanTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PatrolPhotoInline(admin.TabularInline):
    """Photos are added through the patrol form (which re-encodes them), never raw here."""

    model = PatrolPhoto
    extra = 0
    max_num = 0
    can_delete = True
    fields = ["preview", "caption", "width", "height", "created_at"]
    readonly_fields = ["preview", "width", "height", "created_at"]

    @admin.display(description=_("photo"))
    def preview(self, obj: PatrolPhoto) -> str:
        if obj.pk is None:
            return "–"
        # Served by the permission-checked view, like everywhere else.
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="120" loading="lazy"></a>',
            obj.get_absolute_url(),
            obj.get_thumbnail_url(),
        )


class PatrolEditInline(admin.TabularInline):
    model = PatrolEdit
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["edited_at", "editor", "changed_fields"]
    readonly_fields = fields


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ["started_at", "village", "patrol_type", "mode", "leader", "situation", "residents_met"]
    list_filter = ["situation", "patrol_type", "mode", "village", "village__risk_level", "topics"]
    list_select_related = ["village", "leader"]
    search_fields = ["place", "summary", "findings", "actions", "partners", "leader__first_name", "leader__last_name"]
    date_hierarchy = "started_at"
    autocomplete_fields = ["leader", "members", "village"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [PatrolPhotoInline, PatrolEditInline]
    show_full_result_count = False  # no COUNT(*) over the whole table on every list page
    fieldsets = [
        (None, {"fields": ["patrol_type", "mode", "started_at", "ended_at", "village", "place"]}),
        (_("Personnel"), {"fields": ["leader", "members", "partners", "residents_met"]}),
        (_("Result"), {"fields": ["topics", "situation", "summary", "findings", "actions"]}),
        (_("Location"), {"fields": ["latitude", "longitude"]}),
        (_("Logging"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj: Patrol, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            PatrolEdit.objects.create(patrol=obj, editor=request.user, changed_fields=list(form.changed_data))
            audit_record(
                action=AuditAction.PATROL_CHANGED, target=obj, summary=", ".join(form.changed_data), request=request
            )
