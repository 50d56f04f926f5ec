"""Celery tasks for recommendations: thin interfaces that call one service each."""

from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from recommendations.documents import services as document_services
from recommendations.privacy import services as privacy
from recommendations.reack import reack_sweep
from recommendations.risk.services import snapshots_take
from riskreg.seal import TimestampUnavailable

# The on-commit task normally renders a document within seconds; the sweep leaves it that long.
DOCUMENT_SWEEP_GRACE = timedelta(minutes=2)
REACK_RETRY_SECONDS = 600


@shared_task(
    name="recommendations.tasks.take_daily_risk_snapshots",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def take_daily_risk_snapshots() -> int:
    """Idempotent (one snapshot per client per day), so a redelivered or retried run is harmless."""
    return snapshots_take(today=timezone.localdate())


@shared_task(
    name="recommendations.tasks.render_request_document",
    bind=True,
    acks_late=True,
    # A time-stamping authority that is down or slow delays the seal: bounded retries (about
    # 20 minutes in all), then the missing-documents sweep tries again every 2 minutes.
    autoretry_for=(DatabaseError, OSError, TimestampUnavailable),
    max_retries=5,
    retry_backoff=True,
    retry_backoff_max=600,
)
def render_request_document(self, request_id: int) -> str | None:
    """Render, seal, store and email a completed request's document. A re-run or a redelivery
    returns the existing document: the request is a unique key of the document table."""
    document = document_services.request_document_create(request_id=request_id)
    return document.document_id if document else None


@shared_task(name="recommendations.tasks.render_missing_documents", acks_late=True)
def render_missing_documents() -> int:
    """Queue every completed request still without a document (a publish lost while the broker
    was down, a render that failed for good, or a worker killed mid-render), after finishing or
    removing the files such renders left behind. Queuing one twice is harmless."""
    cutoff = timezone.now() - DOCUMENT_SWEEP_GRACE
    document_services.pending_document_files_sweep(older_than=cutoff)
    request_ids = document_services.request_ids_missing_documents(completed_before=cutoff)
    for request_id in request_ids:
        render_request_document.delay(request_id)
    return len(request_ids)


@shared_task(
    name="recommendations.tasks.run_reack_sweep",
    bind=True, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=600, max_retries=3
)
def run_reack_sweep(self) -> dict[str, int]:
    """The daily re-acknowledgment sweep. Every step is claimed in the ledger, so a duplicated
    beat tick, a redelivered message or a retry after a crash repeats nothing already done."""
    report = reack_sweep(today=timezone.localdate())
    if report.errors and self.request.retries < self.max_retries:
        # A step that failed (say, a deadlock victim) is tried again within the hour, not tomorrow.
        raise self.retry(countdown=REACK_RETRY_SECONDS)
    return report.counts()


@shared_task(
    name="recommendations.tasks.purge_expired_holds",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def purge_expired_holds() -> int:
    """Anonymise erased contacts' signed records whose legal hold has passed. A record already
    anonymised is skipped, so a duplicated tick or a redelivery changes nothing."""
    return privacy.purge_expired_holds(today=timezone.localdate())
