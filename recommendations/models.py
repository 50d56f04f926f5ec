import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clients.models import Client
from recommendations.risk.scoring import risk_level

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


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Recommendation(models.Model):
    Priority = Priority

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
    # Money in integer cents, so a quarter's budget is an exact sum (issue 23); None = to be quoted.
    one_time_cost_cents = models.PositiveBigIntegerField("One-time cost (cents)", null=True, blank=True)
    recurring_monthly_cost_cents = models.PositiveBigIntegerField(
        "Recurring monthly cost (cents)", null=True, blank=True
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
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

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


class DecisionRequest(models.Model):
    """A signing envelope: one signatory, one or more items, a personal link (SPEC section 3)."""

    class Purpose(models.TextChoices):
        DECISION = "decision", "Decision"
        REACKNOWLEDGMENT = "reacknowledgment", "Re-acknowledgment"
        SOFTWARE_CONSENT = "software_consent", "Software-install consent"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        VIEWED = "viewed", "Viewed"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        VOIDED = "voided", "Voided (content changed)"
        LOCKED = "locked", "Locked (too many code attempts)"

    OPEN_STATUSES = ("sent", "viewed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="decision_requests")
    signatory = models.ForeignKey("clients.Contact", on_delete=models.PROTECT, related_name="decision_requests")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.DECISION)
    message = models.TextField(blank=True)
    # Only a SHA-256 of the link token is stored: the token is made when the email is sent
    # (signing.link.signing_link_mint) and exists only in the message handed to the mail server.
    token_hash = models.CharField(max_length=64, unique=True)
    # SHA-256 of `snapshot`: what the signer is shown, frozen at send (signing/snapshot.py).
    # Requests sent before snapshots hold a hash over their items' texts instead.
    content_hash = models.CharField(max_length=64)
    snapshot = models.TextField(blank=True, help_text="Canonical JSON of everything the signer is shown.")
    agreement_version = models.ForeignKey(
        "clients.AgreementVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_requests",
        help_text="The version of the service agreement the request quoted.",
    )
    disclosure_version = models.CharField(max_length=20)
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
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it expired, was revoked, voided or locked.")
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
    def status_label(self) -> str:
        return str(self.Status.EXPIRED.label) if self.link_expired else self.get_status_display()


class RequestItem(models.Model):
    """One thing the signatory decides in a request: a recommendation, or a piece of software."""

    request = models.ForeignKey(DecisionRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="request_items"
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
        DRAWN = "drawn", "Drawn by hand"
        # The typed name, drawn by RiskReg in a handwriting font, adopted as the signature
        # (keyboard and screen-reader users cannot draw).
        TYPED = "typed", "Typed name adopted as signature"

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

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(method__in=["drawn", "typed"]), name="signature_method_valid"),
        ]

    def __str__(self) -> str:
        return f"signature on request {self.request_id}"


class Decision(models.Model):
    """The signatory's answer on one item. Immutable once made."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        REFUSE = "refuse", "Refused"
        CONSENT_GIVEN = "consent_given", "Consent given"
        CONSENT_REFUSED = "consent_refused", "Consent refused"

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


# What each seal level proves, for the document's evidence appendix and every page that shows a
# document. One text per level (the product says which level each document has).
SEAL_LEVEL_TEXT: dict[str, str] = {
    "B-B": (
        "PAdES B-B: sealed with the Practice's certificate, which shows whether the file changed after "
        "sealing. The time of sealing is the Practice's own server clock; no independent "
        "time-stamping authority vouches for it."
    ),
    "B-T": (
        "PAdES B-T: sealed with the Practice's certificate and timestamped by an independent RFC 3161 "
        "time-stamping authority, which vouches for the time of sealing."
    ),
    "B-LTA": (
        "PAdES B-LTA: sealed with the Practice's certificate, timestamped by an independent RFC 3161 "
        "time-stamping authority (which vouches for the time of sealing), with the certificates and "
        "revocation data needed to check it embedded, and closed by a document timestamp, so it can "
        "be verified after the certificates expire."
    ),
}


class WaiverDocument(models.Model):
    """A sealed PDF the practice issues: the record of a completed request (one per request, so a
    re-run never makes a second), or an offboarding notice letter (one per letter)."""

    class Kind(models.TextChoices):
        WAIVER = "waiver", "Risk acceptance and waiver"
        CONFIRMATION = "confirmation", "Confirmation of acceptance"
        CONSENT = "consent", "Record of consent"
        OFFBOARDING = "offboarding", "Offboarding notice"

    class EvidenceLevel(models.TextChoices):
        B_B = "B-B", "PAdES B-B"
        B_T = "B-T", "PAdES B-T"
        B_LTA = "B-LTA", "PAdES B-LTA"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    request = models.OneToOneField(
        DecisionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    letter = models.OneToOneField(
        "OffboardingLetter", null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to="documents/%Y/%m/")
    # The SHA-256 of the file as issued (the signer's copy); a timestamp renewal adds a DocumentRenewal.
    sha256 = models.CharField(max_length=64, unique=True)
    sealed = models.BooleanField(default=False)
    rendered_at = models.DateTimeField()
    # Documents sealed before trusted timestamps existed were all B-B.
    evidence_level = models.CharField(max_length=8, choices=EvidenceLevel.choices, default=EvidenceLevel.B_B)
    # When the certificate of the newest document timestamp expires: retimestamp_documents renews before then.
    timestamp_expires_at = models.DateTimeField(null=True, blank=True)
    seal_fingerprint = models.CharField(max_length=95, blank=True)

    class Meta:
        ordering = ["-rendered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, letter__isnull=True, kind__in=["waiver", "confirmation", "consent"])
                | Q(request__isnull=True, letter__isnull=False, kind="offboarding"),
                name="document_issued_for_request_or_letter",
            ),
        ]
        indexes = [
            # retimestamp_documents: documents whose last timestamp expires before a date
            models.Index(fields=["timestamp_expires_at"], name="document_ts_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.document_id

    @property
    def client(self) -> Client:
        """The client the document is about (select_related "request__client" and "letter__client")."""
        return self.request.client if self.request_id else self.letter.client

    @property
    def evidence_level_explanation(self) -> str:
        return SEAL_LEVEL_TEXT[self.evidence_level]


class OffboardingLetter(models.Model):
    """The notice that the practice ends its service to a client, issued after an "offboard"
    relationship decision. Everything the letter says is frozen in `snapshot` when it is issued
    (relationship/offboarding.py); its sealed PDF (a WaiverDocument) is rendered from that, never
    from the live rows. Issuing again makes a new letter."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="offboarding_letters")
    decision = models.ForeignKey(
        "clients.RelationshipDecision", on_delete=models.PROTECT, related_name="offboarding_letters"
    )
    # The addressee as chosen; the letter prints the name and address frozen in the snapshot.
    addressee = models.ForeignKey(
        "clients.Contact", null=True, on_delete=models.SET_NULL, related_name="offboarding_letters"
    )
    letter_date = models.DateField()
    effective_on = models.DateField("Service ends on")
    snapshot = models.TextField(help_text="Canonical JSON of everything the letter says.")
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


