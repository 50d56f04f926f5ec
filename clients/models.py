import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

_pinned_profile: ContextVar["PracticeProfile | None"] = ContextVar("pinned_practice_profile", default=None)


class PracticeProfile(models.Model):
    """The MSP itself: one row. CASL needs a mailing address plus one other contact."""

    class ReviewBasis(models.TextChoices):
        SCORE = "score", "Risk score only"
        UNCOVERED = "uncovered", "Uncovered exposure only"
        EITHER = "either", "Either: score or uncovered exposure at or above its threshold"
        BOTH = "both", "Both: score and uncovered exposure at or above their thresholds"

    class BasisChangeReack(models.TextChoices):
        OFFER = "offer", "Offer it on the client page; staff send it"
        SEND = "send", "Send it with the next daily sweep"

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
    review_basis = models.CharField(
        "Review needed when", max_length=16, choices=ReviewBasis.choices, default=ReviewBasis.SCORE
    )
    review_threshold_uncovered = models.DecimalField(
        "Uncovered exposure threshold",
        max_digits=7,
        decimal_places=1,
        default=20,
        validators=[MinValueValidator(0)],
        help_text="Uncovered exposure (open risk without a current signature, times the client's multiplier) "
        "at which a client needs a relationship review.",
    )
    heads_up_days = models.CharField(
        max_length=40, default="30,7,1", help_text="Days before a refusal's valid-until to warn the signatory."
    )
    request_reminder_days = models.CharField(
        max_length=40, default="3,7", help_text="Days after sending to remind about an unanswered request."
    )
    band_moderate_from = models.PositiveSmallIntegerField(default=25)
    band_high_from = models.PositiveSmallIntegerField(default=50)
    band_critical_from = models.PositiveSmallIntegerField(default=75)
    multiplier_overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text='Sensitivity multipliers by industry or regulated data, e.g. {"healthcare": 1.6, "personal": 1.2}.',
    )
    basis_change_reack = models.CharField(
        "Re-acknowledgment when a refusal's basis changes",
        max_length=8,
        choices=BasisChangeReack.choices,
        default=BasisChangeReack.OFFER,
        help_text="A signed refusal whose risk was raised after signing no longer covers it until re-signed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="practiceprofile_singleton"),
            models.CheckConstraint(
                condition=Q(basis_change_reack__in=["offer", "send"]), name="practiceprofile_basis_reack_valid"
            ),
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
            models.CheckConstraint(
                condition=Q(review_threshold_uncovered__gte=0), name="practiceprofile_uncovered_threshold_range"
            ),
            models.CheckConstraint(
                condition=Q(review_basis__in=["score", "uncovered", "either", "both"]),
                name="practiceprofile_review_basis_valid",
            ),
            # Signed records are kept at least a year after a relationship ends, whatever the setting says.
            models.CheckConstraint(
                condition=Q(retention_years__gte=1),
                name="practiceprofile_retention_at_least_1",
                violation_error_message="Signed records are kept at least 1 year after a relationship ends.",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if _pinned_profile.get() is not None:
            _pinned_profile.set(self)

    @classmethod
    def load(cls) -> "PracticeProfile":
        pinned = _pinned_profile.get()
        if pinned is not None:
            return pinned
        profile, _ = cls.objects.get_or_create(id=1)
        return profile

    @classmethod
    @contextmanager
    def pinned(cls) -> Iterator["PracticeProfile"]:
        """Within the block every load() returns the profile read once at its start.

        For one operation that reads the settings many times (a sweep emailing hundreds of
        signatories, a signing): it applies one consistent set of settings and reads them once
        instead of once per email, item and rescore. A block inside another keeps the outer
        block's profile; a save inside the block is seen by the rest of it. Also a decorator
        (`@PracticeProfile.pinned()`), for a whole service."""
        if (pinned := _pinned_profile.get()) is not None:
            yield pinned
            return
        token = _pinned_profile.set(cls.load())
        try:
            yield _pinned_profile.get()
        finally:
            _pinned_profile.reset(token)

    def cadence_days(self, risk_level: str) -> int:
        return getattr(self, f"cadence_{risk_level}_days")


class ExternalSource(models.TextChoices):
    """Where a client or contact was imported from; with its id there it makes the record's
    external key, so importing the same export again updates instead of duplicating."""

    CONNECTWISE = "connectwise", "ConnectWise PSA"
    AUTOTASK = "autotask", "Datto Autotask"
    HALOPSA = "halopsa", "HaloPSA"
    RISKREG = "riskreg", "RiskReg CSV"
    API = "api", "Another system, through the API"


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
            violation_error_message="An id in another system needs that system (source) too.",
        ),
    ]


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
    source = models.CharField(max_length=16, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField("ID in the source system", max_length=100, blank=True)
    relationship_ended_on = models.DateField(null=True, blank=True)
    # What the client is worth to the practice, for managers weighing a relationship; integer
    # cents so sums and comparisons are exact.
    monthly_recurring_revenue_cents = models.PositiveBigIntegerField(
        "Monthly recurring revenue", null=True, blank=True
    )
    contract_ends_on = models.DateField("Contract end date", null=True, blank=True)
    # Roadmap quarters follow the client's fiscal year (recommendations/roadmap/quarters.py).
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        "Fiscal year starts in", choices=[(m, date(2000, m, 1).strftime("%B")) for m in range(1, 13)], default=1
    )
    # The risk-briefing meeting: how often, and when the next one is due (set by issuing a briefing
    # or by the vCIO); None until a schedule starts. The daily sweep reminds the vCIO before it.
    briefing_cadence_months = models.PositiveSmallIntegerField(
        "Briefing cadence", choices=[(1, "Monthly"), (3, "Quarterly"), (6, "Twice a year"), (12, "Yearly")], default=3
    )
    briefing_due_on = models.DateField("Next briefing due", null=True, blank=True)
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
    unsigned_items = models.PositiveIntegerField("Presented or deferred, unsigned", default=0)
    next_refusal_due = models.DateField(null=True, blank=True)
    first_lapsed_valid_until = models.DateField(null=True, blank=True)
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
    title = models.CharField("Job title", max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    can_sign = models.BooleanField("Authorised signatory", default=False)
    is_active = models.BooleanField(default=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField("ID in the source system", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "email"],
                condition=Q(erased_at__isnull=True),
                name="contact_email_unique_per_client",
                violation_error_message="This client already has a contact with this email address.",
            ),
            *external_key_constraints("contact"),
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
    signed_file = models.FileField("Signed agreement (PDF)", upload_to="agreements/", blank=True)
    refusal_cadence_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Overrides the practice's re-acknowledgment cadence for every refusal of this client.",
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
    scope = models.TextField("Scope of services")
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


class RelationshipDecision(models.Model):
    """A manager's call on whether to keep a client (SPEC section 1)."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CONDITIONS = "conditions", "Continue with conditions"
        OFFBOARD = "offboard", "Offboard"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relationship_decisions")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    conditions = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    score_at_decision = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="conditions") | ~Q(conditions=""), name="relationshipdecision_conditions_stated"
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=models.F("decided_on")),
                name="relationshipdecision_review_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["client", "-decided_on"], name="reldecision_client_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.decided_on}"


# CASL section 10(5)-(6): a program that does any of these must have each such function described
# clearly and prominently, apart from any licence: its nature, purpose and foreseeable impact.
CAPABILITY_DISCLOSURES: tuple[tuple[str, str, str], ...] = (
    (
        "collects_personal_information",
        "Collects personal information",
        "This program can collect personal information stored on, or typed into, the computers it runs on — "
        "for example user names, email addresses, device and usage details, and the names and contents of "
        "files — and send it to the provider's systems. It does so to let the provider monitor, support and "
        "protect those computers. Foreseeable impact: information about the people who use the computers leaves "
        "them and is held by the provider.",
    ),
    (
        "changes_settings_or_data",
        "Changes settings or data",
        "This program can change settings, preferences, commands and data on the computers it runs on without "
        "asking the user each time — for example installing updates, changing security settings, running "
        "scripts, or quarantining or deleting files. It does so to keep the computers maintained and secure. "
        "Foreseeable impact: a change can alter how a computer or another program behaves, restart the "
        "computer, or remove a file someone wanted.",
    ),
    (
        "communicates_with_other_systems",
        "Communicates with other computer systems",
        "This program makes the computers it runs on communicate with other computer systems — the provider's "
        "servers and the publisher's cloud service — over the internet, without the user starting it. It does "
        "so to report status, receive instructions and download updates. Foreseeable impact: it uses network "
        "capacity and sends data about the computer to those systems.",
    ),
    (
        "allows_remote_access",
        "Allows remote access",
        "This program lets the provider's staff connect to and control the computers it runs on from another "
        "place, and it can be activated by the provider without the user doing anything. It does so to give "
        "support and fix problems remotely. Foreseeable impact: while connected, someone outside the building "
        "can see the screen, use the computer and reach its files.",
    ),
)


def consent_sought_because(*, practice_name: str, client_name: str) -> str:
    """Why the consent is asked for, in the words every consent request and record uses."""
    return (
        f"Canada's Anti-Spam Legislation (CASL, section 8) requires the express consent of the owner or "
        f"authorised user of a computer before anyone installs a computer program on it. {practice_name} seeks "
        f"the consent of {client_name} because it needs to install this program on {client_name}'s computers "
        f"to provide the managed IT services it is engaged for."
    )


class Software(models.Model):
    """An agent or tool the MSP installs, or wants to install, on the client's computers (CASL)."""

    class InstallStatus(models.TextChoices):
        PLANNED = "planned", "Planned"
        INSTALLED = "installed", "Installed"
        REMOVED = "removed", "Removed"

    class ConsentStatus(models.TextChoices):
        NONE = "none", "Not requested"
        REQUESTED = "requested", "Requested"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="software")
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200)
    function_and_purpose = models.TextField()
    collects_personal_information = models.BooleanField(default=False)
    changes_settings_or_data = models.BooleanField(default=False)
    communicates_with_other_systems = models.BooleanField(default=False)
    allows_remote_access = models.BooleanField(default=False)
    install_status = models.CharField(max_length=16, choices=InstallStatus.choices, default=InstallStatus.PLANNED)
    consent_status = models.CharField(max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.NONE)
    consent_by_agreement = models.ForeignKey(
        ServiceAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consented_software",
        help_text="An agreement whose consent clause names this software counts as consent.",
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="software_name_unique_per_client"),
        ]

    def __str__(self) -> str:
        return self.name

    def disclosures(self) -> list[tuple[str, str]]:
        """(label, enhanced disclosure) for each capability this program has."""
        return [(label, text) for field, label, text in CAPABILITY_DISCLOSURES if getattr(self, field)]


