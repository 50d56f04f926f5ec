import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from clients.agreement_models import AGREEMENT_TERMS, AgreementVersion, ServiceAgreement
from clients.hold_models import LitigationHold
from clients.practice_models import PracticeProfile
from clients.relationship_models import RelationshipDecision
from clients.software_models import CAPABILITY_DISCLOSURES, ConsentWithdrawalToken, Software, consent_sought_because


class ExternalSource(models.TextChoices):
    """Where a client or contact was imported from; with its id there it makes the record's
    external key, so importing the same export again updates instead of duplicating."""

    CONNECTWISE = "connectwise", _("ConnectWise PSA")
    AUTOTASK = "autotask", _("Datto Autotask")
    HALOPSA = "halopsa", _("HaloPSA")
    RISKREG = "riskreg", _("RiskReg CSV")
    API = "api", _("Another system, through the API")


def external_key_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["source", "external_id"],
            condition=~Q(external_id=""),
            name=f"{prefix}_external_id_unique",
            violation_error_message=f"Another {prefix} already has this id from this source.",
        ),
        models.CheckConstraint(
            condition=Q(external_id="") | ~Q(source=""),
            name=f"{prefix}_external_id_has_source",
            violation_error_message=_("An id in another system needs that system (source) too."),
        ),
    ]


