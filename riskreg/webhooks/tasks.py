"""Celery tasks for webhooks: thin interfaces over riskreg.webhooks.deliveries and services."""

from celery import shared_task
from django.utils import timezone

from riskreg.webhooks import deliveries, services


@shared_task(
    name="riskreg.webhooks.tasks.deliver_webhook",
    bind=True,
    acks_late=True,
    max_retries=services.MAX_ATTEMPTS,
    soft_time_limit=services.delivery_time_limit() - 5,
    time_limit=services.delivery_time_limit(),
)
def deliver_webhook(self, delivery_id: int) -> str:
    """Post one delivery. Redelivered, retried or queued twice by the sweep, it is still posted
    once per attempt: only the caller whose conditional UPDATE claims the row goes on."""
    outcome = deliveries.webhook_deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None and not (self.request.called_directly or self.request.is_eager):
        # The row holds next_attempt_at, so where there is no worker to retry on (eager or direct
        # call) or the retry cannot be queued, the sweep posts it when it is due.
        raise self.retry(countdown=outcome.retry_in.total_seconds())
    return outcome.status


@shared_task(name="riskreg.webhooks.tasks.retry_due_webhooks", acks_late=True)
def retry_due_webhooks() -> int:
    """Queue every delivery due again. Overlapping sweeps may queue one twice; the claim in
    deliver_webhook makes that harmless."""
    delivery_ids = deliveries.deliveries_due(now=timezone.now())
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
    return len(delivery_ids)
