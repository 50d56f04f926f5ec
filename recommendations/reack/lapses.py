"""Lapses and escalation: a refusal not re-acknowledged within the grace period lapses (which
rescores its client), and one email per vCIO tells the vCIO and the managers which clients'
refusals lapsed.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import ngettext_lazy

from clients.models import Client
from recommendations.models import ReackStep, Recommendation
from recommendations.reack.core import (
    REFUSED,
    SYSTEM,
    Step,
    Sweep,
    claim_items,
    done_in_cycle,
    items_by_client,
    notice_items,
    run_batched,
    run_unit,
    staff_to,
    still_current,
)
from recommendations.services import refusals_lapse
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue

# Lapses: valid-until + grace has passed with no new answer. Each refusal lapses through its
# transition, which rescores the client in the same transaction (coverage drops). Escalation is
# a step of its own, one email per vCIO listing every client that lapsed: a backlog of lapses
# makes one message for the managers, not one per client, and an escalation that failed is
# retried by the next run without lapsing anything twice.


def lapse_overdue(sweep: Sweep) -> None:
    overdue = (
        Recommendation.objects.filter(
            status=REFUSED, valid_until__lt=sweep.today - datetime.timedelta(days=sweep.ladder.grace_days)
        )
        .exclude(client__status=Client.Status.FORMER)
        .select_related("client")
        .order_by("client_id", "pk")
    )
    run_batched(
        sweep,
        items_by_client(overdue),
        lambda batch: _lapse(sweep, [item for items in batch for item in items]),
        lambda items: f"lapsing refusals of {items[0].client.name}",
    )


def _lapse(sweep: Sweep, items: list[Recommendation]) -> None:
    lapsed = claim_items(still_current(items), step=Step.LAPSED)
    if not lapsed:
        return
    refusals_lapse(actor_label=SYSTEM, refusals=lapsed, payload={"grace_days": sweep.ladder.grace_days})
    for client_items in items_by_client(lapsed):
        sweep.report.record(Step.LAPSED, client_items[0].client, (item.title for item in client_items))


def escalate_lapses(sweep: Sweep) -> None:
    lapsed_by_sweep = Exists(
        ReackStep.objects.filter(recommendation=OuterRef("pk"), cycle=OuterRef("valid_until"), step=Step.LAPSED)
    )
    unescalated = (
        Recommendation.objects.filter(status=Recommendation.Status.LAPSED)
        .filter(lapsed_by_sweep)
        .exclude(done_in_cycle(Step.ESCALATED))
        .select_related("client", "client__vcio")
        .order_by("client__vcio_id", "client__name", "pk")
    )
    by_vcio: dict[int | None, list[Recommendation]] = {}
    for item in unescalated:
        by_vcio.setdefault(item.client.vcio_id, []).append(item)
    for items in by_vcio.values():
        run_unit(sweep, "escalating lapsed refusals", lambda i=items: _escalate(sweep, i))


def _escalate(sweep: Sweep, items: list[Recommendation]) -> None:
    escalated = claim_items(items, step=Step.ESCALATED, status=Recommendation.Status.LAPSED)
    if not escalated:
        return
    by_client = items_by_client(escalated)
    to = sorted({*staff_to(escalated[0].client, sweep), *sweep.manager_emails()})
    if not to:
        raise ValueError("no vCIO or manager has an email to tell about lapsed refusals")
    clients = [items[0].client for items in by_client]
    email_enqueue(
        idempotency_key=f"reack:{Step.ESCALATED}:{escalated[0].public_id}:{escalated[0].valid_until}",
        kind="reack_escalation",
        to=to,
        subject=escalation_subject(len(escalated), clients),
        template="notices/reack_escalation",
        context={
            "grace_days": sweep.ladder.grace_days,
            "clients": [
                {
                    "name": client_items[0].client.name,
                    "liability_coverage": client_items[0].client.liability_coverage,
                    "risk_score": client_items[0].client.risk_score,
                    "items": notice_items(client_items),
                    "url": absolute_reverse("register:client_detail", client_items[0].client.public_id),
                }
                for client_items in by_client
            ],
            "link_url": absolute_reverse("register:reack") + "?tab=lapsed",
        },
        scope=clients[0].scope if len(clients) == 1 else "",
    )
    for client_items in by_client:
        sweep.report.record(Step.ESCALATED, client_items[0].client, (item.title for item in client_items))


def escalation_subject(count: int, clients: list[Client]) -> str:
    if len(clients) == 1:
        subject = ngettext_lazy(
            "Lapsed: {count} refusal went unanswered at {client}",
            "Lapsed: {count} refusals went unanswered at {client}",
            count,
        )
        return format_lazy(subject, count=count, client=clients[0].name)
    subject = ngettext_lazy(
        "Lapsed: {count} refusal went unanswered at {clients} clients",
        "Lapsed: {count} refusals went unanswered at {clients} clients",
        count,
    )
    return format_lazy(subject, count=count, clients=len(clients))
