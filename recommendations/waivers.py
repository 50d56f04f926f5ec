"""Waiver documents: the sealed PDF of a completed request, and checking a copy against the register.

One document per completed request (a database-unique key), so a re-run of the pipeline, a
redelivered task or the periodic sweep never makes a second one. A request with any refusal
gets a waiver (its acceptances listed inside it); one without gets a confirmation; a
software-consent request gets a record of consent.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from clients.models import PracticeProfile, ServiceAgreement, Software, consent_sought_because
from clients.selectors import current_agreement, withdrawal_links_for
from recommendations import webhook_events
from recommendations.documents import (
    AgreementTerms,
    DocumentData,
    DocumentItem,
    PracticeLetterhead,
    SignatureEvidence,
    TimelineEntry,
    render_document,
)
from recommendations.models import Decision, DecisionRequest, Recommendation, Signature, WaiverDocument
from riskreg.audit.chain import audit_append
from riskreg.audit.models import AuditEvent
from riskreg.mail.services import email_enqueue
from riskreg.publish import task_publish
from riskreg.seal import SealError, SealStatus, load_sealer, seal_pdf, sha256_hex, validate_seal

logger = logging.getLogger(__name__)

DOCUMENT_ID_PREFIX = "RR"
OUTCOMES = {
    Decision.Outcome.ACCEPT: "accepted",
    Decision.Outcome.REFUSE: "refused",
    Decision.Outcome.CONSENT_GIVEN: "given",
    Decision.Outcome.CONSENT_REFUSED: "refused",
}
TIMELINE_LABELS = {
    "request.sent": "Signing request emailed to the signatory",
    "request.viewed": "Signing link opened by the signatory",
    "request.code_sent": "One-time code emailed to the signatory",
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
    """The certificate a genuine seal was made with; empty when none is configured here."""
    try:
        return [practice_sealer().signing_cert]
    except SealError:
        logger.warning("No usable seal certificate at %s; seals cannot be checked.", settings.RISKREG_SEAL_PKCS12)
        return []


# --- building the document data ---------------------------------------------------------------


def document_id_for(request: DecisionRequest) -> str:
    """Readable and unique: the year it was signed and the request's database id."""
    return f"{DOCUMENT_ID_PREFIX}-{timezone.localtime(request.completed_at).year}-{request.pk:06d}"


def verification_url(document_id: str = "") -> str:
    url = settings.RISKREG_BASE_URL.rstrip("/") + reverse("verify:page")
    return f"{url}?id={document_id}" if document_id else url


def _letterhead() -> PracticeLetterhead:
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
        legal_name=profile.legal_name,
        mailing_address=profile.mailing_address,
        email=profile.email,
        phone=profile.phone,
        website=profile.website,
        logo_png=logo,
    )


def _agreement_at(request: DecisionRequest, signed_at: datetime) -> AgreementTerms | None:
    # The agreement the signer was shown: the current one at the moment of signing, even when the
    # document is rendered later (a broker outage) and a newer agreement has been added since.
    agreement: ServiceAgreement | None = request.client.agreements.filter(created_at__lte=signed_at).order_by(
        "-effective_date"
    ).first() or current_agreement(request.client)
    if agreement is None:
        return None
    return AgreementTerms(
        reference=agreement.reference,
        effective_date=agreement.effective_date,
        scope=agreement.scope,
        responsibilities=agreement.responsibilities,
        exclusions=agreement.exclusions,
    )


def _recommendation_item(decision: Decision, recommendation: Recommendation, signed_on: date) -> DocumentItem:
    cost = recommendation.estimated_cost
    return DocumentItem(
        code=recommendation.control.code if recommendation.control else "",
        title=recommendation.title,
        description=recommendation.description,
        why_it_matters=recommendation.why_it_matters,
        consequences=recommendation.consequences,
        risk_level_label=recommendation.level_label,
        inherent_score=recommendation.likelihood * recommendation.impact,
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
        valid_until=decision.valid_until,
        cadence_days=(decision.valid_until - signed_on).days if decision.valid_until else None,
        estimated_cost=f"{cost:,.2f}" if cost is not None else None,
    )


NO_CAPABILITIES = (
    "None of the functions that CASL requires to be disclosed separately: it does not collect personal "
    "information, change settings or data, communicate with other computer systems or allow remote access."
)


def _software_item(
    decision: Decision, software: Software, *, practice_name: str, client_name: str, withdrawal_url: str
) -> DocumentItem:
    """A program as the consent request disclosed it (CASL): function and purpose, why consent is
    sought, each capability's enhanced disclosure and, for a consent given, how to withdraw it."""
    disclosures = [f"{label}: {text}" for label, text in software.disclosures()] or [NO_CAPABILITIES]
    if decision.outcome == Decision.Outcome.CONSENT_GIVEN:
        how = f"at {withdrawal_url}" if withdrawal_url else "by writing to the Practice at the address above"
        disclosures.append(f"Withdrawing consent: the Client can withdraw this consent at any time, at no cost, {how}.")
    return DocumentItem(
        code="",
        title=f"{software.name} ({software.publisher})",
        description=software.function_and_purpose,
        why_it_matters=consent_sought_because(practice_name=practice_name, client_name=client_name),
        consequences="\n\n".join(disclosures),
        risk_level_label="",
        inherent_score=None,
        outcome=OUTCOMES[decision.outcome],
        reason=decision.reason,
    )


