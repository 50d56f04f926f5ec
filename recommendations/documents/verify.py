"""Checking a copy against the register: the audit chain decides what was issued."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import PracticeProfile
from recommendations.documents.sealer import practice_trust_roots
from recommendations.models import SEAL_LEVEL_TEXT, WaiverDocument
from riskreg.audit.chain import audit_append, event_in_place
from riskreg.audit.documents import RENEWED, SEALED, StoredDocument
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent
from riskreg.audit.tasks import admins_notice_enqueue
from riskreg.mail.models import OutboundEmail
from riskreg.seal import (
    SealStatus,
    sha256_hex,
    validate_seal,
)
from riskreg.trusted_time import tsa_trust_roots

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    """What the register says about a copy: "match" (the audit chain's `document.sealed` event, or a
    `document.timestamp_renewed` event after it, holds this SHA-256), "mismatch" (a known document,
    other bytes) or "unknown".

    The audit chain decides, not the document's row: an insider who re-seals an altered copy with
    the practice's key and writes its hash into the row still does not get a match, since the
    chain's event keeps the hash of what was issued (`register_altered` then says the row lies)."""

    outcome: str
    document: WaiverDocument | None = None
    seal: SealStatus | None = None
    seal_checked: bool = False
    register_altered: bool = False

    @property
    def genuine(self) -> bool:
        return self.outcome == "match"

    @property
    def sealed_but_not_issued(self) -> bool:
        """A valid seal by one of the practice's certificates on bytes the register did not issue:
        made with the practice's key, outside RiskReg or over an altered copy."""
        return not self.genuine and self.seal is not None and self.seal.valid

    @property
    def level_explanation(self) -> str:
        level = self.seal.level if self.seal and self.seal.sealed else ""
        return str(SEAL_LEVEL_TEXT.get(level, ""))


def stored_documents() -> Iterator[StoredDocument]:
    """Every document the register holds, for the audit chain's document check
    (settings.RISKREG_SEALED_DOCUMENTS)."""
    rows = WaiverDocument.objects.order_by("pk").values_list("public_id", "document_id", "sha256", "file")
    for public_id, document_id, sha256, file_name in rows.iterator():
        yield StoredDocument(
            object_id=str(public_id), label=document_id, recorded_sha256=sha256, storage_name=file_name or ""
        )


def _documents() -> QuerySet[WaiverDocument]:
    return WaiverDocument.objects.select_related("request__client", "request__signature", "letter__client")


def _issued_versions(document: WaiverDocument) -> tuple[str | None, list[str]]:
    """What the audit chain says was issued as this document: the SHA-256 its `document.sealed`
    event recorded, and every version since, one per `document.timestamp_renewed` event that
    follows from a version before it. Only events intact where they stand count."""
    # Filtered by scope first: the audit table's index is (scope, sequence).
    events = AuditEvent.objects.filter(
        scope=document.client.scope,
        event_type__in=(SEALED, RENEWED),
        object_type="waiver_document",
        object_id=str(document.public_id),
    ).order_by("sequence")
    sealed: str | None = None
    versions: list[str] = []
    for event in events:
        if not event_in_place(event):
            continue
        digest = event.payload.get("sha256", "")
        if event.event_type == SEALED and sealed is None:
            sealed = digest
            versions.append(digest)
        elif event.event_type == RENEWED and event.payload.get("sha256_before") in versions:
            versions.append(digest)
    return sealed, versions


def _issued_with(digest: str) -> WaiverDocument | None:
    """The document the chain says was issued (sealed or renewed) as these bytes; its rows may say otherwise."""
    events = AuditEvent.objects.filter(event_type__in=(SEALED, RENEWED), payload__sha256=digest).order_by("sequence")
    for object_id in events.values_list("object_id", flat=True):
        document = _documents().filter(public_id=object_id).first()
        if document is not None and digest in _issued_versions(document)[1]:
            return document
    return None


