"""Append to and verify the audit hash chain.

Each event's hash = SHA-256(previous hash + canonical JSON of the event's fields). Changing,
removing or reordering any stored event breaks every hash after it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from riskreg.accounts.models import User
from riskreg.audit.events import event_type_checked
from riskreg.audit.models import AuditEvent, ChainHead

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *,
    previous_hash: str,
    sequence: int,
    occurred_at: datetime,
    actor_label: str,
    event_type: str,
    object_type: str,
    object_id: str,
    scope: str,
    summary: str,
    payload: dict,
) -> str:
    body = canonical_json(
        {
            "sequence": sequence,
            "occurred_at": occurred_at.isoformat(),
            "actor": actor_label,
            "type": event_type,
            "object": f"{object_type}:{object_id}",
            "scope": scope,
            "summary": summary,
            "payload": payload,
        }
    )
    return hashlib.sha256((previous_hash + body).encode()).hexdigest()


def stored_event_hash(event: AuditEvent, *, previous_hash: str) -> str:
    """The hash a stored event's content gives when chained from `previous_hash`."""
    return event_hash(
        previous_hash=previous_hash,
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_label=event.actor_label,
        event_type=event.event_type,
        object_type=event.object_type,
        object_id=event.object_id,
        scope=event.scope,
        summary=event.summary,
        payload=event.payload,
    )


def _advance_head(count: int) -> tuple[int, str]:
    """Advance the head's sequence by `count`, taking its lock, and return the new sequence and
    the hash it chains from; creates the head on first use.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before the head is
    read, so two concurrent appends can never chain from the same previous hash. One statement
    (UPDATE ... RETURNING) because audit_append runs in every write."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    with connection.cursor() as cursor:
        advance = f"UPDATE {table} SET sequence = sequence + %s WHERE id = 1 RETURNING sequence, hash"
        cursor.execute(advance, [count])
        row = cursor.fetchone()
        if row is None:
            ChainHead.objects.get_or_create(id=1)
            cursor.execute(advance, [count])
            row = cursor.fetchone()
    return row


# No savepoint of its own: an append that fails must fail the caller's whole change (a change
# without its audit event is never kept), and a savepoint costs two statements per event.
@transaction.atomic(savepoint=False)
def audit_append(
    *,
    actor: User | None,
    event_type: str,
    object_type: str,
    object_id: str,
    summary: str,
    scope: str = "",
    payload: dict | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a staff user or None (signer, system); `actor_label` names
    who acted when there is no user (e.g. "signer:<contact id>" or "system")."""
    # Before the head moves: an unknown type changes nothing.
    event_type = event_type_checked(event_type)
    sequence, previous_hash = _advance_head(1)
    payload = json.loads(canonical_json(payload or {}))
    label = actor_label or (f"user:{actor.pk}:{actor.get_username()}" if actor else "system")
    occurred_at = timezone.now()
    fields = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor_label": label,
        "event_type": event_type,
        "object_type": object_type,
        "object_id": str(object_id),
        "scope": scope,
        "summary": summary[:300],
        "payload": payload,
    }
    digest = event_hash(previous_hash=previous_hash, **fields)
    event = AuditEvent.objects.create(actor=actor, previous_hash=previous_hash, hash=digest, **fields)
    ChainHead.objects.filter(id=1).update(hash=digest)
    return event


@transaction.atomic(savepoint=False)
def audit_append_many(events: list[dict[str, Any]], *, batch_size: int = 2000) -> int:
    """Append many events in the given order, locking and advancing the chain head once.

    Each dict takes audit_append's keyword arguments (event_type, object_type, object_id,
    summary, and optionally actor, actor_label, scope, payload). For bulk loads (the large demo
    dataset): hashing stays per event, so the result is the chain audit_append would have built.
    Returns how many events were appended.
    """
    if not events:
        return 0
    types = [event_type_checked(event["event_type"]) for event in events]
    # Same lock as audit_append: reserve the whole range of sequence numbers in one UPDATE.
    last, previous_hash = _advance_head(len(events))
    sequence = last - len(events)
    occurred_at = timezone.now()
    rows: list[AuditEvent] = []
    for event, event_type in zip(events, types, strict=True):
        sequence += 1
        actor = event.get("actor")
        fields = {
            "sequence": sequence,
            "occurred_at": occurred_at,
            "actor_label": event.get("actor_label")
            or (f"user:{actor.pk}:{actor.get_username()}" if actor else "system"),
            "event_type": event_type,
            "object_type": event["object_type"],
            "object_id": str(event["object_id"]),
            "scope": event.get("scope", ""),
            "summary": event["summary"][:300],
            "payload": json.loads(canonical_json(event.get("payload") or {})),
        }
        digest = event_hash(previous_hash=previous_hash, **fields)
        rows.append(AuditEvent(actor=actor, previous_hash=previous_hash, hash=digest, **fields))
        previous_hash = digest
        if len(rows) >= batch_size:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    AuditEvent.objects.bulk_create(rows)
    ChainHead.objects.filter(id=1).update(hash=previous_hash)
    return len(events)


def event_in_place(event: AuditEvent) -> bool:
    """Whether one event is intact where it stands: its hash matches its content and the next
    event (or the head) chains from it. Two queries; `verify_chain` walks everything."""
    if stored_event_hash(event, previous_hash=event.previous_hash) != event.hash:
        return False
    following = AuditEvent.objects.filter(sequence=event.sequence + 1).values_list("previous_hash", flat=True).first()
    if following is not None:
        return following == event.hash
    head = ChainHead.objects.filter(id=1).values_list("sequence", "hash").first()
    return head == (event.sequence, event.hash)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events_checked: int
    head_hash: str
    problem: str = ""
    broken_sequence: int | None = None


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk every event in order; report the first one whose link or hash does not hold."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainReport(
                False,
                checked,
                previous_hash,
                f"event #{expected_sequence} is missing (next stored event is #{event.sequence})",
                expected_sequence,
            )
        if event.previous_hash != previous_hash:
            return ChainReport(
                False,
                checked,
                previous_hash,
                f"event #{event.sequence} does not link to the event before it",
                event.sequence,
            )
        if stored_event_hash(event, previous_hash=event.previous_hash) != event.hash:
            return ChainReport(
                False,
                checked,
                previous_hash,
                f"event #{event.sequence} ({event.event_type}) was altered: its hash does not match its content",
                event.sequence,
            )
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1
    head = ChainHead.objects.filter(id=1).first()
    if head and head.sequence != checked:
        return ChainReport(
            False,
            checked,
            previous_hash,
            f"the chain head records {head.sequence} events but {checked} are stored: the newest were removed",
            checked + 1,
        )
    return ChainReport(True, checked, previous_hash)
