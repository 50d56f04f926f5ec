"""Waiver documents: the sealed PDF of a completed request, and checking a copy against the register.

One document per completed request (a database-unique key), so a re-run of the pipeline, a
redelivered task or the periodic sweep never makes a second one. A request with any refusal
gets a waiver (its acceptances listed inside it); one without gets a confirmation; a
software-consent request gets a record of consent.
"""

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from clients.locking import lock_client
from clients.models import PracticeProfile, Software
from clients.services import withdrawal_link_placeholder
from recommendations import webhook_events
from recommendations.documents.pdf import (
    SNAPSHOT_NAME,
    AgreementTerms,
    DocumentData,
    DocumentItem,
    PracticeLetterhead,
    SenderEvidence,
    SignatureEvidence,
    TimelineEntry,
    render_document,
)
from recommendations.models import SEAL_LEVEL_TEXT, Decision, DecisionRequest, Signature, WaiverDocument
from riskreg.audit.chain import audit_append, event_in_place
from riskreg.audit.documents import RENEWED, SEALED, StoredDocument
from riskreg.audit.models import AuditEvent
from riskreg.audit.tasks import admins_notice_enqueue
from riskreg.mail.models import OutboundEmail
from riskreg.mail.secrets import minter
from riskreg.mail.services import email_enqueue
from riskreg.publish import task_publish
from riskreg.seal import (
    Attachment,
    SealError,
    SealStatus,
    certificate_fingerprint,
    last_timestamp_expiry,
    load_sealer,
    seal_pdf,
    sha256_hex,
    validate_seal,
)
from riskreg.seal_certificates import registered_seal_certificates, seal_certificate_record_use
from riskreg.trusted_time import configured_tsa, tsa_trust_roots

logger = logging.getLogger(__name__)

DOCUMENT_ID_PREFIX = "RR"
# Where a rendered document waits until the transaction that records it commits.
PENDING_DIR = "documents/pending"
OUTCOMES = {
    Decision.Outcome.ACCEPT: "accepted",
    Decision.Outcome.REFUSE: "refused",
    Decision.Outcome.CONSENT_GIVEN: "given",
    Decision.Outcome.CONSENT_REFUSED: "refused",
}
TIMELINE_LABELS = {
    "request.sent": "Signing request sent to the signatory",
    "request.viewed": "Signing link opened by the signatory",
    "request.code_sent": "One-time code requested by the signatory",
    "request.code_failed": "Wrong one-time code entered",
    "request.code_verified": "One-time code entered correctly",
    "request.signed": "Decision signed and submitted",
}


# --- the practice seal ------------------------------------------------------------------------


def _passphrase() -> bytes | None:
    return settings.RISKREG_SEAL_PASSPHRASE.encode() or None


def practice_sealer():
    """The practice's signer (raises SealError when the certificate is missing or unreadable)."""
    return load_sealer(settings.RISKREG_SEAL_PKCS12, _passphrase())


def practice_trust_roots() -> list:
    """Every certificate the practice ever sealed with (the register) and the one configured now;
    empty when there is none at all."""
    roots = registered_seal_certificates()
    try:
        current = practice_sealer().signing_cert
    except SealError:
        logger.warning("No usable seal certificate at %s.", settings.RISKREG_SEAL_PKCS12)
        return roots
    known = {certificate_fingerprint(root) for root in roots}
    return roots if certificate_fingerprint(current) in known else [*roots, current]


# --- building the document data ---------------------------------------------------------------


def document_id_for(request: DecisionRequest) -> str:
    """Readable and unique: the year it was signed and the request's database id."""
    return f"{DOCUMENT_ID_PREFIX}-{timezone.localtime(request.completed_at).year}-{request.pk:06d}"


def verification_url(document_id: str = "") -> str:
    url = settings.RISKREG_BASE_URL.rstrip("/") + reverse("verify:page")
    return f"{url}?id={document_id}" if document_id else url


def _letterhead(identity: dict[str, str]) -> PracticeLetterhead:
    """The practice as the signer was shown it (the snapshot); the logo is the one on file."""
    profile = PracticeProfile.load()
    logo = None
    if profile.logo:
        try:
            with profile.logo.open("rb") as handle:
                logo = handle.read()
        except OSError:
            # A lost logo file must not hold up a signed record; the letterhead text still names the practice.
            logger.warning("Practice logo %s is missing; rendering without it.", profile.logo.name)
    return PracticeLetterhead(
        legal_name=identity["legal_name"],
        mailing_address=identity["mailing_address"],
        email=identity["email"],
        phone=identity["phone"],
        website=identity["website"],
        logo_png=logo,
    )


