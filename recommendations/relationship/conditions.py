"""Conditions of a "continue with conditions" decision, as tracked items: what, owner, due date,
linked recommendations. The daily sweep closes those whose linked recommendations are all
implemented and marks those past their due date overdue, once, emailing the deciding manager.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.locking import lock_client
from clients.models import RelationshipDecision
from clients.services import may_decide_relationship
from recommendations.models import Recommendation, RelationshipCondition
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue

Status = RelationshipCondition.Status


@transaction.atomic
def relationship_condition_add(
    *,
    actor: User | None,
    decision: RelationshipDecision,
    what: str,
    owner: Any,
    due_on: datetime.date,
    recommendations: list[Recommendation],
    today: datetime.date,
) -> RelationshipCondition:
    if not may_decide_relationship(actor):
        raise PermissionDenied("Only a manager or practice admin sets relationship conditions.")
    lock_client(decision.client_id)
    errors = {}
    if decision.outcome != RelationshipDecision.Outcome.CONDITIONS:
        errors["what"] = _("Only a “continue with conditions” decision has conditions.")
    if due_on <= today:
        errors["due_on"] = _("Set the due date after today.")
    if any(r.client_id != decision.client_id for r in recommendations):
        errors["recommendations"] = _("Link only this client's recommendations.")
    if errors:
        raise ValidationError(errors)
    condition = RelationshipCondition(
        decision=decision, client_id=decision.client_id, what=what.strip(), owner=owner, due_on=due_on
    )
    condition.full_clean()
    condition.save()
    condition.recommendations.set(recommendations)
    _audit(actor, condition, EventType.RELATIONSHIP_CONDITION_ADDED, f"Condition set, due {due_on.isoformat()}")
    return condition


@transaction.atomic
def relationship_condition_meet(*, actor: User | None, condition: RelationshipCondition, today: datetime.date) -> bool:
    """Mark a condition met by hand; False when it already was (nothing written)."""
    if not may_decide_relationship(actor):
        raise PermissionDenied("Only a manager or practice admin closes relationship conditions.")
    lock_client(condition.client_id)
    if not RelationshipCondition.objects.filter(pk=condition.pk, status=Status.OPEN).update(
        status=Status.MET, met_on=today
    ):
        return False
    _audit(actor, condition, EventType.RELATIONSHIP_CONDITION_MET, "Condition marked met")
    return True


def _audit(
    actor: User | None, condition: RelationshipCondition, event_type: EventType, summary: str, **payload: Any
) -> None:
    # The condition's words may name people, so the permanent chain holds its id and dates only.
    audit_append(
        actor=actor,
        actor_label=None if actor else "sweep:conditions",
        event_type=event_type,
        object_type="relationship_condition",
        object_id=str(condition.public_id),
        scope=condition.client.scope,
        summary=summary,
        payload={"decision": str(condition.decision.public_id), "due_on": condition.due_on.isoformat(), **payload},
    )


@dataclass(frozen=True)
class ConditionsSweep:
    closed: int
    overdue: int


def _all_linked_implemented() -> Exists:
    """True when the condition has linked recommendations and none is still to implement."""
    links = RelationshipCondition.recommendations.through.objects.filter(relationshipcondition=OuterRef("pk"))
    return Exists(links) & ~Exists(links.exclude(recommendation__status=Recommendation.Status.IMPLEMENTED))


def relationship_conditions_sweep(*, today: datetime.date) -> ConditionsSweep:
    """Close met conditions, then mark overdue ones; safe to run any number of times a day."""
    met = RelationshipCondition.objects.filter(status=Status.OPEN).filter(_all_linked_implemented())
    closed = sum(_close_met(pk, today) for pk in met.values_list("pk", flat=True))
    late = RelationshipCondition.objects.filter(status=Status.OPEN, due_on__lt=today, overdue_since__isnull=True)
    overdue = sum(_mark_overdue(pk, today) for pk in late.values_list("pk", flat=True))
    return ConditionsSweep(closed=closed, overdue=overdue)


@transaction.atomic
def _close_met(pk: int, today: datetime.date) -> bool:
    condition = RelationshipCondition.objects.select_related("client", "decision").get(pk=pk)
    lock_client(condition.client_id)
    # Claimed with a conditional update: a concurrent sweep or a manager closing it wins or loses whole.
    won = RelationshipCondition.objects.filter(pk=pk, status=Status.OPEN).filter(_all_linked_implemented())
    if not won.update(status=Status.MET, met_on=today):
        return False
    _audit(
        None,
        condition,
        EventType.RELATIONSHIP_CONDITION_MET,
        "Condition met: its linked recommendations are implemented",
    )
    return True


@transaction.atomic
def _mark_overdue(pk: int, today: datetime.date) -> bool:
    condition = RelationshipCondition.objects.select_related("client", "decision", "decision__manager", "owner").get(
        pk=pk
    )
    lock_client(condition.client_id)
    claimed = RelationshipCondition.objects.filter(
        pk=pk, status=Status.OPEN, due_on__lt=today, overdue_since__isnull=True
    ).update(overdue_since=today)
    if not claimed:
        return False
    _audit(None, condition, EventType.RELATIONSHIP_CONDITION_OVERDUE, "Condition overdue")
    _email_manager(condition)
    return True


def _email_manager(condition: RelationshipCondition) -> None:
    manager, client = condition.decision.manager, condition.client
    to = sorted({email for email in (manager.email, condition.owner.email) if email})
    if not to:
        return
    page = absolute_reverse("relationship:decision_conditions", condition.decision.public_id)
    email_enqueue(
        idempotency_key=f"condition-overdue:{condition.public_id}",
        kind="condition_overdue",
        to=to,
        subject=format_lazy(gettext_lazy("Overdue: a condition of keeping {client}"), client=client.name),
        template="notices/condition_overdue",
        context={
            "client_name": client.name,
            "decided_on": condition.decision.decided_on,
            "due_on": condition.due_on,
            "condition": condition.what,
            "owner_name": str(condition.owner),
            "risk_score": client.risk_score,
            "uncovered_exposure": client.uncovered_exposure,
            "link_url": page,
        },
        scope=client.scope,
    )
