"""Webhook endpoints (registered by practice admins) and the delivery outbox.

`webhook_enqueue` / `webhook_enqueue_many` are called by business services inside their own
transaction: the delivery rows commit with the change or not at all, and their tasks are queued
only after commit. `webhook_deliver` posts one delivery if it wins the claim (a conditional
UPDATE, as the email outbox does), so a redelivered task or an overlapping sweep never posts an
event the receiver already acknowledged. A worker that dies after posting and before recording
leaves a stale claim that is posted again after STALE_CLAIM_AFTER, with the same webhook-id: a
receiver that keeps the ids it processed (see the README) handles each event once.
"""

import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from http.client import HTTPException
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.audit.tasks import practice_admin_emails
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue
from riskreg.publish import registered_task, task_publish
from riskreg.webhooks.destinations import UnsafeDestination, check_url, post
from riskreg.webhooks.events import EVENT_TYPES, PING
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from riskreg.webhooks.signing import endpoint_secret, signature

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# The on-commit task normally posts a new delivery within seconds; the sweep leaves it this long.
SWEEP_GRACE = timedelta(minutes=1)

Status = WebhookDelivery.Status


def delivery_time_limit() -> int:
    """Seconds one attempt may take: resolving, connecting and waiting for the answer."""
    return 3 * settings.RISKREG_WEBHOOK_TIMEOUT + 10


def stale_claim_after() -> timedelta:
    # Longer than the delivery task's hard time limit: a claim this old belongs to a worker that died.
    return timedelta(seconds=delivery_time_limit() + 5)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt number `attempts + 1`: 1, 2, 4, ... minutes, never more than an hour."""
    return min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)


# --- enqueueing, from business services ---------------------------------------------------------


@dataclass(frozen=True)
class WebhookEvent:
    event_type: str
    data: dict[str, Any]
    scope: str = ""


def webhook_enqueue(*, event_type: str, data: dict[str, Any], scope: str = "") -> int:
    """Queue one event for every active endpoint subscribed to it; see webhook_enqueue_many."""
    return webhook_enqueue_many([WebhookEvent(event_type, data, scope)])


def webhook_enqueue_many(events: Iterable[WebhookEvent]) -> int:
    """Write a delivery row per event and subscribed endpoint, in the caller's transaction, and
    post them after it commits. One query to find the endpoints, one insert for all rows.
    Returns how many deliveries were written."""
    events = list(events)
    if not events:
        return 0
    unknown = {event.event_type for event in events} - set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"unknown webhook event types: {sorted(unknown)}")
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).only("pk", "events"))
    now = timezone.now()
    deliveries = [
        _delivery(endpoint, event, event_id, now)
        for event in events
        for event_id in [uuid.uuid4()]
        for endpoint in endpoints
        if event.event_type in endpoint.events
    ]
    if not deliveries:
        return 0
    WebhookDelivery.objects.bulk_create(deliveries)
    # bulk_create returns primary keys on PostgreSQL and SQLite alike.
    transaction.on_commit(partial(_publish, [delivery.pk for delivery in deliveries]))
    return len(deliveries)


def _delivery(endpoint: WebhookEndpoint, event: WebhookEvent, event_id: uuid.UUID, now: datetime) -> WebhookDelivery:
    envelope = {"id": str(event_id), "type": event.event_type, "occurred_at": now.isoformat(), "data": event.data}
    return WebhookDelivery(
        endpoint=endpoint,
        event_id=event_id,
        event_type=event.event_type,
        body=json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=str),
        scope=event.scope,
    )


def _publish(delivery_ids: list[int]) -> None:
    deliver_webhook = registered_task("riskreg.webhooks.tasks.deliver_webhook")
    # The rows are committed, so the retry sweep covers a publish that fails.
    for delivery_id in delivery_ids:
        task_publish(
            deliver_webhook,
            delivery_id,
            logger=logger,
            on_failure=f"Webhook delivery {delivery_id} not queued; the retry sweep will post it.",
        )


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
        subject=f"Webhook endpoint disabled: {endpoint.url}",
        template="staff_notice",
        context={
            "heading": "A webhook endpoint was disabled",
            "paragraphs": [
                f"RiskReg stopped sending events to {endpoint.url} after {endpoint.consecutive_failures} failed "
                f"attempts in a row with no successful delivery in between. The last error: {last_error}.",
                "Events are not queued for it while it is disabled. Fix the receiver, then enable the endpoint "
                "again on its page: deliveries still waiting are then sent.",
            ],
            "link_url": absolute_reverse("webhooks:endpoint_detail", endpoint.public_id),
            "link_label": "Open the endpoint",
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


# --- endpoints (practice admins) ------------------------------------------------------------------


def _clean_endpoint(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    url = (data.get("url") or "").strip()
    try:
        check_url(url)
    except UnsafeDestination as error:
        errors["url"] = [str(error)]
    events = sorted(set(data.get("events") or []))
    if not events:
        errors["events"] = ["Choose at least one event."]
    elif unknown := [event for event in events if event not in EVENT_TYPES]:
        errors["events"] = [f"Unknown event types: {', '.join(unknown)}."]
    if errors:
        raise ValidationError(errors)
    return {"url": url, "events": events, "description": (data.get("description") or "").strip()}


def _endpoint_event(
    actor: User | None,
    endpoint: WebhookEndpoint,
    event_type: str,
    summary: str,
    **payload: Any,
) -> None:
    audit_append(
        actor=actor,
        event_type=event_type,
        object_type="webhook_endpoint",
        object_id=str(endpoint.public_id),
        summary=summary,
        payload=payload,
    )


@transaction.atomic
def endpoint_create(*, actor: User | None, data: dict[str, Any]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret, which the page shows once."""
    endpoint = WebhookEndpoint(**_clean_endpoint(data), secret_nonce=secrets.token_hex(16), created_by=actor)
    endpoint.full_clean(exclude=["created_by"])
    endpoint.save()
    _endpoint_event(
        actor,
        endpoint,
        EventType.WEBHOOK_ENDPOINT_CREATED,
        f"Webhook endpoint {endpoint.url} registered",
        events=endpoint.events,
    )
    return endpoint, endpoint_secret(endpoint.secret_nonce)


