from django.contrib import admin

from riskreg.admin import ViewOnlyModelAdmin
from riskreg.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyModelAdmin):
    """View only: the chain is append-only."""

    list_display = ("sequence", "occurred_at", "event_type", "summary", "actor_label")
    list_filter = ("event_type",)
    search_fields = ("summary", "object_id", "scope")