def _verify_digest(digest: str) -> tuple[str, WaiverDocument | None, bool]:
    # A renewed document is genuine in every version: as issued, and after each added timestamp.
    document = _documents().filter(Q(sha256=digest) | Q(renewals__sha256=digest)).distinct().first()
    if document is not None:
        if digest in _issued_versions(document)[1]:
            return "match", document, False
        # The register lists these bytes but the chain never issued them: a row was rewritten.
        return "mismatch", None, True
    issued = _issued_with(digest)
    if issued is not None:
        # Genuine by the chain, although the register's rows now name other bytes.
        return "match", issued, True
    return "unknown", None, False


def document_verify_file(*, pdf_bytes: bytes) -> Verification:
    """Look a file up by the SHA-256 of its exact bytes in the audit chain, and check its seal
    against every certificate the practice ever sealed with. A valid seal on bytes the chain
    never issued raises the alarm (an audit event and an email to the admins, once per file)."""
    sha256 = sha256_hex(pdf_bytes)
    outcome, document, altered = _verify_digest(sha256)
    roots = practice_trust_roots()
    seal = validate_seal(pdf_bytes, trust_roots=roots, tsa_trust_roots=tsa_trust_roots()) if roots else None
    result = Verification(
        outcome=outcome, document=document, seal=seal, seal_checked=bool(roots), register_altered=altered
    )
    if result.sealed_but_not_issued:
        unregistered_seal_alarm(sha256=sha256, seal=seal)
    return result


@transaction.atomic
def unregistered_seal_alarm(*, sha256: str, seal: SealStatus) -> None:
    """Someone holds a file sealed with the practice's key that the register did not issue: the key
    may be in other hands, or a document was made outside RiskReg. Raised once per file."""
    key = f"unregistered-seal:{sha256}"
    if OutboundEmail.objects.filter(idempotency_key=key).exists():
        return
    signed_at = seal.signed_at.isoformat() if seal.signed_at else "unknown"
    audit_append(
        actor=None,
        actor_label="system",
        event_type=EventType.SEAL_UNREGISTERED_DOCUMENT,
        object_type="pdf",
        object_id=sha256,
        summary="A file sealed with this practice's key but not issued by this register was checked",
        payload={"sha256": sha256, "seal_certificate": seal.certificate_fingerprint, "sealed_at": signed_at},
    )
    # Written for the practice's admins, in the practice's language (not the visitor's).
    with translation.override(PracticeProfile.load().default_language):
        notice = admins_notice_enqueue(
            idempotency_key=key,
            kind="unregistered_seal",
            subject=_("Alarm: a document sealed with this practice's key but not issued by this register"),
            heading=_("Sealed with this practice's key but not issued by this register"),
            paragraphs=[
                _(
                    "A PDF was checked on the verification page (or with verify_waiver) whose seal is valid "
                    "and made with one of this practice's seal certificates, but whose contents the audit chain "
                    "never recorded as issued."
                ),
                _("SHA-256 of the file: %(sha256)s") % {"sha256": sha256},
                _("Seal certificate: %(fingerprint)s (“%(signer)s”), sealed %(sealed_at)s.")
                % {
                    "fingerprint": seal.certificate_fingerprint,
                    "signer": seal.signer_name,
                    "sealed_at": signed_at if seal.signed_at else _("at an unknown time"),
                },
                _(
                    "Either the seal key was used outside RiskReg, to make a document or to re-seal an altered "
                    "copy of one (it may be compromised: rotate it and investigate), or a document was removed "
                    "from the register. The audit chain records this check."
                ),
            ],
        )
    if notice is None:
        logger.error("Unregistered sealed document %s checked, and no admin to tell.", sha256)


def document_lookup(*, document_id: str, sha256: str) -> Verification:
    document = _documents().filter(document_id__iexact=document_id.strip()).first()
    if document is None:
        return Verification(outcome="unknown")
    sealed, versions = _issued_versions(document)
    altered = sealed != document.sha256
    if sha256.strip().lower() not in versions:
        return Verification(outcome="mismatch", register_altered=altered)
    return Verification(outcome="match", document=document, register_altered=altered)