@transaction.atomic
def endpoint_update(*, actor: User | None, endpoint: WebhookEndpoint, data: dict[str, Any]) -> list[str]:
    cleaned = _clean_endpoint(data)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changed = sorted(name for name, value in cleaned.items() if getattr(endpoint, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(endpoint, name, cleaned[name])
    endpoint.full_clean(exclude=["created_by"])
    endpoint.save()
    _endpoint_event(
        actor,
        endpoint,
        EventType.WEBHOOK_ENDPOINT_UPDATED,
        f"Webhook endpoint {endpoint.url} updated: {', '.join(changed)}",
        fields=changed,
        events=endpoint.events,
    )
    return changed


@transaction.atomic
def endpoint_rotate_secret(*, actor: User | None, endpoint: WebhookEndpoint) -> str:
    """A new signing secret at once: deliveries from now on are signed with it (the old one
    stops verifying). Returns the new secret, shown once."""
    endpoint.secret_nonce = secrets.token_hex(16)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_nonce=endpoint.secret_nonce, updated_at=timezone.now())
    summary = f"Webhook endpoint {endpoint.url}: new signing secret"
    _endpoint_event(actor, endpoint, EventType.WEBHOOK_SECRET_ROTATED, summary)
    return endpoint_secret(endpoint.secret_nonce)


@transaction.atomic
def endpoint_set_active(*, actor: User | None, endpoint: WebhookEndpoint, active: bool) -> None:
    """Disable, or enable again: enabling resets the failure count and lets the deliveries that
    waited meanwhile go out at the next sweep."""
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=not active).update(
        is_active=active,
        disabled_at=None if active else timezone.now(),
        disabled_reason="" if active else "disabled by an admin",
        consecutive_failures=0 if active else F("consecutive_failures"),
    )
    if not changed:
        raise ValidationError(f"This endpoint is already {'enabled' if active else 'disabled'}.")
    if active:
        WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING).update(next_attempt_at=timezone.now())
    state = "enabled" if active else "disabled"
    event_type = EventType.WEBHOOK_ENDPOINT_ENABLED if active else EventType.WEBHOOK_ENDPOINT_DISABLED
    _endpoint_event(actor, endpoint, event_type, f"Webhook endpoint {endpoint.url} {state}")


@transaction.atomic
def endpoint_ping(*, actor: User | None, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a test event for one endpoint, whatever it subscribes to."""
    if not endpoint.is_active:
        raise ValidationError("Enable the endpoint first.")
    now = timezone.now()
    event = WebhookEvent(PING, {"endpoint": str(endpoint.public_id), "requested_by": actor.get_username()})
    delivery = _delivery(endpoint, event, uuid.uuid4(), now)
    delivery.save()
    transaction.on_commit(partial(_publish, [delivery.pk]))
    return delivery


@transaction.atomic
def delivery_retry(*, actor: User | None, delivery: WebhookDelivery) -> None:
    """Send a delivery that gave up once more, from the first attempt's backoff."""
    if not WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
    ):
        raise ValidationError("Only a delivery that gave up can be retried.")
    transaction.on_commit(partial(_publish, [delivery.pk]))
