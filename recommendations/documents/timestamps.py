"""Keeping sealed documents provable: a fresh document timestamp before the last one's certificate expires.

A B-LTA document's proof rests on its newest document timestamp; once that timestamp's
certificate expires (or its algorithms weaken) a new timestamp must cover everything before it.
The renewal is an incremental update, so the earlier bytes, and every copy already handed out,
remain genuine: the register keeps each version's SHA-256 (DocumentRenewal).
"""

import logging
import uuid
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clients.locking import lock_client
from recommendations.documents.sealer import practice_trust_roots
from recommendations.documents.services import PENDING_DIR, current_sha256, document_file_finalise
from recommendations.models import DocumentRenewal, WaiverDocument
from riskreg.audit.chain import audit_append
from riskreg.audit.documents import RENEWED
from riskreg.seal import SealError, TimestampAuthority, last_timestamp_expiry, renew_document_timestamp, sha256_hex

logger = logging.getLogger(__name__)


class RenewalError(Exception):
    """A document cannot be renewed as it stands (its stored file is missing or not what was issued)."""


def documents_due_for_renewal(*, before: datetime) -> QuerySet[WaiverDocument]:
    """Timestamped documents, still on file, whose newest timestamp's certificate expires before `before`."""
    return (
        WaiverDocument.objects.filter(timestamp_expires_at__lt=before)
        .exclude(file="")
        .select_related("request__client", "letter__client")
        .order_by("timestamp_expires_at", "pk")
    )


def document_timestamp_renew(*, document: WaiverDocument, tsa: TimestampAuthority) -> DocumentRenewal:
    """Add a document timestamp to the stored file, record the new SHA-256 and audit it.

    The renewed file is written under a temporary name and takes its final one (a new name; the
    old file is then deleted) only once the transaction recording it commits, as a new document
    does: a failure at any point, a killed process included, leaves the stored document and the
    register as they were (the document sweep removes a pending file nobody recorded)."""
    try:
        with default_storage.open(document.file.name, "rb") as handle:
            stored = handle.read()
    except OSError as error:
        raise RenewalError(f"{document.document_id}: the stored file cannot be read ({error})") from error
    previous = sha256_hex(stored)
    if previous != current_sha256(document):
        raise RenewalError(f"{document.document_id}: the stored file is not the one the register issued")
    renewed = renew_document_timestamp(stored, tsa=tsa, practice_certificates=practice_trust_roots())
    expires = last_timestamp_expiry(renewed)
    if expires is None:
        raise SealError(f"{document.document_id}: the renewal carries no document timestamp")
    old_name = document.file.name
    pending = default_storage.save(f"{PENDING_DIR}/{document.document_id}.{uuid.uuid4().hex}.pdf", ContentFile(renewed))
    # A new final name: copies already handed out keep the old bytes, and the old file goes only
    # once the new one is in place.
    new_name = default_storage.get_available_name(old_name)
    try:
        with transaction.atomic():
            lock_client(document.client.pk)
            if current_sha256(document) != previous:
                raise RenewalError(f"{document.document_id}: renewed by another run meanwhile")
            renewal = DocumentRenewal.objects.create(
                document=document,
                previous_sha256=previous,
                sha256=sha256_hex(renewed),
                renewed_at=timezone.now(),
                timestamp_expires_at=expires,
            )
            WaiverDocument.objects.filter(pk=document.pk).update(file=new_name, timestamp_expires_at=expires)
            audit_append(
                actor=None,
                actor_label="system",
                event_type=RENEWED,
                object_type="waiver_document",
                object_id=str(document.public_id),
                scope=document.client.scope,
                summary=f"Document {document.document_id}: a fresh document timestamp added",
                payload={
                    "document_id": document.document_id,
                    "sha256_before": previous,
                    "sha256": renewal.sha256,
                    "timestamp_expires_at": expires.isoformat(),
                    "tsa": tsa.url,
                },
            )
            transaction.on_commit(
                lambda: _renewed_file_finalise(pending_name=pending, final_name=new_name, old_name=old_name),
                robust=True,
            )
    except BaseException:
        default_storage.delete(pending)
        raise
    document.file.name, document.timestamp_expires_at = new_name, expires
    return renewal


def _renewed_file_finalise(*, pending_name: str, final_name: str, old_name: str) -> None:
    # The old file is deleted only once the new one has its final name; if the rename fails the
    # document sweep finishes it, and the old file stays until then.
    document_file_finalise(pending_name=pending_name, final_name=final_name)
    default_storage.delete(old_name)
