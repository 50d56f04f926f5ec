"""Service agreements and their versions (an agreement's terms are versioned, never edited)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ServiceAgreement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="agreements")
    reference = models.CharField(max_length=80)
    effective_date = models.DateField()
    renewal_date = models.DateField(null=True, blank=True)
    scope = models.TextField(_("Scope of services"))
    responsibilities = models.TextField()
    exclusions = models.TextField(help_text=_("Quoted in every waiver the client signs."))
    has_software_consent_clause = models.BooleanField(_("Carries a software-install consent clause"), default=False)
    signed_file = models.FileField(_("Signed agreement (PDF)"), upload_to="agreements/", blank=True)
    refusal_cadence_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Overrides the practice's re-acknowledgment cadence for every refusal of this client."),
    )
    # The number of the current AgreementVersion: the terms above are that version's.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["client", "reference"], name="agreement_reference_unique_per_client"),
            models.CheckConstraint(
                condition=Q(renewal_date__isnull=True) | Q(renewal_date__gt=models.F("effective_date")),
                name="agreement_renewal_after_effective",
            ),
            models.CheckConstraint(
                condition=Q(refusal_cadence_days__isnull=True) | Q(refusal_cadence_days__gte=1),
                name="agreement_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


# The terms an agreement version records, all of them: a signer is shown the reference and the terms, the
# clause and the signed copy are the evidence of install consent, the cadence sets a refusal's validity.
AGREEMENT_TERMS = (
    "reference",
    "effective_date",
    "renewal_date",
    "scope",
    "responsibilities",
    "exclusions",
    "has_software_consent_clause",
    "signed_file",
    "refusal_cadence_days",
)


class AgreementVersion(models.Model):
    """One version of a service agreement's terms. An edit of the agreement makes the next version;
    a version is never changed (on PostgreSQL the database refuses UPDATE), so the terms a signing
    request quoted can always be read again."""

    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=80)
    effective_date = models.DateField()
    renewal_date = models.DateField(null=True, blank=True)
    scope = models.TextField(_("Scope of services"))
    responsibilities = models.TextField()
    exclusions = models.TextField()
    has_software_consent_clause = models.BooleanField(default=False)
    # The copy that was on file for this version; an upload for a later version leaves it in place.
    signed_file = models.FileField(upload_to="agreements/", blank=True)
    refusal_cadence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreementversion_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agreementversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} version {self.number}"
