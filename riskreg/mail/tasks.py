"""Celery tasks for the outbox: thin interfaces over riskreg.mail.services."""

from celery import shared_task
from django.utils import timezone

from riskreg.mail import selectors, services


@shared_task(
    name="riskreg.mail.tasks.send_outbound_email",
    bind=True,
    acks_late=True,
    max_retries=services.MAX_ATTEMPTS,
    soft_time_limit=90,
    time_limit=120,
)
def send_outbound_email(self, email_id: int) -> str:
    """Send one outbox row. Redelivered, retried or queued twice by the sweep, it still sends once:
    only the caller whose conditional UPDATE claims the row goes on, and a sent row is never
    claimed again."""
    outcome = services.email_send(email_id=email_id)
    if outcome.retry_in is not None and not (self.request.called_directly or self.request.is_eager):
        # The row holds next_attempt_at, so when there is no worker to retry on (eager or direct
        # call) or this retry cannot be queued (Celery rejects the message), the sweep sends it.
        raise self.retry(countdown=outcome.retry_in.total_seconds())
    return outcome.status


@shared_task(name="riskreg.mail.tasks.retry_unsent_emails", acks_late=True)
def retry_unsent_emails() -> int:
    """Queue every row still unsent and due. Overlapping sweeps queue the same row twice at
    worst, and the claim in send_outbound_email makes that harmless."""
    email_ids = selectors.email_ids_due(now=timezone.now())
    for email_id in email_ids:
        send_outbound_email.delay(email_id)
    return len(email_ids)
