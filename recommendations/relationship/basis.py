"""Outdated decisions: a signed refusal whose basis got worse after signing.

A refusal covers the risk the client was shown when signing. When that risk is raised afterwards
(the recommendation's likelihood or impact, the client's multiplier through its industry or
regulated data, or the service agreement's exclusions), the refusal is marked "basis changed"
and no longer counts as covered (recommendations/risk/scoring.py, section 7) until the client decides
again: any later decision on the item clears the mark (recommendation_move).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.locking import lock_client
from clients.models import ServiceAgreement
from clients.services import locked_copy
from recommendations.models import Recommendation
from recommendations.services import client_rescore, refusals_basis_changed
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType

REASSESSABLE = (Recommendation.Status.REFUSED, Recommendation.Status.LAPSED)


@transaction.atomic
def refusal_reassess(*, actor: User | None, recommendation: Recommendation, likelihood: int, impact: int) -> list[str]:
    """Re-assess the likelihood and impact of a refused (or lapsed) recommendation.

    Its text is on record and stays as signed; only the risk figures move. Raising either marks a
    current refusal "basis changed"; lowering changes the score only. Returns the changed fields.
    """
    lock_client(recommendation.client_id)
    recommendation = locked_copy(recommendation)
    if recommendation.status not in REASSESSABLE:
        raise ValidationError(_("Only a refused or lapsed recommendation is re-assessed here; edit the others."))
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
        event_type=EventType.RECOMMENDATION_REASSESSED,
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


def agreement_exclusions_changed(*, actor: User | None, agreement: ServiceAgreement) -> int:
    """The agreement's exclusions changed (agreement_update, under the client's lock): the
    client's signed refusals quoted the old ones."""
    marked = refusals_basis_changed(
        actor=actor,
        client=agreement.client,
        reason=f"exclusions of service agreement {agreement.reference} changed (now version {agreement.version})",
    )
    if marked:
        client_rescore(client=agreement.client)
    return marked
