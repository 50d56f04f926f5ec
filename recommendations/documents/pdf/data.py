"""The plain data a document is rendered from; a selector fills it in, the renderer reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from recommendations.models import WaiverDocument

# The kinds of document the register issues, as its model records them (a TextChoices: plain strings).
DocumentKind = WaiverDocument.Kind
# The name under which a document carries the frozen snapshot of what its signer was shown.
SNAPSHOT_NAME = "signed-content.json"


@dataclass(frozen=True)
class PracticeLetterhead:
    legal_name: str
    mailing_address: str
    email: str
    phone: str
    website: str
    logo_png: bytes | None = None


@dataclass(frozen=True)
class PracticeContact:
    """Where the signer can write to the practice, printed under the e-sign disclosure that refers to it."""

    legal_name: str
    mailing_address: str
    email: str
    phone: str


@dataclass(frozen=True)
class AgreementTerms:
    reference: str
    effective_date: date | None
    scope: str
    responsibilities: str
    exclusions: str
    version: int | None = None


@dataclass(frozen=True)
class DocumentItem:
    """One recommendation (or, for a consent record, one computer program) and its outcome.

    `outcome` is "refused" or "accepted" for decisions, "given" or "refused" for consents.
    Empty strings and `None` are left out of the document rather than printed blank.
    """

    code: str
    title: str
    description: str
    why_it_matters: str
    consequences: str
    risk_level_label: str
    inherent_score: int | None
    outcome: str
    reason: str
    valid_until: date | None = None
    cadence_days: int | None = None
    estimated_cost: str | None = None
    rationale: str = ""
    # The practice's advisor who made the recommendation, and the day it was first presented to the client.
    advisor: str = ""
    first_presented_on: date | None = None


@dataclass(frozen=True)
class SignatureEvidence:
    typed_name: str
    title: str
    email: str
    signed_at: datetime
    signer_timezone: str
    ip_address: str
    user_agent: str
    signature_png: bytes
    code_verified_at: datetime | None = None
    # How the picture was made (Signature.Method's label): drawn, or the typed name adopted.
    method: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the signing, with where it came from when it was the signer's (or the sender's)."""

    label: str
    at: datetime
    ip: str = ""
    user_agent: str = ""
    session: str = ""


@dataclass(frozen=True)
class SenderEvidence:
    """The staff member who sent the request (or the system, for the re-acknowledgment sweep)."""

    name: str
    sent_at: datetime
    ip: str = ""


@dataclass(frozen=True)
class EnglishChoice:
    """A Quebec signer's express choice to be bound by an English document (Charter of the French
    Language): the statement they ticked, its version and when."""

    version: str
    text: str
    chosen_at: datetime


@dataclass(frozen=True)
class DocumentData:
    document_id: str
    kind: DocumentKind
    client_name: str
    practice: PracticeLetterhead
    agreement: AgreementTerms | None
    items: tuple[DocumentItem, ...]
    signature: SignatureEvidence
    timeline: tuple[TimelineEntry, ...]
    content_hash: str
    consent_version: str
    consent_text: str
    intent_text: str
    verification_url: str
    request_id: str = ""
    sender: SenderEvidence | None = None
    intent_version: str = ""
    signature_sha256: str = ""
    code_sent_to: str = ""
    code_message_id: str = ""
    # The frozen snapshot whose SHA-256 is `content_hash`; attached to the PDF when it is sealed.
    # None for a request sent before snapshots were kept (its hash covers its items' texts).
    snapshot_json: str | None = None
    # Printed under the e-sign disclosure; None for a snapshot that did not hold it.
    disclosure_contact: PracticeContact | None = None
    # What the seal the file is about to receive proves (its PAdES level), for the evidence appendix.
    seal_statement: str = ""
    # The language the signer read (the snapshot's), which the document is printed in.
    language: str = "en"
    english_choice: EnglishChoice | None = None
