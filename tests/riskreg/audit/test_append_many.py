"""Bulk appends to the audit chain: one lock, the same chain as one-by-one appends."""

import datetime
import uuid

import pytest

from riskreg.audit.chain import audit_append, audit_append_many, verify_chain
from riskreg.audit.models import AuditEvent, ChainHead
from tests.riskreg.audit.test_chain import tamper


def _event(n: int, **extra) -> dict:
    return {
        "event_type": "client.created",
        "object_type": "thing",
        "object_id": n,
        "scope": "client:test",
        "summary": f"bulk event {n}",
        "payload": {"n": n},
        **extra,
    }


@pytest.mark.django_db
def test_bulk_events_continue_the_chain_and_it_verifies():
    audit_append(actor=None, event_type="client.updated", object_type="thing", object_id="0", summary="first")

    appended = audit_append_many([_event(n) for n in range(1, 8)], batch_size=3)
    last = audit_append(actor=None, event_type="client.updated", object_type="thing", object_id="9", summary="after")

    assert appended == 7
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 10))
    assert last.previous_hash == AuditEvent.objects.get(sequence=8).hash
    report = verify_chain()
    assert report.intact, report.problem
    assert report.events_checked == 9
    assert ChainHead.objects.get(id=1).hash == last.hash


@pytest.mark.django_db
def test_bulk_payloads_are_stored_exactly_as_hashed(manager):
    # Dates and UUIDs are not JSON: they must be stored in the canonical form that was hashed.
    audit_append_many(
        [
            _event(1, payload={"valid_until": datetime.date(2026, 1, 31), "request": uuid.UUID(int=7)}),
            _event(2, actor=manager),
            _event(3, actor_label="signer:abc"),
        ]
    )

    labels = list(AuditEvent.objects.order_by("sequence").values_list("actor_label", flat=True))
    assert labels == ["system", f"user:{manager.pk}:{manager.username}", "signer:abc"]
    assert AuditEvent.objects.get(sequence=1).payload["valid_until"] == "2026-01-31"
    assert verify_chain().intact


@pytest.mark.django_db
def test_a_bulk_event_altered_afterwards_breaks_the_chain():
    audit_append_many([_event(n) for n in range(5)], batch_size=2)
    tamper("UPDATE audit_auditevent SET summary = %s WHERE sequence = 4", ["nothing happened"])

    assert verify_chain().broken_sequence == 4


@pytest.mark.django_db
def test_an_empty_bulk_append_changes_nothing():
    assert audit_append_many([]) == 0
    assert not AuditEvent.objects.exists()
    assert verify_chain().intact