def _agreement(shown: dict[str, Any] | None) -> AgreementTerms | None:
    if shown is None:
        return None
    return AgreementTerms(
        reference=shown["reference"],
        version=shown["version"],
        effective_date=date.fromisoformat(shown["effective_date"]),
        scope=shown["scope"],
        responsibilities=shown["responsibilities"],
        exclusions=shown["exclusions"],
    )


def _recommendation_item(decision: Decision, shown: dict[str, Any], signed_on: date) -> DocumentItem:
    cost = shown["estimated_cost"]
    return DocumentItem(
        code=shown["code"],
        title=shown["title"],
        description=shown["description"],
        why_it_matters=shown["why_it_matters"],
        rationale=shown["rationale"],
        consequences=shown["consequences"],
        risk_level_label=shown["level_label"],
        inherent_score=shown["inherent_risk"],
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
        valid_until=decision.valid_until,
        cadence_days=(decision.valid_until - signed_on).days if decision.valid_until else None,
        estimated_cost=f"{Decimal(cost):,.2f}" if cost is not None else None,
    )


NO_CAPABILITIES = (
    "None of the functions that CASL requires to be disclosed separately: it does not collect personal "
    "information, change settings or data, communicate with other computer systems or allow remote access."
)


def _software_item(
    decision: Decision, shown: dict[str, Any], *, sought_because: str, signer_email: str
) -> DocumentItem:
    """A program as the consent request disclosed it (CASL): function and purpose, why consent is
    sought, each capability's enhanced disclosure and, for a consent given, how to withdraw it.
    The record names where the withdrawal link is rather than print it: a stored document must
    not hold a working link."""
    disclosures = [f"{d['label']}: {d['text']}" for d in shown["disclosures"]] or [NO_CAPABILITIES]
    if decision.outcome == Decision.Outcome.CONSENT_GIVEN:
        disclosures.append(
            "Withdrawing consent: the Client can withdraw this consent at any time, at no cost, with the personal "
            f"withdrawal link emailed to {signer_email} with this record, or by writing to the Practice at the "
            "address above."
        )
    return DocumentItem(
        code="",
        title=f"{shown['name']} ({shown['publisher']})",
        description=shown["function_and_purpose"],
        why_it_matters=sought_because,
        consequences="\n\n".join(disclosures),
        risk_level_label="",
        inherent_score=None,
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
    )


def _request_events(request: DecisionRequest) -> list[AuditEvent]:
    # Filtered by scope first: the audit table's index is (scope, sequence).
    return list(
        AuditEvent.objects.filter(
            scope=request.client.scope,
            object_type="decision_request",
            object_id=str(request.public_id),
            event_type__in=TIMELINE_LABELS,
        ).order_by("sequence")
    )


def _timeline(request: DecisionRequest, events: list[AuditEvent]) -> tuple[TimelineEntry, ...]:
    entries = tuple(
        TimelineEntry(
            TIMELINE_LABELS[event.event_type],
            event.occurred_at,
            ip=event.payload.get("ip", ""),
            user_agent=event.payload.get("user_agent", ""),
            session=event.payload.get("session", ""),
        )
        for event in events
    )
    if entries:
        return entries
    # Requests made without the audited services (imports, old data): the request's own timestamps.
    moments = (
        ("request.sent", request.sent_at),
        ("request.viewed", request.viewed_at),
        ("request.code_sent", request.code_sent_at),
        ("request.code_verified", request.code_verified_at),
        ("request.signed", request.completed_at),
    )
    return tuple(TimelineEntry(TIMELINE_LABELS[key], moment) for key, moment in moments if moment is not None)


def _sender(request: DecisionRequest, events: list[AuditEvent]) -> SenderEvidence:
    sent = next((event for event in events if event.event_type == "request.sent"), None)
    staff = request.created_by
    name = (staff.get_full_name() or staff.get_username()) if staff else "RiskReg, automatically (re-acknowledgment)"
    return SenderEvidence(
        name=name, sent_at=sent.occurred_at if sent else request.sent_at, ip=sent.payload.get("ip", "") if sent else ""
    )


def document_kind_for(decisions: list[Decision]) -> str:
    outcomes = {decision.outcome for decision in decisions}
    if outcomes & {Decision.Outcome.CONSENT_GIVEN, Decision.Outcome.CONSENT_REFUSED}:
        return WaiverDocument.Kind.CONSENT
    if Decision.Outcome.REFUSE in outcomes:
        return WaiverDocument.Kind.WAIVER
    return WaiverDocument.Kind.CONFIRMATION


