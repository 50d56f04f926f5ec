"""Heads-ups to the signatory before a refusal's valid-until, and the notice asking staff for
another signatory when the one who signed a refusal due for review can no longer sign (sent
instead of a heads-up or a re-acknowledgment request).
"""

import datetime

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from recommendations.documents.emails import in_language
from recommendations.models import Recommendation
from recommendations.reack.core import (
    Group,
    Step,
    Sweep,
    claim_and_run,
    done_in_cycle,
    heads_up_step,
    long_date,
    notice_items,
    refusals_between,
    signatory_groups,
    split_by_signatory,
    staff_to,
)
from recommendations.selectors import in_open_request
from riskreg.links import absolute_reverse
from riskreg.mail.services import email_enqueue

# Heads-ups: each refusal gets the nearest rung at or above its days left, so a missed day (the
# sweep did not run) sends the nearest rung rather than a stale "30 days" notice, and never two.


def send_heads_ups(sweep: Sweep) -> None:
    rungs = sweep.ladder.heads_up
    if not rungs:
        return
    items = (
        refusals_between(
            valid_from=sweep.today + datetime.timedelta(days=1),
            valid_to=sweep.today + datetime.timedelta(days=rungs[-1]),
        )
        .exclude(done_in_cycle(Step.REACK_REQUEST))
        .exclude(in_open_request())
        .annotate(**{f"done_{rung}": done_in_cycle(heads_up_step(rung)) for rung in rungs})
    )
    due: dict[int, list[Recommendation]] = {}
    for item in items:
        rung = min(rung for rung in rungs if rung >= (item.valid_until - sweep.today).days)
        if not getattr(item, f"done_{rung}"):
            due.setdefault(rung, []).append(item)
    for rung, rung_items in sorted(due.items()):
        step = heads_up_step(rung)
        signable, gone = split_by_signatory(signatory_groups(rung_items))
        claim_and_run(sweep, signable, step=step, work=lambda claimed, s=step: _heads_ups(sweep, claimed, s))
        claim_and_run(sweep, gone, step=Step.SIGNATORY_GONE, work=lambda claimed: signatories_gone(sweep, claimed))


def _heads_ups(sweep: Sweep, groups: list[Group], step: str) -> None:
    for group in groups:
        _heads_up(sweep, group, step)


def _heads_up(sweep: Sweep, group: Group, step: str) -> None:
    client, signatory, claimed = group.client, group.signatory, group.items
    first_due = min(item.valid_until for item in claimed)
    days_left = (first_due - sweep.today).days
    language = signatory.language
    with in_language(language):
        subject = _("%(client)s: declined security recommendations to review again by %(day)s") % {
            "client": client.name,
            "day": long_date(first_due),
        }
    email_enqueue(
        idempotency_key=f"reack:{step}:{claimed[0].public_id}:{claimed[0].valid_until}",
        kind="reack_heads_up",
        to=[signatory.email],
        subject=subject,
        template="notices/reack_heads_up",
        context={
            "signatory_name": signatory.name,
            "client_name": client.name,
            "days_left": days_left,
            "items": notice_items(claimed),
        },
        scope=client.scope,
        language=language,
    )
    sweep.report.record(step, client, (item.title for item in claimed))


def signatories_gone(sweep: Sweep, groups: list[Group]) -> None:
    for group in groups:
        _signatory_gone(sweep, group)


def _signatory_gone(sweep: Sweep, group: Group) -> None:
    client, contact, claimed = group.client, group.signatory, group.items
    to = staff_to(client, sweep)
    if not to:
        raise ValueError(f"{client.name} has no vCIO or manager with an email to ask for another signatory")
    email_enqueue(
        idempotency_key=f"reack:{Step.SIGNATORY_GONE}:{claimed[0].public_id}:{claimed[0].valid_until}",
        kind="reack_signatory_gone",
        to=to,
        subject=format_lazy(_lazy("Choose another signatory for {client}'s re-acknowledgment"), client=client.name),
        template="notices/reack_signatory_gone",
        context={
            "client_name": client.name,
            "signatory_name": contact.name if contact and contact.erased_at is None else "",
            "items": notice_items(claimed),
            "grace_days": sweep.ladder.grace_days,
            "link_url": absolute_reverse("register:reack_send", client.public_id),
        },
        scope=client.scope,
    )
    sweep.report.record(Step.SIGNATORY_GONE, client, (item.title for item in claimed))
