from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from riskreg.accounts.models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("RiskReg", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("RiskReg", {"fields": ("role", "email", "first_name", "last_name")}))
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
