"""insert_unless_taken: one INSERT that skips a taken unique key instead of failing the transaction."""

import pytest
from django.db import IntegrityError, transaction

from riskreg.db import insert_unless_taken
from riskreg.mail.models import OutboundEmail


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
