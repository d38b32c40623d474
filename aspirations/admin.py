from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from units.admin import DeploymentWideAdmin, ScopedChoices, ScopedChoicesAdmin

from .delivery import notification_retry
from .models import Aspiration, AspirationEvent, Category, Notification


@admin.register(Category)
class CategoryAdmin(DeploymentWideAdmin):
    list_display = ["name", "name_en", "slug", "sort_order", "is_active", "is_sensitive"]
    list_editable = ["sort_order", "is_active", "is_sensitive"]
    list_filter = ["is_active", "is_sensitive"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AspirationEventInline(ScopedChoices, admin.TabularInline):
    model = AspirationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "author",
        "assignee",
        "is_public",
        "body",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Aspiration)
class AspirationAdmin(ScopedChoicesAdmin):
    """Read-only oversight for admins. Workflow changes go through the staff pages.

    The reporter's identity and address hash are left out on purpose: revealing
    identity is logged, and the admin would bypass that log.
    """

    list_display = ["code", "submitted_at", "type", "category", "village", "status", "channel", "is_spam_suspected"]
    list_filter = ["status", "type", "channel", "category", "village", "is_spam_suspected"]
    search_fields = ["code", "title"]
    date_hierarchy = "submitted_at"
    list_select_related = ["category", "village"]
    fields = readonly_fields = (
        "code",
        "type",
        "category",
        "title",
        "description",
        "village",
        "place",
        "occurred_at",
        "channel",
        "patrol",
        "priority",
        "status",
        "assigned_to",
        "created_by",
        "submitted_at",
        "verification_due",
        "followup_due",
        "verified_at",
        "first_response_at",
        "resolved_at",
        "rejection_reason",
        "rejection_note",
        "referred_to",
        "duplicate_of",
        "is_spam_suspected",
        "spam_signals",
        "identity_given",
    )
    inlines = [AspirationEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("identity given"), boolean=True)
    def identity_given(self, obj: Aspiration) -> bool:
        return not obj.is_anonymous


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Messages to residents and officers: failed ones first in mind (filter "Failed"), with a retry.

    Never shows an address or a message text: the row names the aspiration, the channel
    and the recipient's role, and the error only by its type.
    """

    list_display = ["aspiration", "kind", "channel", "recipient", "state", "attempts", "error_type", "state_changed_at"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["aspiration__code"]
    date_hierarchy = "created_at"
    list_select_related = ["aspiration", "officer"]
    fields = (
        "aspiration",
        "kind",
        "channel",
        "recipient",
        "language",
        "state",
        "attempts",
        "error_type",
        "provider_message_id",
        "reference",
        "created_at",
        "state_changed_at",
    )
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("recipient"))
    def recipient(self, notification: Notification) -> str:
        return str(notification.officer) if notification.officer_id else str(_("the reporter"))

    @admin.action(description=_("Send the selected failed notifications again"), permissions=["change"])
    def retry(self, request, queryset) -> None:
        retried = sum(notification_retry(notification=notification) for notification in queryset.failed())
        self.message_user(request, _("%(count)d notifications queued again.") % {"count": retried})
