from django.contrib import admin

from riskreg.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """View only: the chain is append-only."""

    list_display = ("sequence", "occurred_at", "event_type", "summary", "actor_label")
    list_filter = ("event_type",)
    search_fields = ("summary", "object_id", "scope")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
