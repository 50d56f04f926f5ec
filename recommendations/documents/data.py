"""The plain data a document is rendered from; a selector fills it in, the renderer reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

DocumentKind = Literal["waiver", "confirmation", "consent"]


@dataclass(frozen=True)
class PracticeLetterhead:
    legal_name: str
    mailing_address: str
    email: str
    phone: str
    website: str
    logo_png: bytes | None = None


@dataclass(frozen=True)
class AgreementTerms:
    reference: str
    effective_date: date | None
    scope: str
    responsibilities: str
    exclusions: str


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


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    at: datetime


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
    # What the seal the file is about to receive proves (its PAdES level), for the evidence appendix.
    seal_statement: str = ""
