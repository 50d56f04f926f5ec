import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clients.models import Client
from recommendations.scoring import risk_level

RISK_LEVEL_LABELS = {
    "very_low": "Very low",
    "low": "Low",
    "moderate": "Moderate",
    "high": "High",
    "critical": "Critical",
}
ONE_TO_FIVE = Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5)


class Control(models.Model):
    class Category(models.TextChoices):
        IDENTITY = "identity", "Identity and access"
        DATA_PROTECTION = "data_protection", "Data protection and backup"
        ENDPOINT = "endpoint", "Endpoint security"
        NETWORK = "network", "Network security"
        EMAIL = "email", "Email security"
        PEOPLE = "people", "People and awareness"
        OPERATIONS = "operations", "Operations and monitoring"
        GOVERNANCE = "governance", "Governance and resilience"
        VENDOR = "vendor", "Vendors and third parties"

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=120)
    category = models.CharField(max_length=32, choices=Category.choices)
    description = models.TextField("What it is")
    why_it_matters = models.TextField()
    consequences = models.TextField("What can happen if it is refused")
    default_likelihood = models.PositiveSmallIntegerField()
    default_impact = models.PositiveSmallIntegerField()
    nist_csf = models.CharField("NIST CSF 2.0", max_length=120, blank=True)
    cis_controls = models.CharField("CIS Controls v8", max_length=120, blank=True)
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


class Recommendation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PRESENTED = "presented", "Presented"
        ACCEPTED = "accepted", "Accepted"
        IMPLEMENTED = "implemented", "Implemented"
        REFUSED = "refused", "Refused"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Lapsed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recommendations")
    control = models.ForeignKey(
        Control, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    title = models.CharField(max_length=200)
    description = models.TextField("What it is")
    why_it_matters = models.TextField()
    consequences = models.TextField("What can happen without it")
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    inherent_risk = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    rationale = models.TextField("Why for this client", blank=True)
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # End of the current signed refusal; set with every refusal, kept when it lapses.
    valid_until = models.DateField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="recommendation_cost_not_negative",
            ),
        ]
        indexes = [
            # client detail and scoring read one client's items by status
            models.Index(fields=["client", "status"], name="rec_client_status_idx"),
            # refusals coming due across the portfolio
            models.Index(fields=["status", "valid_until"], name="rec_status_valid_until_idx"),
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
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


EDITABLE_STATUSES = {Recommendation.Status.DRAFT, Recommendation.Status.PRESENTED, Recommendation.Status.DEFERRED}
