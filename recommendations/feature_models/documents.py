"""The sealed documents the practice issues (a completed request's record, an offboarding letter),
and the record of each timestamp renewal."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clients.models import Client

# What each seal level proves, for the document's evidence appendix and every page that shows a
# document, in the reader's language (a document's is its record's). One text per level (the
# product says which level each document has). Nothing stores it: a record quotes it as it renders.
SEAL_LEVEL_TEXT: dict[str, Promise] = {
    "B-B": _(
        "PAdES B-B: sealed with the Practice's certificate, which shows whether the file changed after "
        "sealing. The time of sealing is the Practice's own server clock; no independent "
        "time-stamping authority vouches for it."
    ),
    "B-T": _(
        "PAdES B-T: sealed with the Practice's certificate and timestamped by an independent RFC 3161 "
        "time-stamping authority, which vouches for the time of sealing."
    ),
    "B-LTA": _(
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
        WAIVER = "waiver", _("Risk acceptance and waiver")
        CONFIRMATION = "confirmation", _("Confirmation of acceptance")
        CONSENT = "consent", _("Record of consent")
        OFFBOARDING = "offboarding", _("Offboarding notice")

    class EvidenceLevel(models.TextChoices):
        B_B = "B-B", _("PAdES B-B")
        B_T = "B-T", _("PAdES B-T")
        B_LTA = "B-LTA", _("PAdES B-LTA")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_id = models.CharField(max_length=40, unique=True)
    request = models.OneToOneField(
        "recommendations.DecisionRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    letter = models.OneToOneField(
        "recommendations.OffboardingLetter", null=True, blank=True, on_delete=models.PROTECT, related_name="document"
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
        return str(SEAL_LEVEL_TEXT[self.evidence_level])


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
