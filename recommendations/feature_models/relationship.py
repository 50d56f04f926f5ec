"""A condition of keeping a client, tracked until met or overdue."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RelationshipCondition(models.Model):
    """One condition of a "continue with conditions" decision, followed up until met.

    The daily sweep (recommendations/relationship/conditions.py) closes a condition whose linked
    recommendations are all implemented, and marks one past its due date overdue, once."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        "clients.RelationshipDecision", on_delete=models.CASCADE, related_name="tracked_conditions"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="relationship_conditions")
    what = models.CharField(_("Condition"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("Due"))
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


class OffboardingLetter(models.Model):
    """The notice that the practice ends its service to a client, issued after an "offboard"
    relationship decision. Everything the letter says is frozen in `snapshot` when it is issued
    (relationship/offboarding.py); its sealed PDF (a WaiverDocument) is rendered from that, never
    from the live rows. Issuing again makes a new letter."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="offboarding_letters")
    decision = models.ForeignKey(
        "clients.RelationshipDecision", on_delete=models.PROTECT, related_name="offboarding_letters"
    )
    # The addressee as chosen; the letter prints the name and address frozen in the snapshot.
    addressee = models.ForeignKey(
        "clients.Contact", null=True, on_delete=models.SET_NULL, related_name="offboarding_letters"
    )
    letter_date = models.DateField()
    effective_on = models.DateField(_("Service ends on"))
    snapshot = models.TextField(help_text=_("Canonical JSON of everything the letter says."))
    # SHA-256 of `snapshot`, printed in the letter and recorded in the audit chain.
    content_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gt=F("letter_date")), name="offboardingletter_ends_after_letter"
            ),
        ]
        indexes = [
            # the client page lists a client's letters, newest first
            models.Index(fields=["client", "-issued_at"], name="offboarding_client_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.document_id


class OffboardingLetterSending(models.Model):
    """One emailing of a letter's sealed PDF to its addressee; a re-send is another row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter = models.ForeignKey(OffboardingLetter, on_delete=models.PROTECT, related_name="sendings")
    # Who it went to is read from the contact and the outbox row, which erasure anonymises.
    recipient = models.ForeignKey(
        "clients.Contact", null=True, on_delete=models.SET_NULL, related_name="offboarding_letters_received"
    )
    email = models.OneToOneField("mail.OutboundEmail", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.letter} sent {self.sent_at:%Y-%m-%d}"
