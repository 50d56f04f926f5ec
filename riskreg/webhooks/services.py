"""Webhook endpoints (registered by practice admins) and the delivery outbox.

`webhook_enqueue` / `webhook_enqueue_many` are called by business services inside their own
transaction: the delivery rows commit with the change or not at all, and their tasks are queued
only after commit. `webhook_deliver` (deliveries.py) posts one delivery if it wins the claim (a conditional
UPDATE, as the email outbox does), so a redelivered task or an overlapping sweep never posts an
event the receiver already acknowledged. A worker that dies after posting and before recording
leaves a stale claim that is posted again after STALE_CLAIM_AFTER, with the same webhook-id: a
receiver that keeps the ids it processed (see the README) handles each event once.
"""

import json
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.publish import registered_task, task_publish
from riskreg.webhooks.destinations import UnsafeDestination, check_url
from riskreg.webhooks.events import EVENT_TYPES, PING
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from riskreg.webhooks.signing import endpoint_secret

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
        errors["events"] = [_("Choose at least one event.")]
    elif unknown := [event for event in events if event not in EVENT_TYPES]:
        errors["events"] = [_("Unknown event types: {types}.").format(types=", ".join(unknown))]
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
        raise ValidationError(
            _("This endpoint is already enabled.") if active else _("This endpoint is already disabled.")
        )
    if active:
        WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING).update(next_attempt_at=timezone.now())
    state = "enabled" if active else "disabled"
    event_type = EventType.WEBHOOK_ENDPOINT_ENABLED if active else EventType.WEBHOOK_ENDPOINT_DISABLED
    _endpoint_event(actor, endpoint, event_type, f"Webhook endpoint {endpoint.url} {state}")


@transaction.atomic
def endpoint_ping(*, actor: User | None, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a test event for one endpoint, whatever it subscribes to."""
    if not endpoint.is_active:
        raise ValidationError(_("Enable the endpoint first."))
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
        raise ValidationError(_("Only a delivery that gave up can be retried."))
    transaction.on_commit(partial(_publish, [delivery.pk]))
