"""Writes for the roadmap: placing a recommendation in a fiscal quarter."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.locking import lock_client
from clients.models import Client
from clients.services import locked_copy
from recommendations.models import Recommendation
from recommendations.roadmap.quarters import quarter_of
from recommendations.roadmap.selectors import MOVABLE
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType


def _label(target: date | None, start_month: int) -> str:
    return quarter_of(target, start_month).label if target else "not scheduled"


@transaction.atomic
def recommendation_schedule(*, actor: User | None, recommendation: Recommendation, target_quarter: date | None) -> bool:
    """Plan a recommendation for the fiscal quarter holding `target_quarter` (None: unschedule).
    Returns False, writing nothing, when it is already there. The quarter is not shown to the
    signer, so open signing requests stay valid."""
    lock_client(recommendation.client_id)
    recommendation = locked_copy(recommendation)
    client = recommendation.client
    if recommendation.status not in MOVABLE:
        raise ValidationError(
            _("A {status} recommendation is not planned work: it cannot be moved on the roadmap.").format(
                status=recommendation.get_status_display().lower()
            )
        )
    start_month = client.fiscal_year_start_month
    new = quarter_of(target_quarter, start_month).start if target_quarter else None
    old = quarter_of(recommendation.target_quarter, start_month).start if recommendation.target_quarter else None
    if new == old:
        return False
    recommendation.target_quarter = new
    recommendation.save(update_fields=["target_quarter", "updated_at"])
    audit_append(
        actor=actor,
        event_type=EventType.RECOMMENDATION_SCHEDULED,
        object_type="recommendation",
        object_id=str(recommendation.public_id),
        scope=client.scope,
        summary=f"Roadmap: {recommendation.title} moved from {_label(old, start_month)} to {_label(new, start_month)}",
        payload={"from": old.isoformat() if old else None, "to": new.isoformat() if new else None},
    )
    return True


@transaction.atomic
def client_fiscal_year_set(*, actor: User | None, client: Client, start_month: int) -> bool:
    """Set the month the client's fiscal year starts in. Items keep their stored quarter start and
    are read through the new fiscal year (roadmap/quarters.py). False, writing nothing, if unchanged."""
    lock_client(client.pk)
    client = locked_copy(client)
    if client.fiscal_year_start_month == start_month:
        return False
    previous = client.fiscal_year_start_month
    client.fiscal_year_start_month = start_month
    client.full_clean()
    client.save(update_fields=["fiscal_year_start_month", "updated_at"])
    audit_append(
        actor=actor,
        event_type=EventType.CLIENT_FISCAL_YEAR_SET,
        object_type="client",
        object_id=str(client.public_id),
        scope=client.scope,
        summary=f"Fiscal year of {client.name} now starts in {client.get_fiscal_year_start_month_display()}",
        payload={"from": previous, "to": start_month},
    )
    return True
