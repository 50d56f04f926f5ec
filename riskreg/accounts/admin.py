from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.accounts import services
from riskreg.accounts.models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("RiskReg", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("RiskReg", {"fields": ("role", "email", "first_name", "last_name")}))
    list_display = ("username", "email", "first_name", "last_name", "role", "two_factor", "is_active")
    list_filter = ("role", "is_active")
    actions = ["reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(confirmed))

    @admin.display(boolean=True, description=_("2FA"), ordering="has_two_factor")
    def two_factor(self, user: User) -> bool:
        return user.has_two_factor

    @admin.action(description=_("Reset two-factor authentication (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            services.two_factor_reset(actor=request.user, user=user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication reset for {count} user; they set it up again at their next login.",
                "Two-factor authentication reset for {count} users; they set it up again at their next login.",
                len(users),
            ).format(count=len(users)),
            messages.SUCCESS,
        )
