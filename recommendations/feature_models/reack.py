"""The re-acknowledgment ladder's ledger: one row per step taken."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class ReackStep(models.Model):
    """The re-acknowledgment ledger: one row per step done, per item and cycle (or per request).

    A step is claimed by inserting its row in the same transaction as what it causes (an email,
    a status change): the unique constraints let exactly one sweep win, however often or
    concurrently the sweep runs. `cycle` is the refusal's valid-until date, so a re-signed
    refusal starts a new cycle; for request steps it is the day the request was sent.
    """

    class Step(models.TextChoices):
        HEADS_UP_30 = "heads_up_30", _("Heads-up 30 days before")
        HEADS_UP_7 = "heads_up_7", _("Heads-up 7 days before")
        HEADS_UP_1 = "heads_up_1", _("Heads-up 1 day before")
        REACK_REQUEST = "reack_request", _("Re-acknowledgment request sent")
        REQUEST_REMINDER_3 = "request_reminder_3", _("Reminder after 3 days")
        REQUEST_REMINDER_7 = "request_reminder_7", _("Reminder after 7 days")
        REQUEST_EXPIRED = "request_expired", _("Request expired")
        LAPSED = "lapsed", _("Lapsed")
        ESCALATED = "escalated", _("Escalated to the vCIO and managers")
        SIGNATORY_GONE = "signatory_gone", _("vCIO asked to choose another signatory")
        BASIS_REACK = "basis_reack", _("Re-acknowledgment request sent: basis changed")

    # Steps for a refusal carry the recommendation; steps for a request only the request.
    # A reack_request step carries both: the refusal it is for and the request it produced.
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", null=True, blank=True, on_delete=models.CASCADE, related_name="reack_steps"
    )
    request = models.ForeignKey(
        "recommendations.DecisionRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="reack_steps"
    )
    cycle = models.DateField()
    # Not limited to the choices above: the heads-up and reminder ladders are practice settings,
    # so a practice warning 60 days ahead records heads_up_60.
    step = models.CharField(max_length=32)
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False) | Q(request__isnull=False),
                name="reackstep_has_subject",
            ),
            models.UniqueConstraint(
                fields=["recommendation", "cycle", "step"],
                condition=Q(recommendation__isnull=False),
                name="reackstep_once_per_item_cycle_step",
            ),
            models.UniqueConstraint(
                fields=["request", "step"],
                condition=Q(recommendation__isnull=True, request__isnull=False),
                name="reackstep_once_per_request_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.cycle})"

    @property
    def step_label(self) -> str:
        return step_label(self.step)


def step_label(step: str) -> str:
    """Human label of a ledger step, including ladder rungs a practice configured itself."""
    if step in ReackStep.Step.values:
        return ReackStep.Step(step).label
    kind, _sep, days = step.rpartition("_")
    if kind == "heads_up" and days.isdigit():
        return ngettext("Heads-up {days} day before", "Heads-up {days} days before", int(days)).format(days=days)
    if kind == "request_reminder" and days.isdigit():
        return ngettext("Reminder after {days} day", "Reminder after {days} days", int(days)).format(days=days)
    return step.replace("_", " ").capitalize()
