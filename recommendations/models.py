import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client
from recommendations.feature_models.briefing import Briefing
from recommendations.feature_models.documents import SEAL_LEVEL_TEXT, DocumentRenewal, WaiverDocument
from recommendations.feature_models.reack import ReackStep, step_label
from recommendations.feature_models.relationship import (
    OffboardingLetter,
    OffboardingLetterSending,
    RelationshipCondition,
)
from recommendations.feature_models.signing import Decision, DecisionRequest, RequestItem, Signature
from recommendations.risk.scoring import risk_level

RISK_LEVEL_LABELS = {
    "very_low": "Very low",
    "low": "Low",
    "moderate": "Moderate",
    "high": "High",
    "critical": "Critical",
}
# The same levels as pages show them; RISK_LEVEL_LABELS stays English (signing snapshots quote it).
RISK_LEVEL_NAMES = {
    "very_low": pgettext_lazy("risk level", "Very low"),
    "low": pgettext_lazy("risk level", "Low"),
    "moderate": pgettext_lazy("risk level", "Moderate"),
    "high": pgettext_lazy("risk level", "High"),
    "critical": pgettext_lazy("risk level", "Critical"),
}
# The client-facing texts of a control or recommendation that have a French version (`<name>_fr`).
TRANSLATED_TEXTS = ("title", "description", "why_it_matters", "consequences")
ONE_TO_FIVE = Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5)


