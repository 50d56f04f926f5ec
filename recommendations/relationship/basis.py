"""Outdated decisions: a signed refusal whose basis got worse after signing.

A refusal covers the risk the client was shown when signing. When that risk is raised afterwards
(the recommendation's likelihood or impact, the client's multiplier through its industry or
regulated data, or the service agreement's exclusions), the refusal is marked "basis changed"
and no longer counts as covered (recommendations/scoring.py, section 7) until the client decides
again: any later decision on the item clears the mark (recommendation_move).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.locking import lock_client
from clients.models import Client, ServiceAgreement
from clients.services import locked_copy
from recommendations.models import Recommendation
from riskreg.audit.chain import audit_append, audit_append_many

REASSESSABLE = (Recommendation.Status.REFUSED, Recommendation.Status.LAPSED)


def refusals_basis_changed(*, actor: Any, client: Client, reason: str, only: list[int] | None = None) -> int:
    """Mark the client's signed refusals (or the ``only`` ones) as "basis changed"; returns how many.

    The caller holds the client's row lock and rescores the client afterwards. A refusal already
    marked keeps its first date and reason: the earliest change is the one that voided its cover.
    """
    refusals = Recommendation.objects.filter(
        client=client, status=Recommendation.Status.REFUSED, basis_changed_on__isnull=True
    )
    if only is not None:
        refusals = refusals.filter(pk__in=only)
    marked = list(refusals.select_for_update().order_by("pk").only("pk", "public_id", "title"))
    if not marked:
        return 0
    Recommendation.objects.filter(pk__in=[r.pk for r in marked]).update(
        basis_changed_on=timezone.localdate(), basis_changed_reason=reason[:200], updated_at=timezone.now()
    )
    audit_append_many(
        [
            {
                "actor": actor,
                "event_type": "recommendation.basis_changed",
                "object_type": "recommendation",
                "object_id": str(refusal.public_id),
                "scope": client.scope,
                "summary": f"“{refusal.title}”: signed refusal no longer covers the risk ({reason})",
                "payload": {"reason": reason},
            }
            for refusal in marked
        ]
    )
    return len(marked)


@transaction.atomic
def refusal_reassess(*, actor: Any, recommendation: Recommendation, likelihood: int, impact: int) -> list[str]:
    """Re-assess the likelihood and impact of a refused (or lapsed) recommendation.

    Its text is on record and stays as signed; only the risk figures move. Raising either marks a
    current refusal "basis changed"; lowering changes the score only. Returns the changed fields.
    """
    # Imported here: recommendations.services imports this module (client_profile_update marks refusals).
    from recommendations.services import client_rescore

    lock_client(recommendation.client_id)
    recommendation = locked_copy(recommendation)
    if recommendation.status not in REASSESSABLE:
        raise ValidationError("Only a refused or lapsed recommendation is re-assessed here; edit the others.")
    before = (recommendation.likelihood, recommendation.impact)
    changed = [
        name
        for name, value in (("likelihood", likelihood), ("impact", impact))
        if getattr(recommendation, name) != value
    ]
    if not changed:
        return []
    recommendation.likelihood, recommendation.impact = likelihood, impact
    recommendation.full_clean(exclude=["client", "control", "owner"], validate_unique=False)
    recommendation.save(update_fields=["likelihood", "impact", "updated_at"])
    audit_append(
        actor=actor,
        event_type="recommendation.reassessed",
        object_type="recommendation",
        object_id=str(recommendation.public_id),
        scope=recommendation.client.scope,
        summary=f"Risk of “{recommendation.title}” re-assessed: {before[0]} × {before[1]} → {likelihood} × {impact}",
        payload={"from": list(before), "to": [likelihood, impact]},
    )
    if likelihood > before[0] or impact > before[1]:
        refusals_basis_changed(
            actor=actor,
            client=recommendation.client,
            reason=f"risk raised from {before[0]} × {before[1]} to {likelihood} × {impact} after signing",
            only=[recommendation.pk],
        )
    client_rescore(client=recommendation.client)
    return changed


def agreement_exclusions_changed(*, actor: Any, agreement: ServiceAgreement) -> int:
    """The agreement's exclusions changed (agreement_update, under the client's lock): the
    client's signed refusals quoted the old ones."""
    from recommendations.services import client_rescore

    marked = refusals_basis_changed(
        actor=actor,
        client=agreement.client,
        reason=f"exclusions of service agreement {agreement.reference} changed (now version {agreement.version})",
    )
    if marked:
        client_rescore(client=agreement.client)
    return marked
