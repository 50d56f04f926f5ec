from django.contrib import admin

from recommendations.models import Control, Recommendation


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "category", "default_likelihood", "default_impact", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "title")


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the register's services so they are audited."""

    list_display = ("title", "client", "status", "likelihood", "impact", "valid_until")
    list_filter = ("status",)
    search_fields = ("title", "client__name")
    list_select_related = ("client",)
    readonly_fields = ("public_id", "status", "status_changed_at", "valid_until", "content_version", "inherent_risk")
