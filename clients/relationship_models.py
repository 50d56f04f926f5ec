"""The practice's decision to keep, condition or drop a client."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RelationshipDecision(models.Model):
    """A manager's call on whether to keep a client (SPEC section 1)."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        CONDITIONS = "conditions", _("Continue with conditions")
        OFFBOARD = "offboard", _("Offboard")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="relationship_decisions")
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