def document_data_for_request(request: DecisionRequest, *, seal_level: str = "") -> DocumentData:
    """Everything the PDF of a completed request says: what the signer was shown from the
    request's frozen snapshot, what they decided and how from the signed records and the audit
    chain. The query count does not grow with the number of items. `seal_level` is the seal it
    will get, for the appendix."""
    # Here, not at the top: the signing package imports this module to render what it records.
    from recommendations.signing.snapshot import shown_to_signer

    signature: Signature = request.signature
    decisions = list(request.decisions.select_related("item").order_by("item__position"))
    shown = shown_to_signer(request)
    shown_items = {entry["position"]: entry for entry in shown["items"]}
    signed_on = timezone.localdate(signature.signed_at)
    kind = document_kind_for(decisions)
    items = tuple(
        _software_item(
            d,
            shown_items[d.item.position],
            sought_because=shown["sought_because"],
            signer_email=signature.signer_email,
        )
        if d.item.software_id
        else _recommendation_item(d, shown_items[d.item.position], signed_on)
        for d in decisions
    )
    events = _request_events(request)
    document_id = document_id_for(request)
    return DocumentData(
        document_id=document_id,
        kind=kind,
        client_name=shown["client"]["name"],
        practice=_letterhead(shown["practice"]),
        agreement=_agreement(shown.get("agreement")),
        items=items,
        signature=SignatureEvidence(
            typed_name=signature.typed_name,
            title=signature.typed_title,
            email=signature.signer_email,
            signed_at=signature.signed_at,
            signer_timezone=signature.signer_timezone,
            ip_address=signature.ip_address,
            user_agent=signature.user_agent,
            # PostgreSQL hands a BinaryField back as a memoryview.
            signature_png=bytes(signature.signature_png),
            code_verified_at=signature.code_verified_at,
        ),
        timeline=_timeline(request, events),
        content_hash=request.content_hash,
        consent_version=signature.consent_version,
        consent_text=signature.consent_text,
        intent_text=signature.intent_text,
        intent_version=signature.intent_version,
        verification_url=verification_url(document_id),
        request_id=str(request.public_id),
        sender=_sender(request, events),
        signature_sha256=signature.signature_sha256,
        code_sent_to=signature.code_sent_to,
        code_message_id=signature.code_message_id,
        snapshot_json=request.snapshot or None,
        seal_statement=SEAL_LEVEL_TEXT.get(seal_level, ""),
    )


def document_attachments(data: DocumentData) -> list[Attachment]:
    """What a document carries inside it: the frozen snapshot its content hash is the SHA-256 of."""
    if data.snapshot_json is None:
        return []
    return [
        Attachment(
            name=SNAPSHOT_NAME,
            data=data.snapshot_json.encode(),
            mime_type="application/json",
            description="Everything the signatory was shown, frozen when the request was sent; its SHA-256 is the "
            "content hash printed in the evidence appendix.",
        )
    ]


# --- the pipeline -----------------------------------------------------------------------------


def document_render_publish(*, request_id: int) -> None:
    """Queue the rendering of a completed request's document; call it on commit."""
    from recommendations.tasks import render_request_document

    task_publish(
        render_request_document,
        request_id,
        logger=logger,
        on_failure=f"Document for request {request_id} not queued; the document sweep will render it.",
    )


def request_ids_missing_documents(*, completed_before: datetime, limit: int = 100) -> list[int]:
    return list(
        DecisionRequest.objects.filter(
            status=DecisionRequest.Status.COMPLETED, completed_at__lt=completed_before, document__isnull=True
        )
        .order_by("completed_at")
        .values_list("pk", flat=True)[:limit]
    )


