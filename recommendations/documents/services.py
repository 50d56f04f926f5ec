"""Waiver documents: the sealed PDF of a completed request, and checking a copy against the register.

One document per completed request (a database-unique key), so a re-run of the pipeline, a
redelivered task or the periodic sweep never makes a second one. A request with any refusal
gets a waiver (its acceptances listed inside it); one without gets a confirmation; a
software-consent request gets a record of consent.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from clients.locking import lock_client
from clients.models import Client
from recommendations import webhook_events
from recommendations.documents.emails import signed_copy_emails_enqueue
from recommendations.documents.letters import letter_data
from recommendations.documents.pdf import (
    DocumentData,
    render_document,
)
from recommendations.documents.pdf.offboarding import LETTER_SNAPSHOT_NAME, render_offboarding_letter
from recommendations.documents.sealer import practice_sealer
from recommendations.documents.selectors import document_attachments, document_data_for_request
from recommendations.models import DecisionRequest, OffboardingLetter, WaiverDocument
from riskreg.audit.chain import audit_append
from riskreg.audit.documents import SEALED
from riskreg.seal import (
    Attachment,
    certificate_fingerprint,
    last_timestamp_expiry,
    seal_pdf,
    sha256_hex,
)
from riskreg.seal_certificates import seal_certificate_record_use
from riskreg.trusted_time import TimestampAuthority, configured_tsa

logger = logging.getLogger(__name__)

# Where a rendered document waits until the transaction that records it commits.
PENDING_DIR = "documents/pending"


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
    level = _evidence_level(tsa)
    data = document_data_for_request(request, seal_level=level)
    document, pdf, sealer = _sealed_document(
        render_document(data),
        document_id=data.document_id,
        practice_name=data.practice.legal_name,
        attachments=document_attachments(data),
        tsa=tsa,
        level=level,
        request=request,
        kind=data.kind,
    )
    return _document_record(
        document=document,
        pdf=pdf,
        sealer=sealer,
        client_id=request.client_id,
        on_recorded=lambda: _record_and_send(document=document, request=request, data=data),
        winner=lambda: WaiverDocument.objects.filter(request_id=request_id).first(),
    )


def letter_ids_missing_documents(*, issued_before: datetime, limit: int = 100) -> list[int]:
    return list(
        OffboardingLetter.objects.filter(issued_at__lt=issued_before, document__isnull=True)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )


def letter_document_create(*, letter_id: int) -> WaiverDocument | None:
    """Render the offboarding notice letter from its frozen snapshot, seal, store and record it,
    exactly once (the letter is a unique key of the document table, as a request is). It is
    emailed only when staff send it (relationship/offboarding.py)."""
    existing = WaiverDocument.objects.filter(letter_id=letter_id).first()
    if existing is not None:
        return existing
    letter = OffboardingLetter.objects.select_related("client").filter(pk=letter_id).first()
    if letter is None:
        return None
    tsa = configured_tsa()
    level = _evidence_level(tsa)
    data = letter_data(letter, seal_level=level)
    attachment = Attachment(
        name=LETTER_SNAPSHOT_NAME,
        data=data.snapshot_json.encode(),
        mime_type="application/json",
        description="Everything the letter states, frozen when it was issued; its SHA-256 is printed in the letter.",
    )
    document, pdf, sealer = _sealed_document(
        render_offboarding_letter(data),
        document_id=data.document_id,
        practice_name=data.practice.legal_name,
        attachments=[attachment],
        tsa=tsa,
        level=level,
        letter=letter,
        kind=WaiverDocument.Kind.OFFBOARDING,
    )
    return _document_record(
        document=document,
        pdf=pdf,
        sealer=sealer,
        client_id=letter.client_id,
        on_recorded=lambda: _record_sealed(
            document=document, client=letter.client, issued_for={"letter": str(letter.public_id)}
        ),
        winner=lambda: WaiverDocument.objects.filter(letter_id=letter_id).first(),
    )


def _evidence_level(tsa: TimestampAuthority | None) -> str:
    return WaiverDocument.EvidenceLevel.B_LTA if tsa else WaiverDocument.EvidenceLevel.B_B


def _sealed_document(
    unsealed: bytes,
    *,
    document_id: str,
    practice_name: str,
    attachments: list[Attachment],
    tsa: TimestampAuthority | None,
    level: str,
    **issued_for: Any,
) -> tuple[WaiverDocument, bytes, Any]:
    """Seal a rendered document with the practice's certificate: its unsaved row, its bytes and the sealer."""
    sealer = practice_sealer()
    pdf = seal_pdf(
        unsealed,
        signer=sealer,
        reason=f"Issued by {practice_name} as document {document_id}",
        tsa=tsa,
        attachments=attachments,
    )
    document = WaiverDocument(
        document_id=document_id,
        sha256=sha256_hex(pdf),
        sealed=True,
        rendered_at=timezone.now(),
        evidence_level=level,
        timestamp_expires_at=last_timestamp_expiry(pdf) if tsa else None,
        seal_fingerprint=certificate_fingerprint(sealer.signing_cert),
        **issued_for,
    )
    return document, pdf, sealer


def _document_record(
    *,
    document: WaiverDocument,
    pdf: bytes,
    sealer: Any,
    client_id: int,
    on_recorded: Callable[[], None],
    winner: Callable[[], WaiverDocument | None],
) -> WaiverDocument:
    """Store a sealed document and record it with what follows (`on_recorded`) in one transaction.

    A concurrent run that loses the unique key deletes its file and returns `winner()`."""
    # Written under a temporary name and given its final one only once the register holds its
    # hash: a process killed inside the transaction leaves a pending file, never a sealed
    # document the register does not know (the sweep removes it).
    pending = default_storage.save(f"{PENDING_DIR}/{document.document_id}.{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    final_name = document.file.field.generate_filename(document, f"{document.document_id}.pdf")
    # A file left at that name (a database restored without its media) is never overwritten.
    document.file.name = default_storage.get_available_name(final_name)
    try:
        with transaction.atomic():
            lock_client(client_id)
            document.save()
            seal_certificate_record_use(certificate=sealer.signing_cert)
            # Before on_recorded's emails publish: the emails attach the final file. Robust: if
            # the rename fails, the emails still go out (an attempt without the file is retried)
            # and the document sweep finishes the rename.
            final = document.file.name
            transaction.on_commit(lambda: document_file_finalise(pending_name=pending, final_name=final), robust=True)
            on_recorded()
    except IntegrityError:
        default_storage.delete(pending)
        existing = winner()
        if existing is None:
            raise
        return existing
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


def _record_sealed(*, document: WaiverDocument, client: Client, issued_for: dict[str, str]) -> None:
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        audit_append(
            actor=None,
            actor_label="system",
            event_type=SEALED,
            object_type="waiver_document",
            object_id=str(document.public_id),
            scope=client.scope,
            summary=f"{document.get_kind_display()} {document.document_id} rendered and sealed",
            payload={
                "document_id": document.document_id,
                **issued_for,
                "kind": document.kind,
                "sha256": document.sha256,
                "evidence_level": document.evidence_level,
                "seal_certificate": document.seal_fingerprint,
            },
        )


def _record_and_send(*, document: WaiverDocument, request: DecisionRequest, data: DocumentData) -> None:
    _record_sealed(document=document, client=request.client, issued_for={"request": str(request.public_id)})
    webhook_events.document_sealed(document, request)
    signed_copy_emails_enqueue(document=document, request=request, data=data)