class ConsentWithdrawalToken(models.Model):
    """The personal link that withdraws consent to one program (CASL: withdrawal must be easy).

    One per program, signing request and email that carries it (`slot`: the request email, the
    signed copy's email). Only a SHA-256 of the token is stored: the token is made when that email
    is sent (clients.services.withdrawal_links_mint) and exists only in the message; a re-send
    makes a new one and the old link stops working.
    """

    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="withdrawal_tokens")
    issued_for = models.UUIDField(help_text="The signing request the link was issued with.")
    slot = models.CharField(max_length=20, default="request", help_text="Which email of the request carries it.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["software", "issued_for", "slot"], name="withdrawaltoken_once_per_request_email"
            ),
        ]

    def __str__(self) -> str:
        return f"withdrawal link for software {self.software_id}"


class LitigationHold(models.Model):
    """A hold on everything recorded about a client while a dispute or litigation is pending:
    while it is active, no contact of the client can be erased and the daily purge leaves the
    client's signed records alone. Placed and released by a manager or an admin, with a reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="litigation_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            # The erase page and the purge ask "is there an active hold?": one per client at most.
            models.UniqueConstraint(
                fields=["client"], condition=Q(released_at__isnull=True), name="litigationhold_one_active_per_client"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="litigationhold_release_complete",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="litigationhold_reason_given"),
        ]

    def __str__(self) -> str:
        return f"Litigation hold on {self.client} since {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ImportBatch(models.Model):
    """One uploaded CSV file of clients or contacts: checked first (a preview of what each row
    would do, with every error), then applied in one transaction, or not at all."""

    class Kind(models.TextChoices):
        CLIENTS = "clients", "Clients (companies)"
        CONTACTS = "contacts", "Contacts"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked: ready to apply"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

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
    counts = models.JSONField(default=dict, blank=True, help_text="Rows per action: create, update, ...")
    rows = models.JSONField(default=list, blank=True, help_text="The preview: what each row does, and why not.")
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
