import logging
import smtplib
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from kombu.exceptions import OperationalError

from clients.models import Client
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import MAX_ATTEMPTS, email_enqueue
from riskreg.mail.tasks import retry_unsent_emails, send_outbound_email
from tests.factories import ClientFactory

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOTICE = {"heading": "Heads up", "paragraphs": ["Something happened."], "link_url": "", "link_label": ""}


def enqueue(key: str = "notice:1", **overrides) -> OutboundEmail:
    """Write a row without running its on-commit task (the test transaction never commits)."""
    arguments = {
        "idempotency_key": key,
        "kind": "staff_notice",
        "to": ["vera@msp.example"],
        "subject": f"Notice {key}",
        "template": "staff_notice",
        "context": NOTICE,
        **overrides,
    }
    return email_enqueue(**arguments)


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


@pytest.mark.django_db
def test_the_task_sends_the_row_once_however_often_it_runs(client_record):
    email = enqueue(scope=client_record.scope)

    send_outbound_email.delay(email.pk)
    send_outbound_email.delay(email.pk)

    email.refresh_from_db()
    assert len(mail.outbox) == 1
    assert email.status == "sent" and email.sent_at is not None and email.attempts == 1
    assert email.message_id == mail.outbox[0].extra_headers["Message-ID"]
    assert email.message_id.endswith("@localhost>")
    sent_event = AuditEvent.objects.get(event_type="email.sent")
    assert sent_event.scope == client_record.scope
    assert sent_event.payload == {"kind": "staff_notice", "attempts": 1, "message_id": email.message_id}


@pytest.mark.django_db
def test_the_message_has_a_text_body_an_html_alternative_and_the_attachments():
    path = default_storage.save("waivers/test-waiver.pdf", ContentFile(b"%PDF-1.7 test"))
    email = enqueue(attachments=[{"filename": "waiver.pdf", "path": path, "mimetype": "application/pdf"}])

    send_outbound_email.delay(email.pk)

    message = mail.outbox[0]
    assert message.body == email.body_text
    assert message.alternatives[0][1] == "text/html"
    assert message.alternatives[0][0] == email.body_html
    assert message.attachments[0][0] == "waiver.pdf"
    assert message.attachments[0][1] == b"%PDF-1.7 test"
    assert message.attachments[0][2] == "application/pdf"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.django_db
def test_a_row_another_worker_is_sending_is_left_alone_until_its_claim_goes_stale():
    email = enqueue()
    with time_machine.travel(START, tick=False) as traveller:
        OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=START)

        assert send_outbound_email.delay(email.pk).get() == "skipped"
        traveller.shift(timedelta(minutes=4))
        assert send_outbound_email.delay(email.pk).get() == "skipped"
        assert mail.outbox == []

        traveller.shift(timedelta(minutes=2))
        assert send_outbound_email.delay(email.pk).get() == "sent"

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_goes_back_to_pending_with_growing_backoff_then_fails_for_good(smtp_down):
    email = enqueue()
    expected_waits = [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]

    with time_machine.travel(START, tick=False) as traveller:
        for attempt, wait in enumerate(expected_waits, start=1):
            send_outbound_email.delay(email.pk)
            email.refresh_from_db()
            assert (email.status, email.attempts) == ("pending", attempt)
            assert email.next_attempt_at == START + sum(expected_waits[: attempt - 1], timedelta()) + wait
            assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

            send_outbound_email.delay(email.pk)  # too early: not claimed, not counted
            email.refresh_from_db()
            assert email.attempts == attempt

            traveller.shift(wait)

        send_outbound_email.delay(email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert AuditEvent.objects.get(event_type="email.failed").payload == {
        "kind": "staff_notice",
        "attempts": MAX_ATTEMPTS,
        "error": "SMTPServerDisconnected",
    }
    assert not AuditEvent.objects.filter(event_type="email.sent").exists()


@pytest.mark.django_db
def test_a_row_that_failed_for_good_is_never_sent_again(smtp_down, monkeypatch):
    email = enqueue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=MAX_ATTEMPTS)
    monkeypatch.undo()

    send_outbound_email.delay(email.pk)
    retry_unsent_emails.delay()

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sweep_sends_due_rows_only():
    with time_machine.travel(START, tick=False) as traveller:
        due = [enqueue("never-tried"), enqueue("retry-due"), enqueue("stale-claim")]
        not_due = [enqueue("retry-later"), enqueue("being-sent"), enqueue("sent"), enqueue("failed")]
        traveller.shift(timedelta(minutes=10))
        now = START + timedelta(minutes=10)
        not_due.append(enqueue("just-created"))
        rows = OutboundEmail.objects
        rows.filter(idempotency_key="retry-due").update(attempts=1, next_attempt_at=now - timedelta(seconds=1))
        rows.filter(idempotency_key="stale-claim").update(status="sending", claimed_at=now - timedelta(minutes=6))
        rows.filter(idempotency_key="retry-later").update(attempts=2, next_attempt_at=now + timedelta(minutes=1))
        rows.filter(idempotency_key="being-sent").update(status="sending", claimed_at=now - timedelta(minutes=1))
        rows.filter(idempotency_key="sent").update(status="sent", sent_at=now - timedelta(minutes=5))
        rows.filter(idempotency_key="failed").update(status="failed", attempts=MAX_ATTEMPTS)

        queued = retry_unsent_emails.delay().get()

    assert queued == 3
    assert sorted(message.subject for message in mail.outbox) == sorted(email.subject for email in due)
    assert set(OutboundEmail.objects.filter(status="sent").values_list("idempotency_key", flat=True)) == {
        "never-tried",
        "retry-due",
        "stale-claim",
        "sent",
    }
    assert not set(OutboundEmail.objects.filter(status="sent").values_list("pk", flat=True)) & {
        email.pk for email in not_due if email.idempotency_key != "sent"
    }


