import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class PracticeProfile(models.Model):
    """The MSP itself: one row. CASL needs a mailing address plus one other contact."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    legal_name = models.CharField(max_length=200, default="Your MSP Ltd.")
    mailing_address = models.TextField(default="")
    email = models.EmailField(default="")
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="practice/", blank=True)
    request_valid_days = models.PositiveSmallIntegerField(default=14)
    cadence_critical_days = models.PositiveSmallIntegerField(default=90)
    cadence_high_days = models.PositiveSmallIntegerField(default=90)
    cadence_moderate_days = models.PositiveSmallIntegerField(default=180)
    cadence_low_days = models.PositiveSmallIntegerField(default=365)
    cadence_very_low_days = models.PositiveSmallIntegerField(default=365)
    lapse_grace_days = models.PositiveSmallIntegerField(default=14)
    retention_years = models.PositiveSmallIntegerField(default=7)
    review_threshold_score = models.PositiveSmallIntegerField(default=50)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="practiceprofile_singleton"),
            models.CheckConstraint(
                condition=Q(request_valid_days__gte=1), name="practiceprofile_request_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    cadence_critical_days__gte=1,
                    cadence_high_days__gte=1,
                    cadence_moderate_days__gte=1,
                    cadence_low_days__gte=1,
                    cadence_very_low_days__gte=1,
                ),
                name="practiceprofile_cadences_positive",
            ),
            models.CheckConstraint(
                condition=Q(review_threshold_score__lte=100), name="practiceprofile_threshold_range"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @classmethod
    def load(cls) -> "PracticeProfile":
        profile, _ = cls.objects.get_or_create(id=1)
        return profile

    def cadence_days(self, risk_level: str) -> int:
        return getattr(self, f"cadence_{risk_level}_days")


class Client(models.Model):
    class Industry(models.TextChoices):
        HEALTHCARE = "healthcare", "Healthcare"
        FINANCE = "finance", "Finance and insurance"
        LEGAL = "legal", "Legal"
        GOVERNMENT = "government", "Government and public sector"
        EDUCATION = "education", "Education"
        MANUFACTURING = "manufacturing", "Manufacturing"
        RETAIL = "retail", "Retail and hospitality"
        PROFESSIONAL_SERVICES = "professional_services", "Professional services"
        NONPROFIT = "nonprofit", "Non-profit"
        TECHNOLOGY = "technology", "Technology"
        OTHER = "other", "Other"

    class ServiceTier(models.TextChoices):
        FULLY_MANAGED = "fully_managed", "Fully managed"
        CO_MANAGED = "co_managed", "Co-managed"
        PROJECT_ONLY = "project_only", "Project only"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        OFFBOARDING = "offboarding", "Offboarding"
        FORMER = "former", "Former"

    class Band(models.TextChoices):
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=32, choices=Industry.choices, default=Industry.OTHER)
    holds_health_data = models.BooleanField("Health information", default=False)
    holds_payment_card_data = models.BooleanField("Payment card data", default=False)
    holds_personal_data = models.BooleanField("Personal information", default=False)
    holds_legal_privilege = models.BooleanField("Legally privileged material", default=False)
    holds_financial_data = models.BooleanField("Financial records", default=False)
    service_tier = models.CharField(max_length=16, choices=ServiceTier.choices, default=ServiceTier.FULLY_MANAGED)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    vcio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name="vCIO",
    )
    notes = models.TextField(blank=True)
    relationship_ended_on = models.DateField(null=True, blank=True)
    # Cached by the scoring service in the same transaction as every change to its inputs.
    risk_score = models.PositiveSmallIntegerField(default=0)
    risk_band = models.CharField(max_length=16, choices=Band.choices, default=Band.LOW)
    liability_coverage = models.DecimalField(max_digits=4, decimal_places=1, default=100)
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="client_name_unique"),
            models.CheckConstraint(condition=Q(risk_score__lte=100), name="client_risk_score_range"),
            models.CheckConstraint(
                condition=Q(liability_coverage__gte=0, liability_coverage__lte=100), name="client_coverage_range"
            ),
            models.CheckConstraint(
                condition=Q(risk_band__in=["low", "moderate", "high", "critical"]), name="client_band_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "offboarding", "former"]), name="client_status_valid"
            ),
        ]
        indexes = [
            # clients list and dashboard: ranked by score, filtered by vCIO
            models.Index(fields=["-risk_score", "name"], name="client_score_idx"),
            models.Index(fields=["vcio", "-risk_score"], name="client_vcio_score_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        return f"client:{self.public_id}"

    @property
    def regulated_data(self) -> frozenset[str]:
        flags = {
            "health": self.holds_health_data,
            "payment_card": self.holds_payment_card_data,
            "personal": self.holds_personal_data,
            "legal_privilege": self.holds_legal_privilege,
            "financial": self.holds_financial_data,
        }
        return frozenset(name for name, held in flags.items() if held)


class Contact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField("Job title", max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    can_sign = models.BooleanField("Authorised signatory", default=False)
    is_active = models.BooleanField(default=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "email"], condition=Q(erased_at__isnull=True), name="contact_email_unique_per_client"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceAgreement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agreements")
    reference = models.CharField(max_length=80)
    effective_date = models.DateField()
    renewal_date = models.DateField(null=True, blank=True)
    scope = models.TextField("Scope of services")
    responsibilities = models.TextField()
    exclusions = models.TextField(help_text="Quoted in every waiver the client signs.")
    has_software_consent_clause = models.BooleanField("Carries a software-install consent clause", default=False)
    refusal_cadence_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the practice's re-acknowledgment cadence for every refusal of this client.",
    )
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
