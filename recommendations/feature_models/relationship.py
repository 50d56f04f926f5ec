"""A condition of keeping a client, tracked until met or overdue."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class RelationshipCondition(models.Model):
    """One condition of a "continue with conditions" decision, followed up until met.

    The daily sweep (recommendations/relationship/conditions.py) closes a condition whose linked
    recommendations are all implemented, and marks one past its due date overdue, once."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        "clients.RelationshipDecision", on_delete=models.CASCADE, related_name="tracked_conditions"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="relationship_conditions")
    what = models.CharField("Condition", max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("Due")
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", blank=True, related_name="relationship_conditions"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(null=True, blank=True)
    # Set once, by the sweep that first found the condition past its due date (and emailed the manager).
    overdue_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "met"]), name="relcondition_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open", met_on__isnull=True) | Q(status="met", met_on__isnull=False),
                name="relcondition_met_on_when_met",
            ),
        ]
        indexes = [
            # the sweep: open conditions by due date
            models.Index(fields=["status", "due_on"], name="relcondition_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.overdue_since is not None
