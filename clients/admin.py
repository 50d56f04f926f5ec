from django.contrib import admin

from clients.models import AgreementVersion, Client, Contact, PracticeProfile, ServiceAgreement
from riskreg.admin import ViewOnlyModelAdmin


@admin.register(PracticeProfile)
class PracticeProfileAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "email", "phone")

    def has_add_permission(self, request) -> bool:
        return not PracticeProfile.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "email", "phone", "can_sign", "is_active")


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "status", "vcio", "risk_score", "risk_band", "liability_coverage")
    list_filter = ("status", "industry", "risk_band", "service_tier")
    list_select_related = ("vcio",)
    search_fields = ("name",)
    # The rescore writes these (recommendations/risk/stored.py); an edit here would be overwritten.
    readonly_fields = (
        "public_id",
        "risk_score",
        "risk_band",
        "liability_coverage",
        "scored_at",
        "is_assessed",
        "open_refusals",
        "lapsed_refusals",
        "unsigned_items",
        "next_refusal_due",
        "first_lapsed_valid_until",
    )
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "email", "can_sign", "is_active")
    list_filter = ("can_sign", "is_active")
    search_fields = ("name", "email", "client__name")
    list_select_related = ("client",)


class AgreementVersionInline(admin.TabularInline):
    model = AgreementVersion
    extra = 0
    fields = ("number", "reference", "effective_date", "has_software_consent_clause", "signed_file", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(ViewOnlyModelAdmin):
    """Read only: agreements are recorded and edited on the client page, where every edit makes a
    new version and voids the open requests that quoted the old terms."""

    list_display = ("reference", "client", "version", "effective_date", "renewal_date", "has_software_consent_clause")
    search_fields = ("reference", "client__name")
    list_select_related = ("client",)
    inlines = [AgreementVersionInline]
