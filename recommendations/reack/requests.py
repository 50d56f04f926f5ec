"""Re-acknowledgment requests and what follows them: the sweep's requests on and after
valid-until, the staff action that sends one now (`reack_request_send`), reminders while a
request goes unanswered, and the expiry of its link.
"""

import datetime

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clients.locking import lock_client
from clients.models import Client, Contact
from recommendations import webhook_events
from recommendations.models import DecisionRequest, ReackStep, Recommendation
from recommendations.reack.core import (
    OPEN,
    SYSTEM,
    Group,
    Step,
    Sweep,
    claim_and_run,
    claim_step,
    done_in_cycle,
    long_date,
    refusals_between,
    reminder_step,
    run_unit,
    signatory_groups,
    split_by_signatory,
    staff_to,
    start_of,
)
from recommendations.reack.heads_ups import signatories_gone
from recommendations.selectors import in_open_request
from recommendations.signing import Send, decision_request_send, decision_requests_send
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.evidence import StepOrigin
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue

# Re-acknowledgment requests: on valid-until, and on any later day of the grace period that the
# sweep did not run, one request per client and signatory bundling every refusal due.


def send_reack_requests(sweep: Sweep) -> None:
    items = list(
        refusals_between(
            valid_from=sweep.today - datetime.timedelta(days=sweep.ladder.grace_days), valid_to=sweep.today
        )
        .exclude(done_in_cycle(Step.REACK_REQUEST))
        .exclude(in_open_request())
    )
    signable, gone = split_by_signatory(signatory_groups(items))
    claim_and_run(
        sweep, signable, step=Step.REACK_REQUEST, lock=True, work=lambda claimed: _reack_requests(sweep, claimed)
    )
    claim_and_run(sweep, gone, step=Step.SIGNATORY_GONE, work=lambda claimed: _due_and_gone(sweep, claimed))


def _due_and_gone(sweep: Sweep, groups: list[Group]) -> None:
    webhook_events.refusals("refusal.due", (item for group in groups for item in group.items))
    signatories_gone(sweep, groups)


def _reack_requests(sweep: Sweep, groups: list[Group]) -> None:
    # Claimed in this transaction once per refusal and cycle, so the event goes out once too.
    webhook_events.refusals("refusal.due", (item for group in groups for item in group.items))
    sent = decision_requests_send(
        actor=None,
        actor_label=SYSTEM,
        purpose=DecisionRequest.Purpose.REACKNOWLEDGMENT,
        sends=[Send(group.client, group.signatory, group.items, reack_message(group.items)) for group in groups],
    )
    # The ledger rows this transaction just claimed (and only those: an earlier cycle's row keeps
    # the request it was sent in) now name the request each item went out in.
    request_of = {item.pk: request.pk for group, request in zip(groups, sent, strict=True) for item in group.items}
    ReackStep.objects.filter(step=Step.REACK_REQUEST, request__isnull=True, recommendation__in=request_of).update(
        request_id=Case(*(When(recommendation_id=item, then=Value(request)) for item, request in request_of.items()))
    )
    for group in groups:
        sweep.report.record(Step.REACK_REQUEST, group.client, (item.title for item in group.items))


def reack_message(recommendations: list[Recommendation]) -> str:
    ends = min(item.valid_until for item in recommendations if item.valid_until)
    return (
        f"Your signed refusal of {'these recommendations' if len(recommendations) > 1 else 'this recommendation'} "
        f"was valid until {long_date(ends)}. Please review {'them' if len(recommendations) > 1 else 'it'} again: "
        "accept, or refuse again to renew your acknowledgment of the risk."
    )


@transaction.atomic
def reack_request_send(
    *,
    actor: User | None,
    client: Client,
    signatory: Contact,
    recommendations: list[Recommendation],
    message: str = "",
    origin: StepOrigin | None = None,
) -> DecisionRequest:
    """Send a re-acknowledgment request now (staff action) and record it in the ledger, so the
    sweep sends no heads-up or request of its own for these refusals in this cycle."""
    request = decision_request_send(
        actor=actor,
        client=client,
        signatory=signatory,
        recommendations=recommendations,
        message=message or reack_message(recommendations),
        purpose=DecisionRequest.Purpose.REACKNOWLEDGMENT,
        origin=origin,
    )
    for recommendation in recommendations:
        if recommendation.valid_until:
            # A step already recorded (an earlier request expired or was revoked) stays as it was.
            claim_step(
                step=Step.REACK_REQUEST,
                cycle=recommendation.valid_until,
                recommendation=recommendation,
                request=request,
            )
    return request


