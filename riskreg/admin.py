"""Admin pieces shared by the apps."""

from django.contrib import admin


class ViewOnlyModelAdmin(admin.ModelAdmin):
    """Rows an admin may read but never add, change or delete there: they change only through
    the services that audit them (or, for the audit chain, never)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
