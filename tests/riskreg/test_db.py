"""insert_unless_taken: one INSERT that skips a taken unique key instead of failing the transaction;
rows_update: each instance's fields written to its own row in one executemany."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from riskreg.db import insert_many_unless_taken, insert_unless_taken, rows_update
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory


def email(key: str = "test:1", subject: str = "First") -> OutboundEmail:
    return OutboundEmail(idempotency_key=key, kind="test", to=["a@example.com"], subject=subject, body_text="Hello")


@pytest.mark.django_db
def test_a_new_row_is_inserted_with_its_primary_key_and_defaults_set():
    row = email()

    assert insert_unless_taken(row) is True

    stored = OutboundEmail.objects.get()
    assert row.pk == stored.pk
    assert row.created_at == stored.created_at is not None
    assert (stored.subject, stored.status, stored.to) == ("First", "pending", ["a@example.com"])
    assert row._state.adding is False


@pytest.mark.django_db
def test_a_taken_key_is_skipped_the_stored_row_kept_and_the_transaction_stays_usable():
    insert_unless_taken(email(subject="First"))

    with transaction.atomic():
        second = email(subject="Second")
        taken = insert_unless_taken(second)
        # PostgreSQL would refuse every further statement here after a failed INSERT.
        insert_unless_taken(email(key="test:2", subject="Third"))

    assert taken is False and second.pk is None
    assert dict(OutboundEmail.objects.values_list("idempotency_key", "subject")) == {
        "test:1": "First",
        "test:2": "Third",
    }


@pytest.mark.django_db
def test_a_check_constraint_violation_still_raises_instead_of_being_skipped():
    bad = email()
    bad.status = "nonsense"

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_unless_taken(bad)

    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_rows_update_writes_each_instance_its_own_values_and_nothing_else():
    first, second, untouched = (ClientFactory(name=name) for name in ("First", "Second", "Third"))
    first.risk_score, first.liability_coverage, first.next_refusal_due = 71, Decimal("42.5"), datetime.date(2027, 1, 2)
    second.risk_score, second.liability_coverage, second.next_refusal_due = 12, Decimal("100.0"), None
    first.name = second.name = "Not written"

    with CaptureQueriesContext(connection) as captured:
        rows_update([first, second], ["risk_score", "liability_coverage", "next_refusal_due"])

    assert len(captured.captured_queries) == 1
    stored = {
        client.pk: (client.name, client.risk_score, client.liability_coverage, client.next_refusal_due)
        for client in Client.objects.all()
    }
    assert stored == {
        first.pk: ("First", 71, Decimal("42.5"), datetime.date(2027, 1, 2)),
        second.pk: ("Second", 12, Decimal("100.0"), None),
        untouched.pk: ("Third", untouched.risk_score, untouched.liability_coverage, untouched.next_refusal_due),
    }


def test_rows_update_of_nothing_runs_no_statement():
    rows_update([], ["risk_score"])


@pytest.mark.django_db
def test_many_rows_are_inserted_in_one_statement_skipping_keys_already_taken():
    insert_unless_taken(email(key="test:taken", subject="Stored"))
    rows = [
        email(key="test:a", subject="A"),
        email(key="test:taken", subject="Not stored"),
        email(key="test:b", subject="B"),
        email(key="test:a", subject="A again"),
    ]

    with CaptureQueriesContext(connection) as captured:
        written = insert_many_unless_taken(rows, key="idempotency_key")

    assert len(captured.captured_queries) == 1
    assert written == [rows[0], rows[2]]
    assert rows[1].pk is None and rows[3].pk is None
    assert dict(OutboundEmail.objects.values_list("idempotency_key", "subject")) == {
        "test:taken": "Stored",
        "test:a": "A",
        "test:b": "B",
    }
    stored = OutboundEmail.objects.filter(subject__in=["A", "B"]).values_list("pk", flat=True)
    assert {row.pk for row in written} == set(stored)