class DocumentRenewal(models.Model):
    """A document timestamp added to a sealed document (an incremental update): the stored file
    now has this SHA-256, and every earlier version is still the same genuine document."""

    document = models.ForeignKey(WaiverDocument, on_delete=models.PROTECT, related_name="renewals")
    previous_sha256 = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64, unique=True)
    renewed_at = models.DateTimeField()
    timestamp_expires_at = models.DateTimeField()

    class Meta:
        ordering = ["renewed_at"]

    def __str__(self) -> str:
        return f"{self.document} renewed {self.renewed_at:%Y-%m-%d}"


class ReackStep(models.Model):
    """The re-acknowledgment ledger: one row per step done, per item and cycle (or per request).

    A step is claimed by inserting its row in the same transaction as what it causes (an email,
    a status change): the unique constraints let exactly one sweep win, however often or
    concurrently the sweep runs. `cycle` is the refusal's valid-until date, so a re-signed
    refusal starts a new cycle; for request steps it is the day the request was sent.
    """

    class Step(models.TextChoices):
        HEADS_UP_30 = "heads_up_30", "Heads-up 30 days before"
        HEADS_UP_7 = "heads_up_7", "Heads-up 7 days before"
        HEADS_UP_1 = "heads_up_1", "Heads-up 1 day before"
        REACK_REQUEST = "reack_request", "Re-acknowledgment request sent"
        REQUEST_REMINDER_3 = "request_reminder_3", "Reminder after 3 days"
        REQUEST_REMINDER_7 = "request_reminder_7", "Reminder after 7 days"
        REQUEST_EXPIRED = "request_expired", "Request expired"
        LAPSED = "lapsed", "Lapsed"
        ESCALATED = "escalated", "Escalated to the vCIO and managers"
        SIGNATORY_GONE = "signatory_gone", "vCIO asked to choose another signatory"
        BASIS_REACK = "basis_reack", "Re-acknowledgment request sent: basis changed"

    # Steps for a refusal carry the recommendation; steps for a request only the request.
    # A reack_request step carries both: the refusal it is for and the request it produced.
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="reack_steps"
    )
    request = models.ForeignKey(
        DecisionRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="reack_steps"
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
    kind, _, days = step.rpartition("_")
    if kind == "heads_up":
        return f"Heads-up {days} days before"
    if kind == "request_reminder":
        return f"Reminder after {days} days"
    return step.replace("_", " ").capitalize()


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
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relationship_conditions")
    what = models.CharField("Condition", max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("Due")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="relationship_conditions")
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


class Briefing(models.Model):
    """An issued risk briefing: the client-facing PDF of one period, frozen. The file and its
    SHA-256 are written once when it is issued; issuing again makes a new briefing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="briefings")
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.TextField("Personal note", blank=True)
    file = models.FileField(upload_to="briefings/%Y/%m/")
    sha256 = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="briefing_period_ordered"),
        ]
        indexes = [
            # the client page lists a client's briefings, newest first; the schedule reads the latest
            models.Index(fields=["client", "-issued_at"], name="briefing_client_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.document_id
