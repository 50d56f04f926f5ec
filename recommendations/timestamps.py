"""Keeping sealed documents provable: a fresh document timestamp before the last one's certificate expires.

A B-LTA document's proof rests on its newest document timestamp; once that timestamp's
certificate expires (or its algorithms weaken) a new timestamp must cover everything before it.
The renewal is an incremental update, so the earlier bytes, and every copy already handed out,
remain genuine: the register keeps each version's SHA-256 (DocumentRenewal).
"""

import logging
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from recommendations.models import DocumentRenewal, WaiverDocument
from recommendations.waivers import practice_trust_roots
from riskreg.audit.chain import audit_append
from riskreg.seal import SealError, TimestampAuthority, last_timestamp_expiry, renew_document_timestamp, sha256_hex

logger = logging.getLogger(__name__)


class RenewalError(Exception):
    """A document cannot be renewed as it stands (its stored file is missing or not what was issued)."""


def documents_due_for_renewal(*, before: datetime) -> QuerySet[WaiverDocument]:
    """Timestamped documents, still on file, whose newest timestamp's certificate expires before `before`."""
    return (
        WaiverDocument.objects.filter(timestamp_expires_at__lt=before)
        .exclude(file="")
        .select_related("request__client")
        .order_by("timestamp_expires_at", "pk")
    )


def current_sha256(document: WaiverDocument) -> str:
    latest = document.renewals.order_by("-renewed_at", "-pk").first()
    return latest.sha256 if latest else document.sha256


def document_timestamp_renew(*, document: WaiverDocument, tsa: TimestampAuthority) -> DocumentRenewal:
    """Add a document timestamp to the stored file, record the new SHA-256 and audit it.

    The new file is written first under a new name and the old one deleted only after the
    commit, so a failure at any point leaves the stored document and the register as they were."""
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
    new_name = default_storage.save(old_name, ContentFile(renewed))
    try:
        with transaction.atomic():
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
                event_type="document.timestamp_renewed",
                object_type="waiver_document",
                object_id=str(document.public_id),
                scope=document.request.client.scope,
                summary=f"Document {document.document_id}: a fresh document timestamp added",
                payload={
                    "document_id": document.document_id,
                    "sha256_before": previous,
                    "sha256": renewal.sha256,
                    "timestamp_expires_at": expires.isoformat(),
                    "tsa": tsa.url,
                },
            )
            transaction.on_commit(lambda: default_storage.delete(old_name))
    except BaseException:
        default_storage.delete(new_name)
        raise
    document.file.name, document.timestamp_expires_at = new_name, expires
    return renewal
