"""Writes of the relationship review: what a client is worth to the practice."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from clients.models import Client
from clients.services import apply_changes, locked_copy, may_see_client_value
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType


@transaction.atomic
def client_value_update(
    *,
    actor: User | None,
    client: Client,
    monthly_recurring_revenue_cents: int | None,
    contract_ends_on: datetime.date | None,
) -> list[str]:
    """Record a client's monthly recurring revenue and contract end; returns the fields that changed.

    Managers only: what a client pays is commercial. The audit event keeps the old and new
    figures, so a ranking that moved because someone changed a client's value can be explained.
    """
    if not may_see_client_value(actor):
        raise PermissionDenied("Only a manager or practice admin records what a client is worth.")
    # locked_copy takes the client row first, as every write about a client does.
    client = locked_copy(client)
    before = {name: getattr(client, name) for name in ("monthly_recurring_revenue_cents", "contract_ends_on")}
    changed = apply_changes(
        client,
        {"monthly_recurring_revenue_cents": monthly_recurring_revenue_cents, "contract_ends_on": contract_ends_on},
    )
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_VALUE_UPDATED,
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Client {client.name} value updated: {', '.join(changed)}",
        payload={name: {"from": _plain(before[name]), "to": _plain(getattr(client, name))} for name in changed},
    )
    return changed


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