class Province(models.TextChoices):
    """Canadian provinces and territories, by their postal abbreviations."""

    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class Client(models.Model):
    class Industry(models.TextChoices):
        HEALTHCARE = "healthcare", _("Healthcare")
        FINANCE = "finance", _("Finance and insurance")
        LEGAL = "legal", _("Legal")
        GOVERNMENT = "government", _("Government and public sector")
        EDUCATION = "education", _("Education")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        RETAIL = "retail", _("Retail and hospitality")
        PROFESSIONAL_SERVICES = "professional_services", _("Professional services")
        NONPROFIT = "nonprofit", _("Non-profit")
        TECHNOLOGY = "technology", _("Technology")
        OTHER = "other", _("Other")

    class ServiceTier(models.TextChoices):
        FULLY_MANAGED = "fully_managed", _("Fully managed")
        CO_MANAGED = "co_managed", _("Co-managed")
        PROJECT_ONLY = "project_only", _("Project only")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        OFFBOARDING = "offboarding", _("Offboarding")
        FORMER = "former", _("Former")

    class Band(models.TextChoices):
        LOW = "low", _("Low")
        MODERATE = "moderate", _("Moderate")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=32, choices=Industry.choices, default=Industry.OTHER)
    holds_health_data = models.BooleanField(_("Health information"), default=False)
    holds_payment_card_data = models.BooleanField(_("Payment card data"), default=False)
    holds_personal_data = models.BooleanField(_("Personal information"), default=False)
    holds_legal_privilege = models.BooleanField(_("Legally privileged material"), default=False)
    holds_financial_data = models.BooleanField(_("Financial records"), default=False)
    service_tier = models.CharField(max_length=16, choices=ServiceTier.choices, default=ServiceTier.FULLY_MANAGED)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    vcio = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("vCIO"),
    )
    notes = models.TextField(blank=True)
    # Where the client is established: a Quebec client is owed its documents in French first
    # (Charter of the French Language s. 55), so an English request needs the signer's express choice.
    province = models.CharField(
        _("Province or territory"),
        max_length=2,
        choices=Province.choices,
        blank=True,
        help_text=_("Blank: outside Canada or not recorded."),
    )
    source = models.CharField(max_length=16, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField(_("ID in the source system"), max_length=100, blank=True)
    relationship_ended_on = models.DateField(null=True, blank=True)
    # What the client is worth to the practice, for managers weighing a relationship; integer
    # cents so sums and comparisons are exact.
    monthly_recurring_revenue_cents = models.PositiveBigIntegerField(
        _("Monthly recurring revenue"), null=True, blank=True
    )
    contract_ends_on = models.DateField(_("Contract end date"), null=True, blank=True)
    # Roadmap quarters follow the client's fiscal year (recommendations/roadmap/quarters.py).
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("Fiscal year starts in"), choices=list(MONTHS.items()), default=1
    )
    # The risk-briefing meeting: how often, and when the next one is due (set by issuing a briefing
    # or by the vCIO); None until a schedule starts. The daily sweep reminds the vCIO before it.
    briefing_cadence_months = models.PositiveSmallIntegerField(
        _("Briefing cadence"),
        choices=[(1, _("Monthly")), (3, _("Quarterly")), (6, _("Twice a year")), (12, _("Yearly"))],
        default=3,
    )
    briefing_due_on = models.DateField(_("Next briefing due"), null=True, blank=True)
    # Cached by the scoring service in the same transaction as every change to its inputs.
    risk_score = models.PositiveSmallIntegerField(default=0)
    risk_band = models.CharField(max_length=16, choices=Band.choices, default=Band.LOW)
    liability_coverage = models.DecimalField(max_digits=4, decimal_places=1, default=100)
    # Open exposure x multiplier without a current signature (recommendations/risk/scoring.py, section 6).
    uncovered_exposure = models.DecimalField(max_digits=9, decimal_places=1, default=0)
    scored_at = models.DateTimeField(null=True, blank=True)
    # Read from the client's recommendations by the same rescore, so the dashboard sums and sorts
    # these instead of reading every client's recommendations (recommendations/risk/stored.py).
    is_assessed = models.BooleanField(default=False)
    open_refusals = models.PositiveIntegerField(default=0)
    lapsed_refusals = models.PositiveIntegerField(default=0)
    unsigned_items = models.PositiveIntegerField(_("Presented or deferred, unsigned"), default=0)
    next_refusal_due = models.DateField(null=True, blank=True)
    first_lapsed_valid_until = models.DateField(null=True, blank=True)
    # Refusals due within 30, 60 and 90 days of ``refusals_due_on``, the day they were counted:
    # they age with the calendar, so the hourly refresh counts them again on a new day and the
    # dashboard counts a client's refusals itself while its counts are from another day.
    refusals_due_on = models.DateField(null=True, blank=True)
    refusals_due_30 = models.PositiveIntegerField(default=0)
    refusals_due_60 = models.PositiveIntegerField(default=0)
    refusals_due_90 = models.PositiveIntegerField(default=0)
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
            models.CheckConstraint(condition=Q(uncovered_exposure__gte=0), name="client_uncovered_exposure_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "offboarding", "former"]), name="client_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="client_fiscal_start_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(briefing_cadence_months__in=[1, 3, 6, 12]), name="client_briefing_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(province="") | Q(province__in=Province.values), name="client_province_valid"
            ),
            *external_key_constraints("client"),
        ]
        indexes = [
            # clients list and dashboard: ranked by score, filtered by vCIO
            models.Index(fields=["-risk_score", "name"], name="client_score_idx"),
            models.Index(fields=["vcio", "-risk_score"], name="client_vcio_score_idx"),
            # dashboard sorted by uncovered exposure, and the review queue's priority order
            models.Index(fields=["-uncovered_exposure", "-risk_score", "name"], name="client_uncovered_idx"),
            # briefings due in the next 30 days (dashboard, re-acknowledgment page, daily reminders)
            models.Index(fields=["briefing_due_on"], name="client_briefing_due_idx"),
            # dashboard sorted by the soonest refusal due
            models.Index(fields=["next_refusal_due", "-risk_score", "name"], name="client_next_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        return f"client:{self.public_id}"

    @property
    def is_quebec(self) -> bool:
        return self.province == Province.QC

    @property
    def monthly_recurring_revenue(self) -> str:
        """The MRR as money text ("1,250.00"), empty when not recorded."""
        cents = self.monthly_recurring_revenue_cents
        return "" if cents is None else f"{cents // 100:,}.{cents % 100:02d}"

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
    title = models.CharField(_("Job title"), max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    can_sign = models.BooleanField(_("Authorised signatory"), default=False)
    preferred_language = models.CharField(
        _("Preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Requests and emails go out in this language. Blank: the practice's default language."),
    )
    is_active = models.BooleanField(default=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField(_("ID in the source system"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "email"],
                condition=Q(erased_at__isnull=True),
                name="contact_email_unique_per_client",
                violation_error_message=_("This client already has a contact with this email address."),
            ),
            *external_key_constraints("contact"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language(self) -> str:
        """The language this contact reads: their own choice, or the practice's default."""
        return self.preferred_language or PracticeProfile.load().default_language


class RiskSnapshot(models.Model):
    """One client's score on one day, for trends. A re-run of the daily task changes nothing."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField()
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=16, choices=Client.Band.choices)
    coverage = models.DecimalField(max_digits=4, decimal_places=1)
    total_exposure = models.FloatField(default=0)
    multiplier = models.FloatField(default=1)
    components = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["client", "taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["client", "taken_on"], name="risksnapshot_one_per_client_per_day"),
            models.CheckConstraint(condition=Q(score__lte=100), name="risksnapshot_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.taken_on}: {self.score}"


class ImportBatch(models.Model):
    """One uploaded CSV file of clients or contacts: checked first (a preview of what each row
    would do, with every error), then applied in one transaction, or not at all."""

    class Kind(models.TextChoices):
        CLIENTS = "clients", _("Clients (companies)")
        CONTACTS = "contacts", _("Contacts")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked: ready to apply")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=16, choices=ExternalSource.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    # The decoded file: the check and the apply both read it, so what is applied is what was previewed.
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    default_vcio = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text=_("Rows per action: create, update, ..."))
    rows = models.JSONField(default=list, blank=True, help_text=_("The preview: what each row does, and why not."))
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "checking", "checked", "applying", "applied", "failed"]),
                name="importbatch_status_valid",
            ),
            models.CheckConstraint(condition=Q(kind__in=["clients", "contacts"]), name="importbatch_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.get_source_display()}: {self.filename}"


# The other models of the app are defined in the sibling *_models.py modules and imported from here.
__all__ = [
    "AGREEMENT_TERMS",
    "CAPABILITY_DISCLOSURES",
    "AgreementVersion",
    "Client",
    "ConsentWithdrawalToken",
    "Contact",
    "ExternalSource",
    "ImportBatch",
    "LitigationHold",
    "PracticeProfile",
    "Province",
    "RelationshipDecision",
    "RiskSnapshot",
    "ServiceAgreement",
    "Software",
    "consent_sought_because",
    "external_key_constraints",
]
