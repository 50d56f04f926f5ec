"""Decision requests: the envelope, its items, the signature and the signed decisions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionRequest(models.Model):
    """A signing envelope: one signatory, one or more items, a personal link (SPEC section 3)."""

    class Purpose(models.TextChoices):
        # Not marked for translation: the label is frozen into the signing snapshot (evidence).
        DECISION = "decision", "Decision"
        REACKNOWLEDGMENT = "reacknowledgment", "Re-acknowledgment"
        SOFTWARE_CONSENT = "software_consent", "Software-install consent"

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        VOIDED = "voided", _("Voided (content changed)")
        LOCKED = "locked", _("Locked (too many code attempts)")

    OPEN_STATUSES = ("sent", "viewed")

    # The purpose as the staff pages show it, in the reader's language (the choices' English
    # labels stay as they are: they are frozen into the snapshot).
    PURPOSE_LABELS = {
        Purpose.DECISION: pgettext_lazy("signing purpose", "Decision"),
        Purpose.REACKNOWLEDGMENT: pgettext_lazy("signing purpose", "Re-acknowledgment"),
        Purpose.SOFTWARE_CONSENT: pgettext_lazy("signing purpose", "Software-install consent"),
    }
    REQUEST_TITLES = {
        Purpose.DECISION: _("Decision request"),
        Purpose.REACKNOWLEDGMENT: _("Re-acknowledgment request"),
        Purpose.SOFTWARE_CONSENT: _("Software-install consent request"),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="decision_requests")
    signatory = models.ForeignKey("clients.Contact", on_delete=models.PROTECT, related_name="decision_requests")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.DECISION)
    message = models.TextField(blank=True)
    # Only a SHA-256 of the link token is stored: the token is made when the email is sent
    # (signing.link.signing_link_mint) and exists only in the message handed to the mail server.
    token_hash = models.CharField(max_length=64, unique=True)
    # SHA-256 of `snapshot`: what the signer is shown, frozen at send (signing/snapshot.py).
    # Requests sent before snapshots hold a hash over their items' texts instead.
    content_hash = models.CharField(max_length=64)
    snapshot = models.TextField(blank=True, help_text=_("Canonical JSON of everything the signer is shown."))
    agreement_version = models.ForeignKey(
        "clients.AgreementVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_requests",
        help_text=_("The version of the service agreement the request quoted."),
    )
    disclosure_version = models.CharField(max_length=20)
    # The language it was sent in: the signatory's at the time (the snapshot holds both languages' texts).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    viewed_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_sends = models.PositiveSmallIntegerField(default=0)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_verified_at = models.DateTimeField(null=True, blank=True)
    # Where the latest one-time code was emailed and the Message-ID of that email: the evidence
    # that the code reached the signatory's address (set when the code is made, at send time).
    code_sent_to = models.EmailField(blank=True)
    code_message_id = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it expired, was revoked, voided or locked.")
    )
    close_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["sent", "viewed", "completed", "expired", "revoked", "voided", "locked"]),
                name="decisionrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False, code_verified_at__isnull=False),
                name="decisionrequest_completed_is_verified",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=F("sent_at")), name="decisionrequest_expires_after_sent"),
        ]
        indexes = [
            # open requests per client (client page, voiding on edit) and unsigned-for-N-days (dashboard)
            models.Index(fields=["client", "status"], name="decreq_client_status_idx"),
            models.Index(fields=["status", "sent_at"], name="decreq_status_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} request to {self.signatory_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @classmethod
    def live(cls, prefix: str = "") -> Q:
        """Requests whose link still works, judged now: open and not past their expiry. The daily
        sweep marks dead links expired later; pages and the send form must not wait for it."""
        return Q(**{f"{prefix}status__in": cls.OPEN_STATUSES, f"{prefix}expires_at__gt": timezone.now()})

    @property
    def link_expired(self) -> bool:
        """Open by its stored status, but its link has expired and the sweep has not yet run."""
        return self.is_open and self.expires_at <= timezone.now()

    @property
    def purpose_label(self) -> str:
        return str(self.PURPOSE_LABELS.get(self.purpose, self.get_purpose_display()))

    @property
    def request_title(self) -> str:
        return str(self.REQUEST_TITLES.get(self.purpose, self.get_purpose_display()))

    @property
    def status_label(self) -> str:
        return str(self.Status.EXPIRED.label) if self.link_expired else self.get_status_display()


class RequestItem(models.Model):
    """One thing the signatory decides in a request: a recommendation, or a piece of software."""

    request = models.ForeignKey(DecisionRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", null=True, blank=True, on_delete=models.PROTECT, related_name="request_items"
    )
    software = models.ForeignKey(
        "clients.Software", null=True, blank=True, on_delete=models.PROTECT, related_name="request_items"
    )
    content_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, software__isnull=True)
                | Q(recommendation__isnull=True, software__isnull=False),
                name="requestitem_exactly_one_subject",
            ),
            models.UniqueConstraint(fields=["request", "position"], name="requestitem_position_unique"),
            models.UniqueConstraint(
                fields=["request", "recommendation"],
                condition=Q(recommendation__isnull=False),
                name="requestitem_recommendation_once",
            ),
        ]

    def __str__(self) -> str:
        return f"item {self.position} of request {self.request_id}"


class Signature(models.Model):
    """The signing ceremony's evidence, one per completed request. Never updated."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn by hand")
        # The typed name, drawn by RiskReg in a handwriting font, adopted as the signature
        # (keyboard and screen-reader users cannot draw).
        TYPED = "typed", _("Typed name adopted as signature")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(DecisionRequest, on_delete=models.PROTECT, related_name="signature")
    typed_name = models.CharField(max_length=200)
    typed_title = models.CharField(max_length=200)
    signer_email = models.EmailField()
    signature_png = models.BinaryField()
    signature_sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.DRAWN)
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=20)
    intent_text = models.TextField()
    intent_version = models.CharField(max_length=20)
    ip_address = models.GenericIPAddressField()
    user_agent = models.TextField()
    signer_timezone = models.CharField(max_length=64)
    code_verified_at = models.DateTimeField()
    # The verified code's delivery: the address it was emailed to and that email's Message-ID.
    code_sent_to = models.EmailField(blank=True)
    code_message_id = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField()
    # The language the signer read and signed in (they may switch from the one it was sent in), and,
    # for a Quebec client signing in English, their express choice of English: {"version", "text",
    # "chosen_at"} (Charter of the French Language s. 55); null when none was needed.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    english_choice = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(method__in=["drawn", "typed"]), name="signature_method_valid"),
        ]

    def __str__(self) -> str:
        return f"signature on request {self.request_id}"


class Decision(models.Model):
    """The signatory's answer on one item. Immutable once made."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accepted")
        REFUSE = "refuse", _("Refused")
        CONSENT_GIVEN = "consent_given", _("Consent given")
        CONSENT_REFUSED = "consent_refused", _("Consent refused")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(DecisionRequest, on_delete=models.PROTECT, related_name="decisions")
    item = models.OneToOneField(RequestItem, on_delete=models.PROTECT, related_name="decision")
    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    valid_until = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "item__position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="refuse") | (Q(valid_until__isnull=False) & ~Q(reason="")),
                name="decision_refusal_has_reason_and_valid_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (item {self.item_id})"
