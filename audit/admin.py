from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only, for everyone including superusers: the trail is written by code only."""

    list_display = ["created_at", "action", "actor_username", "target_type", "target_id", "summary"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_username", "target_id"]
    date_hierarchy = "created_at"
    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
