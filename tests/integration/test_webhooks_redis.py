"""Webhooks through real Celery workers on a real Redis broker, to a real receiver on 127.0.0.1.

What the unit tests cannot show: the delivery task runs in a worker after the business transaction
commits; a receiver answering 500 gets the event again and processes it once; and a worker killed
mid-delivery has its task redelivered, so the receiver still processes each event once — exactly
one POST when the worker died before the request left, and the same webhook-id twice (dropped by
the receiver, as the README's receiver does) when it died while the receiver was answering.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from riskreg.webhooks import services
from riskreg.webhooks.models import WebhookDelivery
from riskreg.webhooks.tasks import retry_due_webhooks
from tests.integration.conftest import VISIBILITY_TIMEOUT, run_database_url, wait_for
from tests.webhook_receiver import running_receiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKER_TIMEOUT = 4  # RISKREG_WEBHOOK_TIMEOUT in the workers: a stale claim is taken over after 3×4+15 s


@pytest.fixture
def hooks(broker, practice_admin, settings):
    """The broker's workers may post to 127.0.0.1 (the operator's switch), with a short timeout."""
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    settings.RISKREG_WEBHOOK_TIMEOUT = WORKER_TIMEOUT  # the sweep here judges a claim stale as the workers do
    broker.env |= {"RISKREG_WEBHOOK_ALLOW_PRIVATE": "true", "RISKREG_WEBHOOK_TIMEOUT": str(WORKER_TIMEOUT)}
    return broker


def register(receiver, admin) -> None:
    _, receiver.secret = services.endpoint_create(
        actor=admin, data={"url": receiver.url, "events": ["request.signed", "refusal.lapsed"]}
    )


def enqueue(**data) -> WebhookDelivery:
    with transaction.atomic():
        services.webhook_enqueue(event_type="request.signed", data=data or {"request": "r-1"}, scope="client:x")
    return WebhookDelivery.objects.order_by("-pk").first()


def delivered(delivery: WebhookDelivery, timeout: float = 60) -> WebhookDelivery:
    def done():
        delivery.refresh_from_db()
        return delivery if delivery.status == "delivered" else None

    return wait_for(done, timeout=timeout, what=f"delivery {delivery.pk} to be delivered")


def test_an_event_is_posted_by_the_worker_after_commit_and_received_once(hooks, practice_admin):
    hooks.start_worker()
    with running_receiver() as receiver:
        register(receiver, practice_admin)
        delivery = enqueue(request="through-the-worker")

        delivered(delivery)
        time.sleep(1)  # a duplicate would arrive now

    assert [post.event_id for post in receiver.posts] == [str(delivery.event_id)]
    assert receiver.posts[0].signature_ok and receiver.posts[0].reference_library_ok
    assert receiver.types() == ["request.signed"]


def test_a_receiver_answering_500_then_200_processes_the_event_once(hooks, practice_admin):
    hooks.start_worker()
    with running_receiver(script=[500]) as receiver:
        register(receiver, practice_admin)
        delivery = enqueue(request="flaky")
        wait_for(
            lambda: WebhookDelivery.objects.filter(pk=delivery.pk, attempts=1).exists(), timeout=60, what="attempt 1"
        )
        # The backoff's minute has passed (moved, not waited): the sweep queues it to the worker again.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert retry_due_webhooks() == 1

        delivered(delivery)

    assert [post.status for post in receiver.posts] == [500, 200]
    assert {post.event_id for post in receiver.posts} == {str(delivery.event_id)}
    assert receiver.types() == ["request.signed"]


def test_a_worker_killed_before_the_request_left_is_redelivered_and_posts_once(hooks, practice_admin):
    with running_receiver() as receiver:
        register(receiver, practice_admin)
        # Hold the delivery's row from outside: the worker's claim (an UPDATE) waits on it, mid-task.
        delivery = enqueue(request="killed")  # committed: its task waits in the queue for a worker
        lock = psycopg.connect(run_database_url().replace("postgres://", "postgresql://", 1))
        try:
            lock.execute("SELECT 1 FROM webhooks_webhookdelivery WHERE id = %s FOR UPDATE", [delivery.pk])
            first = hooks.start_worker()
            wait_for(_claim_blocked, timeout=60, what="the worker's claim to wait on the held row")
            first.kill()
            _terminate_blocked_backends()
        finally:
            lock.rollback()
            lock.close()
        assert receiver.posts == []
        time.sleep(VISIBILITY_TIMEOUT + 1)
        hooks.start_worker()

        delivered(delivery, timeout=90)
        time.sleep(1)

    assert [post.event_id for post in receiver.posts] == [str(delivery.event_id)]
    assert receiver.types() == ["request.signed"]


def test_a_worker_killed_while_the_receiver_answers_posts_again_and_the_receiver_processes_it_once(
    hooks, practice_admin
):
    gate = threading.Event()
    with running_receiver(gate=gate) as receiver:
        register(receiver, practice_admin)
        first = hooks.start_worker()
        delivery = enqueue(request="mid-flight")
        assert receiver.arrived.wait(timeout=60), hooks.logs()
        first.kill()  # the request is in; the worker dies before it hears the answer
        gate.set()
        second = hooks.start_worker()
        # The redelivered task finds the dead worker's claim still fresh and leaves it; once it is
        # stale, the retry sweep hands it to the new worker, which posts it again.
        wait_for(
            lambda: retry_due_webhooks() >= 1,
            timeout=services.stale_claim_after().total_seconds() + 30,
            what="the dead worker's claim to go stale",
            every=1,
        )

        delivered(delivery, timeout=60)
        time.sleep(1)

    assert second.process.poll() is None
    assert [post.event_id for post in receiver.posts] == [str(delivery.event_id)] * 2
    assert all(post.signature_ok for post in receiver.posts)
    assert receiver.types() == ["request.signed"]
    assert len(receiver.received()) == 1


def _claim_blocked() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%UPDATE%webhooks_webhookdelivery%"],
        )
        return cursor.fetchone()[0] > 0


def _terminate_blocked_backends() -> None:
    """The killed worker's session still waits for the lock; end it as PostgreSQL would once it
    noticed the client had gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s AND pid <> pg_backend_pid()",
            ["%UPDATE%webhooks_webhookdelivery%"],
        )
