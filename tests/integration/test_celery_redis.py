"""The re-acknowledgment sweep through real Celery workers and a real Redis broker.

What a unit test cannot show: emails leave through a worker; two sweeps at once, or a beat
tick delivered twice, still send each email once; a worker killed mid-sweep has its task
redelivered (acks_late) and the work completes once; and with the broker down the work waits
in the outbox until the retry sweep sends it.
"""

import datetime
import re
import time

import psycopg
import pytest
import time_machine
from django.utils import timezone

from recommendations.models import ReackStep, Recommendation
from recommendations.tasks import run_reack_sweep
from riskreg.mail.models import OutboundEmail
from riskreg.mail.tasks import retry_unsent_emails
from tests.integration.conftest import (
    VISIBILITY_TIMEOUT,
    backends_waiting_for_a_lock,
    closed_port_url,
    end_backends_waiting_for_a_lock,
    run_database_url,
    wait_for,
)
from tests.recommendations.reack.test_sweep import every_threshold  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SWEEP_KINDS = ["reack_heads_up", "decision_request", "request_reminder", "request_expired", "reack_escalation"]
EXPECTED_STEPS = {
    "heads_up_30": 1,
    "heads_up_7": 1,
    "heads_up_1": 1,
    "reack_request": 2,
    "request_reminder_3": 1,
    "request_reminder_7": 1,
    "request_expired": 1,
    "lapsed": 1,
    "escalated": 1,
}
# 3 heads-ups, 1 bundled re-acknowledgment link, 2 reminders, 1 expiry notice, 1 escalation.
SWEEP_EMAILS = 8
SWEEP_DONE = re.compile(r"run_reack_sweep\[[0-9a-f-]+\] succeeded")


@pytest.fixture
def due_work(every_threshold, manager):  # noqa: F811
    """Every kind of step is due; returns the first outbox id the sweep will write."""
    return (OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def sweep_emails(first_id: int):
    return OutboundEmail.objects.filter(pk__gte=first_id, kind__in=SWEEP_KINDS)


def steps_done() -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in ReackStep.objects.values_list("step", flat=True):
        counts[step] = counts.get(step, 0) + 1
    return counts


def all_sent(broker, first_id: int, expected: int = SWEEP_EMAILS, timeout: float = 90) -> list[OutboundEmail]:
    def done():
        emails = list(sweep_emails(first_id))
        return emails if len(emails) == expected and all(e.status == "sent" for e in emails) else None

    try:
        return wait_for(done, timeout=timeout, what=f"{expected} sweep emails sent")
    except AssertionError as error:
        statuses = list(sweep_emails(first_id).values_list("kind", "status", "last_error"))
        raise AssertionError(f"{error}\noutbox: {statuses}\n{broker.logs()}") from None


def assert_each_delivered_once(broker, emails: list[OutboundEmail]) -> None:
    # The worker may still be writing the last file when the row turns "sent".
    wait_for(lambda: all(broker.delivered()[e.message_id] for e in emails), timeout=10, what="mail files to be written")
    delivered = broker.delivered()
    assert {e.message_id: delivered[e.message_id] for e in emails} == {e.message_id: 1 for e in emails}
    assert all(count == 1 for count in delivered.values())


def test_the_sweeps_emails_are_delivered_through_the_worker(broker, due_work):
    broker.start_worker()

    run_reack_sweep.delay()

    emails = all_sent(broker, due_work)
    assert_each_delivered_once(broker, emails)
    assert steps_done() == EXPECTED_STEPS
    assert {e.kind for e in emails} == set(SWEEP_KINDS)
    assert Recommendation.objects.filter(status="lapsed").count() == 1


def test_concurrent_sweeps_and_a_duplicated_beat_tick_send_each_email_once(broker, due_work):
    broker.start_worker()
    broker.start_worker()

    # Two ticks at once: each worker takes one and both sweeps run side by side.
    run_reack_sweep.delay()
    run_reack_sweep.delay()
    emails = all_sent(broker, due_work)
    wait_for(lambda: len(SWEEP_DONE.findall(broker.logs())) == 2, timeout=60, what="both sweeps to finish")
    assert all(SWEEP_DONE.search(worker.tail()) for worker in broker.workers), "each worker ran one sweep"
    # A late duplicate of the same tick finds everything claimed.
    run_reack_sweep.delay()
    wait_for(lambda: len(SWEEP_DONE.findall(broker.logs())) == 3, timeout=60, what="the third sweep to finish")

    assert sweep_emails(due_work).count() == SWEEP_EMAILS
    assert_each_delivered_once(broker, emails)
    assert steps_done() == EXPECTED_STEPS
    assert all(w.process.poll() is None for w in broker.workers)


def test_a_sweep_whose_worker_is_killed_mid_run_is_redelivered_and_completes_once(broker, due_work):
    # Hold the row lock of a refusal due today from outside: the sweep commits its earlier steps
    # (expiry, lapse, escalation), then blocks on that row before sending its request, mid-run.
    blocker = Recommendation.objects.get(title="Refusal due in 0 days")
    lock = psycopg.connect(run_database_url().replace("postgres://", "postgresql://", 1))
    lock.execute("SELECT id FROM recommendations_recommendation WHERE id = %s FOR UPDATE", [blocker.pk])
    try:
        first = broker.start_worker()
        run_reack_sweep.delay()
        wait_for(_sweep_blocked, timeout=60, what="the sweep to block on the held row")
        done_before_kill = steps_done()

        first.kill()
        _terminate_blocked_backends()
    finally:
        lock.rollback()
        lock.close()
    # Let the unacknowledged message's visibility timeout pass, then a new worker gets it again.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = broker.start_worker()

    emails = all_sent(broker, due_work, timeout=120)
    wait_for(lambda: SWEEP_DONE.search(second.tail()), timeout=60, what="the redelivered sweep to finish")
    assert done_before_kill["lapsed"] == 1 and done_before_kill["request_expired"] == 1
    assert "reack_request" not in done_before_kill and "heads_up_1" not in done_before_kill
    assert not SWEEP_DONE.search(first.tail())
    assert steps_done() == EXPECTED_STEPS
    assert_each_delivered_once(broker, emails)


def test_with_the_broker_down_the_work_waits_in_the_outbox_until_the_retry_sweep(broker, due_work):
    down = broker.manage("reack_sweep", REDIS_URL=closed_port_url())

    assert down.returncode == 0, down.stdout + down.stderr
    assert "not queued; the retry sweep will send it" in down.stderr
    pending = list(sweep_emails(due_work))
    assert len(pending) == SWEEP_EMAILS and {e.status for e in pending} == {"pending"}
    assert steps_done() == EXPECTED_STEPS

    broker.start_worker()
    # The retry sweep leaves a row alone for its first minute (its own task may still send it).
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        queued = retry_unsent_emails()

    assert queued >= SWEEP_EMAILS
    assert_each_delivered_once(broker, all_sent(broker, due_work))


def _sweep_blocked() -> bool:
    return backends_waiting_for_a_lock("%FOR UPDATE%") > 0


def _terminate_blocked_backends() -> None:
    end_backends_waiting_for_a_lock("%FOR UPDATE%")