def _timeline(request: DecisionRequest) -> tuple[TimelineEntry, ...]:
    # Filtered by scope first: the audit table's index is (scope, sequence).
    events = AuditEvent.objects.filter(
        scope=request.client.scope,
        object_type="decision_request",
        object_id=str(request.public_id),
        event_type__in=TIMELINE_LABELS,
    ).order_by("sequence")
    entries = tuple(TimelineEntry(TIMELINE_LABELS[event.event_type], event.occurred_at) for event in events)
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


def document_kind_for(decisions: list[Decision]) -> str:
    outcomes = {decision.outcome for decision in decisions}
    if outcomes & {Decision.Outcome.CONSENT_GIVEN, Decision.Outcome.CONSENT_REFUSED}:
        return WaiverDocument.Kind.CONSENT
    if Decision.Outcome.REFUSE in outcomes:
        return WaiverDocument.Kind.WAIVER
    return WaiverDocument.Kind.CONFIRMATION


def document_data_for_request(request: DecisionRequest) -> DocumentData:
    """Everything the PDF of a completed request says, read from the signed records; the query count
    does not grow with the number of items."""
    signature: Signature = request.signature
    decisions = list(
        request.decisions.select_related("item__recommendation__control", "item__software").order_by("item__position")
    )
    signed_on = timezone.localdate(signature.signed_at)
    practice = _letterhead()
    kind = document_kind_for(decisions)
    links = withdrawal_links_for(request.public_id) if kind == WaiverDocument.Kind.CONSENT else {}
    items = tuple(
        _recommendation_item(d, d.item.recommendation, signed_on)
        if d.item.recommendation is not None
        else _software_item(
            d,
            d.item.software,
            practice_name=practice.legal_name,
            client_name=request.client.name,
            withdrawal_url=links.get(d.item.software_id, ""),
        )
        for d in decisions
    )
    document_id = document_id_for(request)
    return DocumentData(
        document_id=document_id,
        kind=kind,
        client_name=request.client.name,
        practice=practice,
        agreement=_agreement_at(request, signature.signed_at),
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
        timeline=_timeline(request),
        content_hash=request.content_hash,
        consent_version=signature.consent_version,
        consent_text=signature.consent_text,
        intent_text=signature.intent_text,
        verification_url=verification_url(document_id),
    )


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
    data = document_data_for_request(request)
    pdf = seal_pdf(
        render_document(data),
        signer=practice_sealer(),
        reason=f"Issued by {data.practice.legal_name} as document {data.document_id}",
    )
    document = WaiverDocument(
        document_id=data.document_id,
        request=request,
        kind=data.kind,
        sha256=sha256_hex(pdf),
        sealed=True,
        rendered_at=timezone.now(),
    )
    document.file.save(f"{data.document_id}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
            _record_and_send(document=document, request=request, data=data)
    except IntegrityError:
        default_storage.delete(document.file.name)
        winner = WaiverDocument.objects.filter(request_id=request_id).first()
        if winner is None:
            raise
        return winner
    except BaseException:
        # Nothing was recorded, so the stored file is an orphan; the retry or the sweep makes a new one.
        default_storage.delete(document.file.name)
        raise
    return document


def _record_and_send(*, document: WaiverDocument, request: DecisionRequest, data: DocumentData) -> None:
    client = request.client
    kind_label = document.get_kind_display()
    audit_append(
        actor=None,
        actor_label="system",
        event_type="document.sealed",
        object_type="waiver_document",
        object_id=str(document.public_id),
        scope=client.scope,
        summary=f"{kind_label} {document.document_id} rendered and sealed",
        payload={
            "document_id": document.document_id,
            "request": str(request.public_id),
            "kind": document.kind,
            "sha256": document.sha256,
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
    if document.kind == WaiverDocument.Kind.CONSENT:
        # CASL: every consent email carries the way to withdraw it.
        signer_context["withdrawals"] = _consent_withdrawals(request)
    send(
        idempotency_key=f"request:{request.public_id}:document:signer",
        to=[request.signature.signer_email],
        subject=f"Your signed copy: {kind_label.lower()} {document.document_id}",
        context=signer_context,
        attachments=[attachment],
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


def _consent_withdrawals(request: DecisionRequest) -> list[dict[str, str]]:
    links = withdrawal_links_for(request.public_id)
    given = request.decisions.filter(outcome=Decision.Outcome.CONSENT_GIVEN).select_related("item__software")
    return [
        {"name": decision.item.software.name, "url": links.get(decision.item.software_id, "")}
        for decision in given.order_by("item__position")
    ]


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the register says about a copy: "match", "mismatch" (a known ID, other bytes) or "unknown"."""

    outcome: str
    document: WaiverDocument | None = None
    seal: SealStatus | None = None
    seal_checked: bool = False

    @property
    def genuine(self) -> bool:
        return self.outcome == "match"


def _documents() -> QuerySet[WaiverDocument]:
    return WaiverDocument.objects.select_related("request__client", "request__signature")


def document_verify_file(*, pdf_bytes: bytes) -> Verification:
    """Look a file up by the SHA-256 of its exact bytes, and check its seal against the practice's certificate."""
    document = _documents().filter(sha256=sha256_hex(pdf_bytes)).first()
    roots = practice_trust_roots()
    seal = validate_seal(pdf_bytes, trust_roots=roots) if roots else None
    return Verification(
        outcome="match" if document else "unknown", document=document, seal=seal, seal_checked=bool(roots)
    )


def document_lookup(*, document_id: str, sha256: str) -> Verification:
    document = _documents().filter(document_id__iexact=document_id.strip()).first()
    if document is None:
        return Verification(outcome="unknown")
    if document.sha256 != sha256.strip().lower():
        return Verification(outcome="mismatch")
    return Verification(outcome="match", document=document)