class Control(models.Model):
    class Category(models.TextChoices):
        IDENTITY = "identity", _("Identity and access")
        DATA_PROTECTION = "data_protection", _("Data protection and backup")
        ENDPOINT = "endpoint", _("Endpoint security")
        NETWORK = "network", _("Network security")
        EMAIL = "email", _("Email security")
        PEOPLE = "people", _("People and awareness")
        OPERATIONS = "operations", _("Operations and monitoring")
        GOVERNANCE = "governance", _("Governance and resilience")
        VENDOR = "vendor", _("Vendors and third parties")

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=120)
    category = models.CharField(max_length=32, choices=Category.choices)
    description = models.TextField(_("What it is"))
    why_it_matters = models.TextField()
    consequences = models.TextField(_("What can happen if it is refused"))
    default_likelihood = models.PositiveSmallIntegerField()
    default_impact = models.PositiveSmallIntegerField()
    # The same texts in Canadian French (blank: not translated, the English text is shown).
    title_fr = models.CharField(_("Title (French)"), max_length=120, blank=True)
    description_fr = models.TextField(_("What it is (French)"), blank=True)
    why_it_matters_fr = models.TextField(_("Why it matters (French)"), blank=True)
    consequences_fr = models.TextField(_("What can happen if it is refused (French)"), blank=True)
    nist_csf = models.CharField(_("NIST CSF 2.0"), max_length=120, blank=True)
    cis_controls = models.CharField(_("CIS Controls v8"), max_length=120, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    default_likelihood__gte=1, default_likelihood__lte=5, default_impact__gte=1, default_impact__lte=5
                ),
                name="control_defaults_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def default_level(self) -> str:
        return risk_level(self.default_likelihood, self.default_impact)


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Recommendation(models.Model):
    Priority = Priority

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PRESENTED = "presented", _("Presented")
        ACCEPTED = "accepted", _("Accepted")
        IMPLEMENTED = "implemented", _("Implemented")
        REFUSED = "refused", _("Refused")
        DEFERRED = "deferred", _("Deferred")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Lapsed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recommendations")
    control = models.ForeignKey(
        Control, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(_("What it is"))
    why_it_matters = models.TextField()
    consequences = models.TextField(_("What can happen without it"))
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    inherent_risk = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # The client-facing texts in Canadian French, for a signer reading French; blank falls back to English.
    title_fr = models.CharField(_("Title (French)"), max_length=200, blank=True)
    description_fr = models.TextField(_("What it is (French)"), blank=True)
    why_it_matters_fr = models.TextField(_("Why it matters (French)"), blank=True)
    consequences_fr = models.TextField(_("What can happen without it (French)"), blank=True)
    rationale = models.TextField(_("Why for this client"), blank=True)
    # Money in integer cents, so a quarter's budget is an exact sum (issue 23); None = to be quoted.
    one_time_cost_cents = models.PositiveBigIntegerField(_("One-time cost (cents)"), null=True, blank=True)
    recurring_monthly_cost_cents = models.PositiveBigIntegerField(
        _("Recurring monthly cost (cents)"), null=True, blank=True
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    # The first day of the fiscal quarter it is planned for (roadmap/quarters.py); None = not scheduled.
    target_quarter = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # End of the current signed refusal; set with every refusal, kept when it lapses.
    valid_until = models.DateField(null=True, blank=True)
    # Set when what the client signed a refusal against got worse after signing (the risk raised,
    # the client's multiplier raised, the agreement's exclusions changed): the refusal no longer
    # covers the risk until it is signed again. Cleared by the next decision on the item.
    basis_changed_on = models.DateField(null=True, blank=True)
    basis_changed_reason = models.CharField(max_length=200, blank=True)
    # Bumped on every edit of the client-facing text, so a signing request can tell it is stale.
    content_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-inherent_risk", "title"]
        constraints = [
            models.CheckConstraint(condition=ONE_TO_FIVE, name="recommendation_likelihood_impact_one_to_five"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "presented",
                        "accepted",
                        "implemented",
                        "refused",
                        "deferred",
                        "withdrawn",
                        "lapsed",
                    ]
                ),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["refused", "lapsed"]) | Q(valid_until__isnull=False),
                name="recommendation_refusal_has_valid_until",
            ),
            models.CheckConstraint(condition=Q(priority__in=[1, 2, 3]), name="recommendation_priority_valid"),
        ]
        indexes = [
            # client detail and scoring read one client's items by status; the dashboard's next
            # refusal due per client (MIN of valid_until) is answered from the index alone
            models.Index(fields=["client", "status", "valid_until"], name="rec_client_status_valid_idx"),
            # refusals coming due across the portfolio: the sweep's windows, and the dashboard's
            # due counts, which read client_id from the index alone instead of 30,000 table rows
            models.Index(fields=["status", "valid_until", "client"], name="rec_status_valid_client_idx"),
            # the portfolio budget pipeline sums planned items by target quarter across clients
            models.Index(fields=["target_quarter", "status"], name="rec_quarter_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level(self) -> str:
        return risk_level(self.likelihood, self.impact)

    @property
    def level_label(self) -> str:
        return RISK_LEVEL_LABELS[self.level]

    @property
    def level_name(self) -> str:
        """The level in the reader's language, for pages."""
        return str(RISK_LEVEL_NAMES[self.level])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def text_in(self, language: str) -> dict[str, str]:
        """The four client-facing texts in `language`; a French text left blank falls back to English."""
        english = {name: getattr(self, name) for name in TRANSLATED_TEXTS}
        if not language.startswith("fr"):
            return english
        return {name: getattr(self, f"{name}_fr").strip() or text for name, text in english.items()}

    @property
    def estimated_cost(self) -> Decimal | None:
        """The one-time cost in the currency unit, as the signer is shown it."""
        cents = self.one_time_cost_cents
        return None if cents is None else Decimal(cents).scaleb(-2)

    @property
    def recurring_monthly_cost(self) -> Decimal | None:
        cents = self.recurring_monthly_cost_cents
        return None if cents is None else Decimal(cents).scaleb(-2)


EDITABLE_STATUSES = {Recommendation.Status.DRAFT, Recommendation.Status.PRESENTED, Recommendation.Status.DEFERRED}

# Which states each named transition may start from.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "present": ({Recommendation.Status.DRAFT, Recommendation.Status.DEFERRED}, Recommendation.Status.PRESENTED),
    "defer": ({Recommendation.Status.PRESENTED}, Recommendation.Status.DEFERRED),
    "accept": (
        {Recommendation.Status.PRESENTED, Recommendation.Status.REFUSED, Recommendation.Status.LAPSED},
        Recommendation.Status.ACCEPTED,
    ),
    "refuse": (
        {Recommendation.Status.PRESENTED, Recommendation.Status.REFUSED, Recommendation.Status.LAPSED},
        Recommendation.Status.REFUSED,
    ),
    "implement": (
        {
            Recommendation.Status.PRESENTED,
            Recommendation.Status.ACCEPTED,
            Recommendation.Status.DEFERRED,
            Recommendation.Status.REFUSED,
            Recommendation.Status.LAPSED,
        },
        Recommendation.Status.IMPLEMENTED,
    ),
    "withdraw": (
        {
            Recommendation.Status.DRAFT,
            Recommendation.Status.PRESENTED,
            Recommendation.Status.ACCEPTED,
            Recommendation.Status.DEFERRED,
            Recommendation.Status.REFUSED,
            Recommendation.Status.LAPSED,
        },
        Recommendation.Status.WITHDRAWN,
    ),
    "lapse": ({Recommendation.Status.REFUSED}, Recommendation.Status.LAPSED),
}
TRANSITION_LABELS = {
    "present": "presented to the client",
    "defer": "deferred",
    "accept": "accepted",
    "refuse": "refused",
    "implement": "marked implemented",
    "withdraw": "withdrawn",
    "lapse": "lapsed",
}
# The same, as a page shows it (TRANSITION_LABELS stays English: audit summaries quote it).
TRANSITION_WORDS = {
    "present": _("presented to the client"),
    "defer": _("deferred"),
    "accept": _("accepted"),
    "refuse": _("refused"),
    "implement": _("marked implemented"),
    "withdraw": _("withdrawn"),
    "lapse": _("lapsed"),
}


class TransitionError(ValidationError):
    pass


def allowed_actions(recommendation: Recommendation) -> list[str]:
    return [name for name, (sources, _) in TRANSITIONS.items() if recommendation.status in sources]


__all__ = [
    "TRANSITIONS",
    "TRANSITION_LABELS",
    "TRANSITION_WORDS",
    "TransitionError",
    "allowed_actions",
    "EDITABLE_STATUSES",
    "ONE_TO_FIVE",
    "RISK_LEVEL_LABELS",
    "RISK_LEVEL_NAMES",
    "SEAL_LEVEL_TEXT",
    "Briefing",
    "Control",
    "Decision",
    "DecisionRequest",
    "DocumentRenewal",
    "OffboardingLetter",
    "OffboardingLetterSending",
    "Priority",
    "ReackStep",
    "Recommendation",
    "RelationshipCondition",
    "RequestItem",
    "Signature",
    "WaiverDocument",
    "step_label",
]
