"""Celery tasks for recommendations: thin interfaces that call one service each."""

from datetime import date, datetime, timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from recommendations.briefing.services import briefing_reminders_send
from recommendations.documents import services as document_services
from recommendations.privacy import services as privacy
from recommendations.reack import reack_sweep

# Registered with the worker through this module, which autodiscovery reads (feature packages it does not).
from recommendations.relationship.tasks import run_conditions_sweep  # noqa: F401
from recommendations.risk.services import refusals_due_recount, snapshots_take
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
    name="recommendations.tasks.refresh_due_counts",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def refresh_due_counts() -> int:
    """Idempotent: only clients whose due counts are from another day are rescored."""
    return refusals_due_recount(today=timezone.localdate())


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


@shared_task(
    name="recommendations.tasks.render_offboarding_letter",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError, OSError, TimestampUnavailable),
    max_retries=5,
    retry_backoff=True,
    retry_backoff_max=600,
)
def render_offboarding_letter(self, letter_id: int) -> str | None:
    """Render and seal an issued offboarding letter from its snapshot. A re-run or a redelivery
    returns the existing document: the letter is a unique key of the document table."""
    document = document_services.letter_document_create(letter_id=letter_id)
    return document.document_id if document else None


@shared_task(name="recommendations.tasks.render_missing_documents", acks_late=True)
def render_missing_documents() -> int:
    """Queue every completed request and issued letter still without a document (a publish lost
    while the broker was down, a render that failed for good, or a worker killed mid-render), after
    finishing or removing the files such renders left behind. Queuing one twice is harmless."""
    cutoff = timezone.now() - DOCUMENT_SWEEP_GRACE
    document_services.pending_document_files_sweep(older_than=cutoff)
    request_ids = document_services.request_ids_missing_documents(completed_before=cutoff)
    for request_id in request_ids:
        render_request_document.delay(request_id)
    letter_ids = document_services.letter_ids_missing_documents(issued_before=cutoff)
    for letter_id in letter_ids:
        render_offboarding_letter.delay(letter_id)
    return len(request_ids) + len(letter_ids)


@shared_task(
    name="recommendations.tasks.run_reack_sweep",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def run_reack_sweep(self) -> dict[str, int]:
    """The daily re-acknowledgment sweep. Every step is claimed in the ledger, so a duplicated
    beat tick, a redelivered message or a retry after a crash repeats nothing already done."""
    today = timezone.localdate()
    # The vCIOs' briefing reminders ride on the same daily run; each is sent once however often it runs.
    briefing_reminders_send(today=today)
    report = reack_sweep(today=today)
    if report.errors and self.request.retries < self.max_retries:
        # A step that failed (say, a deadlock victim) is tried again within the hour, not tomorrow.
        raise self.retry(countdown=REACK_RETRY_SECONDS)
    return report.counts()


def last_sweep_day(now: datetime) -> date:
    """The day whose sweep should already have run at `now`: today once the sweep hour has passed,
    otherwise yesterday (today's run is still to come at its hour)."""
    today = timezone.localdate(now)
    return today if timezone.localtime(now).hour >= settings.RISKREG_SWEEP_HOUR else today - timedelta(days=1)


@shared_task(
    name="recommendations.tasks.catch_up_reack_sweep",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=3,
)
def catch_up_reack_sweep() -> dict[str, int]:
    """The sweep of the last day that should have had one. Run when a worker starts, so links that
    expired and refusals that fell due while nothing was running are handled now rather than at
    the next sweep hour; every step is claimed in the ledger, so nothing already done repeats."""
    return reack_sweep(today=last_sweep_day(timezone.now())).counts()


@worker_ready.connect
def _catch_up_on_start(**_: object) -> None:
    catch_up_reack_sweep.delay()


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