# Reminders: an open request gets the highest rung its age has reached, once; one missed by a day
# the sweep did not run is not sent late once the next rung is due.


def send_reminders(sweep: Sweep) -> None:
    rungs = sweep.ladder.reminders
    if not rungs:
        return
    done = {
        f"done_{rung}": Exists(
            ReackStep.objects.filter(request=OuterRef("pk"), recommendation__isnull=True, step=reminder_step(rung))
        )
        for rung in rungs
    }
    requests = (
        DecisionRequest.objects.filter(
            status__in=OPEN,
            expires_at__gt=sweep.as_of,
            sent_at__lt=start_of(sweep.today - datetime.timedelta(days=rungs[0] - 1)),
            signatory__is_active=True,
            signatory__erased_at__isnull=True,
        )
        .exclude(client__status=Client.Status.FORMER)
        .select_related("client", "client__vcio", "signatory")
        .annotate(**done)
        .order_by("pk")
    )
    for request in requests:
        rung = max(rung for rung in rungs if rung <= (sweep.today - timezone.localdate(request.sent_at)).days)
        if not getattr(request, f"done_{rung}"):
            step = reminder_step(rung)
            run_unit(sweep, f"{step} for {request.client.name}", lambda r=request, s=step: _reminder(sweep, r, s))


def _reminder(sweep: Sweep, request: DecisionRequest, step: str) -> None:
    lock_client(request.client_id)
    if not claim_step(step=step, cycle=timezone.localdate(request.sent_at), request=request):
        return
    client, signatory = request.client, request.signatory
    vcio = client.vcio
    email_enqueue(
        idempotency_key=f"reack:{step}:{request.public_id}",
        kind="request_reminder",
        to=[signatory.email],
        subject=format_lazy(_("Reminder: your decision is still needed for {client}"), client=client.name),
        template="notices/request_reminder",
        context={
            "signatory_name": signatory.name,
            "client_name": client.name,
            "sent_on": timezone.localdate(request.sent_at),
            "expires_on": timezone.localdate(request.expires_at),
            "vcio_name": str(vcio) if vcio else "",
            "vcio_email": vcio.email if vcio else "",
        },
        scope=client.scope,
        language=signatory.language,
    )
    sweep.report.record(step, client, [_request_label(request)])


# Expiry: an open request past its expiry is closed, so it stops counting as "awaiting answer".


def _request_label(request: DecisionRequest) -> str:
    return f"{request.get_purpose_display()} request sent {long_date(timezone.localdate(request.sent_at))}"


def expire_requests(sweep: Sweep) -> None:
    requests = (
        DecisionRequest.objects.filter(status__in=OPEN, expires_at__lte=sweep.as_of)
        .select_related("client", "client__vcio", "signatory")
        .order_by("pk")
    )
    for request in requests:
        run_unit(sweep, f"expiring a request of {request.client.name}", lambda r=request: _expire(sweep, r))


def _expire(sweep: Sweep, request: DecisionRequest) -> None:
    lock_client(request.client_id)
    if not claim_step(step=Step.REQUEST_EXPIRED, cycle=timezone.localdate(request.sent_at), request=request):
        return
    closed = DecisionRequest.objects.filter(pk=request.pk, status__in=OPEN, expires_at__lte=sweep.as_of).update(
        status=DecisionRequest.Status.EXPIRED, closed_at=sweep.now, close_reason="the link expired unanswered"
    )
    if not closed:
        # Signed or revoked since it was selected: nothing to expire, and no ledger row either.
        transaction.set_rollback(True)
        return
    client = request.client
    audit_append(
        actor=None,
        actor_label=SYSTEM,
        event_type=EventType.REQUEST_EXPIRED,
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=client.scope,
        summary=f"{request.get_purpose_display()} request expired unanswered",
        payload={"expires_at": request.expires_at.isoformat(), "purpose": request.purpose},
    )
    to = staff_to(client, sweep)
    if to:
        email_enqueue(
            idempotency_key=f"reack:{Step.REQUEST_EXPIRED}:{request.public_id}",
            kind="request_expired",
            to=to,
            subject=format_lazy(_("Signing request for {client} expired unanswered"), client=client.name),
            template="notices/request_expired",
            context={
                "purpose_label": request.get_purpose_display(),
                "signatory_name": request.signatory.name,
                "sent_on": timezone.localdate(request.sent_at),
                "link_url": absolute_reverse("signing:request_detail", request.public_id),
            },
            scope=client.scope,
        )
    sweep.report.record(Step.REQUEST_EXPIRED, client, [_request_label(request)])