def request_document_create(*, request_id: int) -> WaiverDocument | None:
    """Render, seal, store, record and email the document of a completed request, exactly once.

    Not atomic as a whole on purpose: rendering and sealing take a tenth of a second and hold no
    database lock. The insert is what decides: a concurrent run that loses the unique key on the
    request deletes its file and returns the winner's document. Returns None for a request that
    is not (or no longer) completed.
    """
    existing = WaiverDocument.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing
    request = (
        DecisionRequest.objects.select_related("client__vcio", "signature")
        .filter(pk=request_id, status=DecisionRequest.Status.COMPLETED)
        .first()
    )
    if request is None:
        return None
    # With a TSA the seal is B-LTA; a TSA that cannot be reached raises TimestampUnavailable
    # before anything is stored, and the task's retry or the sweep seals it later.
    tsa = configured_tsa()
    level = WaiverDocument.EvidenceLevel.B_LTA if tsa else WaiverDocument.EvidenceLevel.B_B
    data = document_data_for_request(request, seal_level=level)
    sealer = practice_sealer()
    pdf = seal_pdf(
        render_document(data),
        signer=sealer,
        reason=f"Issued by {data.practice.legal_name} as document {data.document_id}",
        tsa=tsa,
        attachments=document_attachments(data),
    )
    document = WaiverDocument(
        document_id=data.document_id,
        request=request,
        kind=data.kind,
        sha256=sha256_hex(pdf),
        sealed=True,
        rendered_at=timezone.now(),
        evidence_level=level,
        timestamp_expires_at=last_timestamp_expiry(pdf) if tsa else None,
        seal_fingerprint=certificate_fingerprint(sealer.signing_cert),
    )
    # Written under a temporary name and given its final one only once the register holds its
    # hash: a process killed inside the transaction leaves a pending file, never a sealed
    # document the register does not know (the sweep removes it).
    pending = default_storage.save(f"{PENDING_DIR}/{data.document_id}.{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    final_name = document.file.field.generate_filename(document, f"{data.document_id}.pdf")
    # A file left at that name (a database restored without its media) is never overwritten.
    document.file.name = default_storage.get_available_name(final_name)
    try:
        with transaction.atomic():
            lock_client(request.client_id)
            document.save()
            seal_certificate_record_use(certificate=sealer.signing_cert)
            # Before _record_and_send's email publishes: the emails attach the final file. Robust: if
            # the rename fails, the emails still go out (an attempt without the file is retried)
            # and the document sweep finishes the rename.
            final = document.file.name
            transaction.on_commit(
                lambda: document_file_finalise(pending_name=pending, final_name=final), robust=True
            )
            _record_and_send(document=document, request=request, data=data)
    except IntegrityError:
        default_storage.delete(pending)
        winner = WaiverDocument.objects.filter(request_id=request_id).first()
        if winner is None:
            raise
        return winner
    except BaseException:
        # Nothing was recorded: the retry or the sweep makes a new document.
        default_storage.delete(pending)
        raise
    return document


def document_file_finalise(*, pending_name: str, final_name: str) -> None:
    """Give a recorded document's file its final name (a copy then a delete, which object
    storage can do too). Idempotent: a file already at the final name (a finalise that ran
    before) is kept."""
    if not default_storage.exists(final_name):
        with default_storage.open(pending_name, "rb") as handle:
            stored = default_storage.save(final_name, handle)
        if stored != final_name:
            raise RuntimeError(f"document file stored as {stored}, expected {final_name}")
    default_storage.delete(pending_name)


def current_sha256(document: WaiverDocument) -> str:
    """The SHA-256 of the document's stored file as the register records it: as sealed, or as its
    latest timestamp renewal left it."""
    latest = document.renewals.order_by("-renewed_at", "-pk").first()
    return latest.sha256 if latest else document.sha256


def pending_document_files_sweep(*, older_than: datetime) -> tuple[int, int]:
    """Finish or remove the files left by renders that stopped half-way; returns (finished, removed).

    A pending file whose document is recorded (the process died after the commit, before the
    rename) is finished when its bytes are the recorded ones; any other pending file older than
    `older_than` is an orphan whose transaction never committed, and is deleted.
    """
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0, 0
    finished = removed = 0
    for name in sorted(names):
        path = f"{PENDING_DIR}/{name}"
        document = WaiverDocument.objects.filter(document_id=name.split(".", 1)[0]).first()
        if document is not None and document.file and not default_storage.exists(document.file.name):
            with default_storage.open(path, "rb") as handle:
                recorded = sha256_hex(handle.read()) == current_sha256(document)
            if recorded:
                document_file_finalise(pending_name=path, final_name=document.file.name)
                finished += 1
                continue
        if default_storage.get_modified_time(path) < older_than:
            default_storage.delete(path)
            removed += 1
    return finished, removed


def _record_and_send(*, document: WaiverDocument, request: DecisionRequest, data: DocumentData) -> None:
    client = request.client
    kind_label = document.get_kind_display()
    audit_append(
        actor=None,
        actor_label="system",
        event_type=SEALED,
        object_type="waiver_document",
        object_id=str(document.public_id),
        scope=client.scope,
        summary=f"{kind_label} {document.document_id} rendered and sealed",
        payload={
            "document_id": document.document_id,
            "request": str(request.public_id),
            "kind": document.kind,
            "sha256": document.sha256,
            "evidence_level": document.evidence_level,
            "seal_certificate": document.seal_fingerprint,
        },
    )
    webhook_events.document_sealed(document, request)
    attachment = {"filename": f"{document.document_id}.pdf", "path": document.file.name, "mimetype": "application/pdf"}
    # The signer's and the vCIO's only emails about a signing: what was decided, with the sealed PDF.
    context = {
        "client_name": client.name,
        "document_id": document.document_id,
        "kind_label": kind_label,
        "verification_url": data.verification_url,
        "sha256": document.sha256,
        "signed_at": data.signature.signed_at,
        "items": data.items,
        "is_consent": document.kind == WaiverDocument.Kind.CONSENT,
        "is_waiver": document.kind == WaiverDocument.Kind.WAIVER,
    }
    send = partial(email_enqueue, kind="signed_document", template="signed_document", scope=client.scope)
    signer_context = {**context, "recipient_name": request.signature.typed_name, "for_staff": False}
    minters = []
    if document.kind == WaiverDocument.Kind.CONSENT:
        # CASL: every consent email carries the way to withdraw it; the links are made as it is sent.
        given = _consents_given(request)
        signer_context["withdrawals"] = [
            {"name": software.name, "url": withdrawal_link_placeholder(position)}
            for position, software in enumerate(given, start=1)
        ]
        if given:
            minters.append(
                minter(
                    "withdrawal_links",
                    issued_for=str(request.public_id),
                    software=[str(software.public_id) for software in given],
                    slot="signed_copy",
                )
            )
    send(
        idempotency_key=f"request:{request.public_id}:document:signer",
        to=[request.signature.signer_email],
        subject=f"Your signed copy: {kind_label.lower()} {document.document_id}",
        context=signer_context,
        attachments=[attachment],
        minters=minters,
        **({"template": "consent_document"} if document.kind == WaiverDocument.Kind.CONSENT else {}),
    )
    vcio = client.vcio
    if vcio and vcio.email:
        send(
            idempotency_key=f"request:{request.public_id}:document:vcio",
            to=[vcio.email],
            subject=f"{client.name}: sealed {kind_label.lower()} {document.document_id}",
            context={
                **context,
                "recipient_name": vcio.get_full_name() or vcio.get_username(),
                "for_staff": True,
                "link_url": settings.RISKREG_BASE_URL.rstrip("/")
                + reverse("register:client_detail", args=[client.public_id]),
            },
            attachments=[attachment],
        )


def _consents_given(request: DecisionRequest) -> list[Software]:
    given = request.decisions.filter(outcome=Decision.Outcome.CONSENT_GIVEN).select_related("item__software")
    return [decision.item.software for decision in given.order_by("item__position")]


# --- verification -----------------------------------------------------------------------------


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
        return SEAL_LEVEL_TEXT.get(level, "")


def stored_documents() -> Iterator[StoredDocument]:
    """Every document the register holds, for the audit chain's document check
    (settings.RISKREG_SEALED_DOCUMENTS)."""
    rows = WaiverDocument.objects.order_by("pk").values_list("public_id", "document_id", "sha256", "file")
    for public_id, document_id, sha256, file_name in rows.iterator():
        yield StoredDocument(
            object_id=str(public_id), label=document_id, recorded_sha256=sha256, storage_name=file_name or ""
        )


def _documents() -> QuerySet[WaiverDocument]:
    return WaiverDocument.objects.select_related("request__client", "request__signature")


def _issued_versions(document: WaiverDocument) -> tuple[str | None, list[str]]:
    """What the audit chain says was issued as this document: the SHA-256 its `document.sealed`
    event recorded, and every version since, one per `document.timestamp_renewed` event that
    follows from a version before it. Only events intact where they stand count."""
    # Filtered by scope first: the audit table's index is (scope, sequence).
    events = AuditEvent.objects.filter(
        scope=document.request.client.scope,
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
        event_type="seal.unregistered_document",
        object_type="pdf",
        object_id=sha256,
        summary="A file sealed with this practice's key but not issued by this register was checked",
        payload={"sha256": sha256, "seal_certificate": seal.certificate_fingerprint, "sealed_at": signed_at},
    )
    notice = admins_notice_enqueue(
        idempotency_key=key,
        kind="unregistered_seal",
        subject="Alarm: a document sealed with this practice's key but not issued by this register",
        heading="Sealed with this practice's key but not issued by this register",
        paragraphs=[
            "A PDF was checked on the verification page (or with verify_waiver) whose seal is valid "
            "and made with one of this practice's seal certificates, but whose contents the audit chain "
            "never recorded as issued.",
            f"SHA-256 of the file: {sha256}",
            f"Seal certificate: {seal.certificate_fingerprint} (“{seal.signer_name}”), sealed {signed_at}.",
            "Either the seal key was used outside RiskReg, to make a document or to re-seal an altered "
            "copy of one (it may be compromised: rotate it and investigate), or a document was removed "
            "from the register. The audit chain records this check.",
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
