from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from units.admin import DeploymentWideAdmin, ScopedChoices, ScopedChoicesAdmin
from units.models import Kecamatan
from units.scoping import in_scope, visible_kecamatan

from .accounts import PRIVILEGE_FIELDS
from .models import Assignment, ImbauanTopic, Officer, Patrol, PatrolEdit, PatrolPhoto, Village
from .services import PATROL_FIELDS, patrol_update
from .territory import kecamatan_assign


class AssignmentInline(ScopedChoices, admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["officer"]
    fields = ["officer", "village", "start_date", "end_date"]


@admin.register(Officer)
class OfficerAdmin(ScopedChoices, UserAdmin):
    """Accounts. Only a superuser changes privileges (staff and superuser status, roles,
    permissions) or touches a superuser's account; `patrols.accounts` enforces the
    first on every path and records every change in the audit trail."""

    list_display = [
        "username",
        "display_name",
        "unit",
        "rank",
        "position",
        "nrp",
        "phone",
        "phone_public",
        "is_active",
    ]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter), "position", "rank", "is_active", "is_staff", "groups"]
    list_select_related = ["unit"]
    search_fields = ["username", "first_name", "last_name", "nrp", "phone", "email"]
    ordering = ["first_name", "last_name"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (_("Police details"), {"fields": ["unit", "nrp", "rank", "position", "phone", "phone_public"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Police details"), {"fields": ["unit", "first_name", "last_name", "nrp", "rank", "position", "phone"]}),
    ]
    inlines = [AssignmentInline]

    @admin.display(description=_("name"), ordering="first_name")
    def display_name(self, obj: Officer) -> str:
        return obj.display_name

    def get_queryset(self, request):
        """A unit's admin sees the accounts of their unit and the units below it (superuser: all)."""
        return super().get_queryset(request).filter(in_scope())

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # Read-only fields are left out of the form: a crafted POST cannot set them.
        return [*readonly, *PRIVILEGE_FIELDS]

    def has_change_permission(self, request, obj=None) -> bool:
        # A superuser's account, its password included: whoever could reset that
        # password could sign in as the superuser.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        """The list's bulk delete asks no per-account permission: check the rule above here."""
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(Village)
class VillageAdmin(ScopedChoicesAdmin):
    list_display = ["name", "code", "kecamatan", "unit", "risk_level", "visit_target_days", "postcode"]
    list_filter = [
        "risk_level",
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("kecamatan", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["kecamatan", "unit"]
    readonly_fields = ["unit"]
    list_editable = ["risk_level", "visit_target_days"]
    search_fields = ["name", "code"]
    inlines = [AssignmentInline]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results | queryset.search(search_term)
        return results, may_have_duplicates


@admin.register(Kecamatan)
class KecamatanAdmin(ScopedChoicesAdmin):
    """Here rather than in `units`: choosing a kecamatan's Polsek moves its villages too
    (`patrols.territory`), and `units` knows no villages. Codes and names come from
    `manage.py load_region`; only the Polsek is chosen here."""

    list_display = ["code", "name", "regency_name", "unit"]
    list_filter = ["regency_name", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "regency_code", "regency_name"]
    fields = ["code", "name", "regency_code", "regency_name", "unit"]

    def get_queryset(self, request):
        """A unit's admin sees the kecamatan their subtree covers (superuser: all, unassigned too)."""
        return super().get_queryset(request) & visible_kecamatan(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # from the Kemendagri data: manage.py load_region

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        kecamatan_assign(kecamatan=obj, unit=obj.unit)


@admin.register(Assignment)
class AssignmentAdmin(ScopedChoicesAdmin):
    list_display = ["village", "officer", "start_date", "end_date"]
    list_filter = ["village", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["village__name", "officer__first_name", "officer__last_name", "officer__nrp"]
    list_select_related = ["village", "officer"]
    autocomplete_fields = ["officer", "village"]
    date_hierarchy = "start_date"


@admin.register(ImbauanTopic)
class ImbauanTopicAdmin(DeploymentWideAdmin):
    list_display = ["name", "slug", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PatrolPhotoInline(admin.TabularInline):
    """Photos are added through the patrol form (which re-encodes them), never raw here;
    removing one is a change of the patrol (`patrol_update`)."""

    model = PatrolPhoto
    extra = 0
    max_num = 0
    can_delete = True
    fields = readonly_fields = ("preview", "caption", "width", "height", "created_at")

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
    fields = readonly_fields = ("edited_at", "editor", "changed_fields")


@admin.register(Patrol)
class PatrolAdmin(ScopedChoicesAdmin):
    """Oversight and corrections. A change goes through `patrol_update`, as in the portal:
    the same edit rules and validation, the edit history and the audit trail. Patrols
    are logged only through *Catat Patroli* (members, topics, re-encoded photos)."""

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

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj: Patrol, form, change: bool) -> None:
        """Nothing yet: `save_related` saves, once the photo inline says which photos go."""

    def save_related(self, request, form, formsets, change: bool) -> None:
        for formset in formsets:
            formset.save(commit=False)  # saves nothing: lists the changes, for the service and the admin's log
        [photos] = [formset for formset in formsets if formset.model is PatrolPhoto]
        # A field left alone keeps its stored value: the admin shows times to the
        # second, and the stored ones would otherwise count as changed.
        stored = Patrol.objects.get(pk=form.instance.pk)
        report = {
            name: form.cleaned_data[name] if name in form.changed_data else getattr(stored, name)
            for name in PATROL_FIELDS
        }
        patrol_update(
            patrol=stored,
            editor=request.user,
            members=form.cleaned_data["members"],
            topics=form.cleaned_data["topics"],
            remove_photos=photos.deleted_objects,
            request=request,
            **report,
        )
