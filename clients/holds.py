"""Litigation holds: placing and releasing them (managers and admins, audited), and asking whether
a client is under one. Erasure and the daily purge of expired legal holds both refuse a held client."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.locking import lock_client
from clients.models import Client, LitigationHold
from clients.services import may_decide_relationship
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType

REASON_MAX = 2000


def active_litigation_hold(client: Client) -> LitigationHold | None:
    return client.litigation_holds.filter(released_at__isnull=True).select_related("placed_by").first()


def may_manage_holds(user: Any) -> bool:
    # The same people who decide whether to keep a client: managers and admins.
    return may_decide_relationship(user)


def _checked(*, actor: User | None, client: Client, reason: str) -> tuple[Client, str]:
    """The actor's right, the reason, and the client's row locked (the first lock of every write
    about a client), so two managers acting at once are serialised."""
    if not may_manage_holds(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is kept in the audit trail.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}})
    lock_client(client.pk)
    return Client.objects.get(pk=client.pk), reason


@transaction.atomic
def litigation_hold_place(*, actor: User | None, client: Client, reason: str) -> LitigationHold:
    client, reason = _checked(actor=actor, client=client, reason=reason)
    if active_litigation_hold(client) is not None:
        raise ValidationError(_("%(name)s is already under a litigation hold.") % {"name": client.name})
    hold = LitigationHold(client=client, reason=reason, placed_by=actor, placed_at=timezone.now())
    hold.full_clean(validate_constraints=False)
    hold.save()
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_LITIGATION_HOLD_PLACED,
        object_type="litigation_hold",
        object_id=str(hold.public_id),
        scope=client.scope,
        summary=f"Litigation hold placed on {client.name}",
        payload={"reason": reason},
    )
    return hold


@transaction.atomic
def litigation_hold_release(*, actor: User | None, client: Client, reason: str) -> LitigationHold:
    client, reason = _checked(actor=actor, client=client, reason=reason)
    hold = active_litigation_hold(client)
    if hold is None:
        raise ValidationError(_("%(name)s is not under a litigation hold.") % {"name": client.name})
    hold.released_by, hold.released_at, hold.release_reason = actor, timezone.now(), reason
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_LITIGATION_HOLD_RELEASED,
        object_type="litigation_hold",
        object_id=str(hold.public_id),
        scope=client.scope,
        summary=f"Litigation hold on {client.name} released",
        payload={"reason": reason, "placed_at": hold.placed_at.isoformat()},
    )
    return hold