@pytest.mark.django_db
def test_a_second_sweep_right_after_the_first_sends_nothing_more():
    with time_machine.travel(START, tick=False) as traveller:
        enqueue("a")
        enqueue("b")
        traveller.shift(timedelta(minutes=2))

        retry_unsent_emails.delay()
        retry_unsent_emails.delay()

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_with_the_broker_down_the_caller_commits_the_row_waits_and_the_sweep_sends_it(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with time_machine.travel(START, tick=False) as traveller:
        with monkeypatch.context() as patch:
            patch.setattr(send_outbound_email, "apply_async", broker_down)
            with (
                caplog.at_level(logging.WARNING, logger="riskreg.mail"),
                django_capture_on_commit_callbacks(execute=True),
                transaction.atomic(),
            ):
                ClientFactory(name="Signed During Outage Ltd")
                email = enqueue()

        assert Client.objects.filter(name="Signed During Outage Ltd").exists()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 0)
        assert mail.outbox == []
        assert "not queued; the retry sweep will send it" in caplog.text

        traveller.shift(timedelta(minutes=2))
        retry_unsent_emails.delay()

    email.refresh_from_db()
    assert email.status == "sent"
    assert [message.subject for message in mail.outbox] == [email.subject]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_fails_fast_after_commit_and_the_sweep_sends_the_email_later(
    unreachable_broker, celery_eager, caplog
):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="riskreg.mail"), transaction.atomic():
        ClientFactory(name="Signed During Outage Ltd")
        email = enqueue()
    elapsed = time.monotonic() - started

    assert elapsed < 3, f"publishing to a dead broker held the request for {elapsed:.1f}s"
    assert "not queued; the retry sweep will send it" in caplog.text
    assert Client.objects.filter(name="Signed During Outage Ltd").exists()
    assert OutboundEmail.objects.get(pk=email.pk).status == "pending"

    # The broker is back (the fixture's eager mode stands in for a worker).
    celery_eager.conf.task_always_eager = True
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2)):
        retry_unsent_emails.delay()

    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_on_a_worker_a_failed_send_schedules_a_celery_retry_after_the_backoff(smtp_down, monkeypatch):
    email = enqueue()
    countdowns = []

    def record_retry(countdown):
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(send_outbound_email, "retry", record_retry)
    send_outbound_email.push_request(called_directly=False, is_eager=False)
    try:
        with pytest.raises(Retry):
            send_outbound_email.run(email.pk)
    finally:
        send_outbound_email.pop_request()

    assert countdowns == [60.0]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
