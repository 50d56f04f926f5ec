"""Re-acknowledgment of refusals whose basis changed after signing (recommendations/relationship/
basis.py): when the practice chose "send", the daily sweep sends each one a request, once per
refusal and cycle; otherwise the client page offers it and staff send it (reack_request_send).
"""

from django.db.models import Case, Value, When

from clients.models import Client, PracticeProfile
from recommendations.models import DecisionRequest, ReackStep, Recommendation
from recommendations.reack.core import (
    REFUSED,
    SYSTEM,
    Group,
    Step,
    Sweep,
    claim_and_run,
    done_in_cycle,
    signatory_groups,
)
from recommendations.selectors import in_open_request, may_sign, refusing_signatory
from recommendations.signing import Send, decision_requests_send


def basis_reack_message(recommendations: list[Recommendation]) -> str:
    several = len(recommendations) > 1
    return (
        f"The risk behind {'these recommendations' if several else 'this recommendation'} has changed since you "
        f"signed your refusal, so that signature no longer covers it. Please review {'them' if several else 'it'} "
        "again: accept, or refuse again to acknowledge the risk as it stands today."
    )


def send_basis_reack_requests(sweep: Sweep) -> None:
    if PracticeProfile.load().basis_change_reack != PracticeProfile.BasisChangeReack.SEND:
        return
    items = list(
        Recommendation.objects.filter(status=REFUSED, basis_changed_on__isnull=False)
        .exclude(client__status=Client.Status.FORMER)
        .exclude(done_in_cycle(Step.BASIS_REACK))
        .exclude(in_open_request())
        .select_related("client", "client__vcio")
        .annotate(signatory_pk=refusing_signatory())
        .order_by("client_id", "pk")
    )
    # A refusal whose signatory can no longer sign stays offered on the client page, where the
    # vCIO chooses another signatory; the regular ladder reports it when it falls due.
    signable = [group for group in signatory_groups(items) if may_sign(group.signatory)]
    claim_and_run(sweep, signable, step=Step.BASIS_REACK, lock=True, work=lambda won: _requests(sweep, won))


def _requests(sweep: Sweep, groups: list[Group]) -> None:
    sent = decision_requests_send(
        actor=None,
        actor_label=SYSTEM,
        purpose=DecisionRequest.Purpose.REACKNOWLEDGMENT,
        sends=[Send(g.client, g.signatory, g.items, basis_reack_message(g.items)) for g in groups],
    )
    request_of = {item.pk: request.pk for group, request in zip(groups, sent, strict=True) for item in group.items}
    ReackStep.objects.filter(step=Step.BASIS_REACK, request__isnull=True, recommendation__in=request_of).update(
        request_id=Case(*(When(recommendation_id=item, then=Value(request)) for item, request in request_of.items()))
    )
    for group in groups:
        sweep.report.record(Step.BASIS_REACK, group.client, (item.title for item in group.items))
