"""Posting a delivery: claimed with a conditional UPDATE so it is posted once, recorded, retried with
backoff, and its endpoint disabled after failing for as long as a delivery keeps trying."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.audit.tasks import practice_admin_emails
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue
from riskreg.webhooks.destinations import UnsafeDestination, check_url, post
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from riskreg.webhooks.services import MAX_ATTEMPTS, SWEEP_GRACE, Status, backoff, stale_claim_after
from riskreg.webhooks.signing import endpoint_secret, signature

logger = logging.getLogger(__name__)


# --- delivering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # delivered, retry, failed, or skipped (not ours to send now)
    retry_in: timedelta | None = None


def webhook_deliver(*, delivery_id: int) -> DeliveryOutcome:
    """Post one delivery if this caller wins its claim; safe to call any number of times.

    Not atomic on purpose: the claim is committed before the request so that other workers see
    it, and no transaction stays open while a receiver takes its time."""
    claimed_at = timezone.now()
    if not _claim(delivery_id=delivery_id, now=claimed_at):
        return DeliveryOutcome("skipped")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        answer = _post(delivery)
    except UnsafeDestination as error:
        return _record_failure(delivery=delivery, claimed_at=claimed_at, error=str(error))
    except (OSError, HTTPException) as error:
        return _record_failure(delivery=delivery, claimed_at=claimed_at, error=f"{type(error).__name__}: {error}")
    if 200 <= answer.status < 300:
        _record_delivered(delivery=delivery, claimed_at=claimed_at, status_code=answer.status, excerpt=answer.excerpt)
        return DeliveryOutcome(Status.DELIVERED)
    error = f"HTTP {answer.status}" + (" (redirects are not followed)" if 300 <= answer.status < 400 else "")
    return _record_failure(
        delivery=delivery, claimed_at=claimed_at, error=error, status_code=answer.status, excerpt=answer.excerpt
    )


def _claim(*, delivery_id: int, now: datetime) -> bool:
    due = Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=Status.SENDING, claimed_at__lt=now - stale_claim_after())
    claimed = WebhookDelivery.objects.filter(due | stale, pk=delivery_id, endpoint__is_active=True).update(
        status=Status.SENDING, claimed_at=now
    )
    return claimed == 1


def _post(delivery: WebhookDelivery):
    destination = check_url(delivery.endpoint.url)
    body = delivery.body.encode()
    timestamp = int(time.time())
    secret = endpoint_secret(delivery.endpoint.secret_nonce)
    headers = {
        "webhook-id": str(delivery.event_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=str(delivery.event_id), timestamp=timestamp, body=body
        ),
        "RiskReg-Event": delivery.event_type,
    }
    return post(destination, body=body, headers=headers, timeout=settings.RISKREG_WEBHOOK_TIMEOUT)


def _still_claimed(*, delivery_id: int, claimed_at: datetime) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(pk=delivery_id, status=Status.SENDING, claimed_at=claimed_at)


@transaction.atomic
def _record_delivered(*, delivery: WebhookDelivery, claimed_at: datetime, status_code: int, excerpt: str) -> None:
    now = timezone.now()
    updated = _still_claimed(delivery_id=delivery.pk, claimed_at=claimed_at).update(
        status=Status.DELIVERED,
        delivered_at=now,
        last_attempt_at=now,
        attempts=delivery.attempts + 1,
        last_status_code=status_code,
        last_error="",
        last_response=excerpt,
        next_attempt_at=None,
        claimed_at=None,
    )
    if not updated:
        logger.warning("Webhook delivery %s was delivered but its claim had been taken over.", delivery.pk)
        return
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0, last_success_at=now)


@transaction.atomic
def _record_failure(
    *, delivery: WebhookDelivery, claimed_at: datetime, error: str, status_code: int | None = None, excerpt: str = ""
) -> DeliveryOutcome:
    now = timezone.now()
    attempts = delivery.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    retry_in = None if gave_up else backoff(attempts)
    updated = _still_claimed(delivery_id=delivery.pk, claimed_at=claimed_at).update(
        status=Status.FAILED if gave_up else Status.PENDING,
        attempts=attempts,
        last_attempt_at=now,
        last_status_code=status_code,
        last_error=error[:500],
        last_response=excerpt,
        next_attempt_at=None if gave_up else now + retry_in,
        claimed_at=None,
    )
    logger.warning("Webhook delivery %s attempt %s failed: %s", delivery.pk, attempts, error)
    if not updated:
        return DeliveryOutcome("skipped")
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1, last_failure_at=now
    )
    if not gave_up:
        return DeliveryOutcome("retry", retry_in=retry_in)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    # Disabled only when nothing got through for as long as this delivery kept trying (about two
    # hours): one receiver error on one event does not silence the endpoint.
    if endpoint.is_active and endpoint.consecutive_failures >= MAX_ATTEMPTS:
        _disable_for_failures(endpoint, last_error=error)
    return DeliveryOutcome(Status.FAILED)


def _disable_for_failures(endpoint: WebhookEndpoint, *, last_error: str) -> None:
    now = timezone.now()
    reason = f"disabled after {endpoint.consecutive_failures} failed attempts in a row; last: {last_error}"[:300]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=now, disabled_reason=reason)
    audit_append(
        actor=None,
        actor_label="system",
        event_type=EventType.WEBHOOK_ENDPOINT_DISABLED,
        object_type="webhook_endpoint",
        object_id=str(endpoint.public_id),
        summary=f"Webhook endpoint {endpoint.url} disabled after repeated failures",
        payload={"consecutive_failures": endpoint.consecutive_failures, "last_error": last_error[:200]},
    )
    recipients = practice_admin_emails()
    if not recipients:
        return
    email_enqueue(
        idempotency_key=f"webhook:{endpoint.public_id}:disabled:{now.isoformat()}",
        kind="webhook_disabled",
        to=recipients,
        subject=format_lazy(gettext_lazy("Webhook endpoint disabled: {url}"), url=endpoint.url),
        template="notices/webhook_disabled",
        context={
            "endpoint_url": endpoint.url,
            "consecutive_failures": endpoint.consecutive_failures,
            "last_error": last_error,
            "link_url": absolute_reverse("webhooks:endpoint_detail", endpoint.public_id),
        },
    )


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Deliveries the retry sweep should post: due pending ones past the on-commit grace, and
    stale claims of dead workers, of active endpoints."""
    due = Q(status=Status.PENDING) & (
        Q(next_attempt_at__isnull=True, created_at__lt=now - SWEEP_GRACE) | Q(next_attempt_at__lte=now)
    )
    stale = Q(status=Status.SENDING, claimed_at__lt=now - stale_claim_after())
    return list(
        WebhookDelivery.objects.filter(due | stale, endpoint__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
