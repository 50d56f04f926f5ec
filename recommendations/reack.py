"""Re-acknowledgment (SPEC 4.6-4.7): keeping every signed refusal current without anyone
having to remember it.

One daily sweep (Celery beat, or `manage.py reack_sweep`) walks each refusal along the
practice's ladder: heads-ups to the signatory before its valid-until, a re-acknowledgment
request on the date, reminders while a request goes unanswered, link expiry, and once the
grace period is over the lapse and an escalation to the vCIO and the managers.

Exactly once: a step is claimed by inserting its ReackStep row inside the transaction that
writes what the step causes (the outbox email, the status change). The ledger's unique keys
let one transaction win; a concurrent loser's insert (ON CONFLICT DO NOTHING) waits for the
winner to commit and then inserts nothing, and the loser skips the step. So the sweep may run
any number of times, concurrently, and each step still happens once per item, cycle and step.

Batches: the steps for up to BATCH_SIZE clients or signatories share one transaction, claimed
and written with a statement or two per batch rather than per client (a sweep is mostly
statements). A batch that fails runs again one unit per transaction, so a bad one is
reported alone and the rest still go out.

Selection is set-based: each step reads only the refusals inside its valid-until window
(index rec_status_valid_client_idx) or the open requests inside a sent-at window (index
decreq_status_sent_idx), minus what the ledger already holds.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, PracticeProfile
from recommendations.models import DecisionRequest, ReackStep, Recommendation, step_label
from recommendations.selectors import in_open_request, may_sign, refusing_signatory, signatories_for
from recommendations.services import lock_clients, refusals_lapse
from recommendations.signing import Send, decision_request_send, decision_requests_send
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.db import insert_unless_taken
from riskreg.mail.services import email_enqueue

logger = logging.getLogger(__name__)

SYSTEM = "system:reack-sweep"
# Units of work (a client's or a signatory's items) per transaction; a batch holds its clients'
# row locks until it commits, which a signer of one of them then waits for.
BATCH_SIZE = 50
T = TypeVar("T")
Step = ReackStep.Step
REFUSED = Recommendation.Status.REFUSED
OPEN = DecisionRequest.OPEN_STATUSES


# --- The practice's ladder ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ladder:
    heads_up: tuple[int, ...]  # days before valid-until, ascending
    reminders: tuple[int, ...]  # days after a request was sent, ascending
    grace_days: int


def parse_days(text: str, *, setting: str) -> tuple[int, ...]:
    """ "30,7,1" -> (1, 7, 30). A malformed value is an error, never an empty ladder."""
    try:
        days = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise ValueError(f"practice setting {setting} must list whole numbers of days, got {text!r}") from None
    if any(day < 1 for day in days):
        raise ValueError(f"practice setting {setting} must list days of 1 or more, got {text!r}")
    return tuple(days)


def ladder_of(profile: PracticeProfile) -> Ladder:
    return Ladder(
        heads_up=parse_days(profile.heads_up_days, setting="heads_up_days"),
        reminders=parse_days(profile.request_reminder_days, setting="request_reminder_days"),
        grace_days=profile.lapse_grace_days,
    )


def heads_up_step(days: int) -> str:
    return f"heads_up_{days}"


def reminder_step(days: int) -> str:
    return f"request_reminder_{days}"


# --- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepDone:
    step: str
    client: str
    item: str

    @property
    def label(self) -> str:
        return step_label(self.step)


@dataclass
class SweepReport:
    today: datetime.date
    done: list[StepDone] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return dict(Counter(entry.step for entry in self.done))

    def record(self, step: str, client: Client, items: Iterable[str]) -> None:
        self.done.extend(StepDone(step=str(step), client=client.name, item=item) for item in items)


@dataclass
class _Sweep:
    today: datetime.date
    now: datetime.datetime
    # Requests expire against this instant: never later than the real now, so a sweep run
    # "as of" a future day cannot kill a link that still works.
    as_of: datetime.datetime
    ladder: Ladder
    report: SweepReport
    managers: list[str] | None = None

    def manager_emails(self) -> list[str]:
        if self.managers is None:
            self.managers = list(
                User.objects.filter(role=User.Role.MANAGER, is_active=True)
                .exclude(email="")
                .order_by("pk")
                .values_list("email", flat=True)
            )
        return self.managers


# --- Shared pieces ------------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _claim(
    *,
    step: str,
    cycle: datetime.date,
    recommendation: Recommendation | None = None,
    request: DecisionRequest | None = None,
) -> ReackStep | None:
    """Insert the ledger row for one step; None when another run already holds it."""
    claim = ReackStep(recommendation=recommendation, request=request, cycle=cycle, step=step, done_at=timezone.now())
    return claim if insert_unless_taken(claim) else None


def _claim_items(items: list[Recommendation], *, step: str, status: str = REFUSED) -> list[Recommendation]:
    """Claim `step` for each item still in the state it was selected in (same status, same
    valid-until: not re-signed since), with one statement; returns the items this transaction
    won, in order. INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same
    key and then skips it, so two sweeps never both win an item (PostgreSQL and SQLite)."""
    if not items:
        return []
    ops = connection.ops
    step_table = ops.quote_name(ReackStep._meta.db_table)
    item_table = ops.quote_name(Recommendation._meta.db_table)
    selected = " OR ".join(["(id = %s AND valid_until = %s)"] * len(items))
    params: list[Any] = [step, ops.adapt_datetimefield_value(timezone.now()), status]
    for item in items:
        params += [item.pk, ops.adapt_datefield_value(item.valid_until)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {step_table} (recommendation_id, request_id, cycle, step, done_at) "
            f"SELECT id, NULL, valid_until, %s, %s FROM {item_table} WHERE status = %s AND ({selected}) "
            "ON CONFLICT DO NOTHING RETURNING recommendation_id",
            params,
        )
        won = {row[0] for row in cursor.fetchall()}
    return [item for item in items if item.pk in won]


def _done_in_cycle(step: str) -> Exists:
    # Served by the unique index reackstep_once_per_item_cycle_step.
    return Exists(ReackStep.objects.filter(recommendation=OuterRef("pk"), cycle=OuterRef("valid_until"), step=step))


def _refusals(*, valid_from: datetime.date, valid_to: datetime.date) -> QuerySet[Recommendation]:
    """Refusals whose valid-until lies in [valid_from, valid_to], of clients still served."""
    return (
        Recommendation.objects.filter(status=REFUSED, valid_until__gte=valid_from, valid_until__lte=valid_to)
        .exclude(client__status=Client.Status.FORMER)
        .select_related("client", "client__vcio")
        .annotate(signatory_pk=refusing_signatory())
        .order_by("client_id", "pk")
    )


@dataclass
class _Group:
    client: Client
    signatory: Contact | None
    items: list[Recommendation]


def _groups(items: list[Recommendation]) -> list[_Group]:
    """Bundle items per client and signatory (see selectors.signatories_for)."""
    signatories = signatories_for(items)
    groups: dict[tuple[int, int | None], _Group] = {}
    for item in items:
        contact = signatories[item.pk]
        key = (item.client_id, contact.pk if contact else None)
        groups.setdefault(key, _Group(client=item.client, signatory=contact, items=[])).items.append(item)
    return list(groups.values())


def _by_client(items: Iterable[Recommendation]) -> list[list[Recommendation]]:
    """The items of each client, in the order the clients first appear."""
    groups: dict[int, list[Recommendation]] = {}
    for item in items:
        groups.setdefault(item.client_id, []).append(item)
    return list(groups.values())


def _split_by_signatory(groups: list[_Group]) -> tuple[list[_Group], list[_Group]]:
    """The groups whose signatory may still sign, and those whose signatory cannot any more."""
    return [g for g in groups if may_sign(g.signatory)], [g for g in groups if not may_sign(g.signatory)]


def _claim_groups(groups: list[_Group], *, step: str, lock: bool) -> list[_Group]:
    """Claim `step` for the items of every group at once (see _claim_items); returns each group
    with the items this transaction won, leaving out groups that won none. `lock` first locks
    the items (see _still_current)."""
    items = [item for group in groups for item in group.items]
    won = {item.pk for item in _claim_items(_still_current(items) if lock else items, step=step)}
    claimed = [
        _Group(client=group.client, signatory=group.signatory, items=[item for item in group.items if item.pk in won])
        for group in groups
    ]
    return [group for group in claimed if group.items]


def _claim_and_run(
    sweep: _Sweep, groups: list[_Group], *, step: str, work: Callable[[list[_Group]], None], lock: bool = False
) -> None:
    """Per batch of groups, in one transaction (see _run_batched): claim `step` for their items,
    then do `work` for the groups that won some."""

    def claim_and_work(batch: list[_Group]) -> None:
        if claimed := _claim_groups(batch, step=step, lock=lock):
            work(claimed)

    _run_batched(sweep, groups, claim_and_work, lambda group: f"{step_label(step).lower()} for {group.client.name}")


def _still_current(items: list[Recommendation]) -> list[Recommendation]:
    """Lock the items and keep those still as selected, before a step that changes them (a
    lapse) or sends them for signature: a signer re-signing one at that moment then waits for
    this transaction instead of having their fresh refusal lapsed or re-requested. Their
    clients' rows are locked first, as every write about a client does (lock_client)."""
    lock_clients(item.client_id for item in items)
    cycles = {item.pk: item.valid_until for item in items}
    current = dict(
        Recommendation.objects.select_for_update()
        .filter(pk__in=cycles, status=REFUSED)
        .order_by("pk")
        .values_list("pk", "valid_until")
    )
    return [item for item in items if current.get(item.pk) == cycles[item.pk]]


def _run(sweep: _Sweep, what: str, work: Callable[[], None]) -> None:
    """One unit of work in its own transaction; a failure is reported and the sweep goes on."""
    try:
        with transaction.atomic():
            work()
    except Exception as error:
        logger.exception("Re-acknowledgment sweep: %s failed", what)
        sweep.report.errors.append(f"{what}: {type(error).__name__}: {error}")


def _run_batched(sweep: _Sweep, units: list[T], work: Callable[[list[T]], None], what: Callable[[T], str]) -> None:
    """Do `work` for up to BATCH_SIZE units per transaction: a statement for a whole batch costs
    about what one for a single unit does, and the sweep is mostly statements. When a batch
    fails, its units run again one per transaction, so a bad one is reported alone and the
    others still go through."""
    for start in range(0, len(units), BATCH_SIZE):
        batch = units[start : start + BATCH_SIZE]
        reported = len(sweep.report.done)
        try:
            with transaction.atomic():
                work(batch)
        except Exception:
            logger.warning("Re-acknowledgment sweep: a batch from %s failed; running it one by one", what(batch[0]))
            del sweep.report.done[reported:]
            for unit in batch:
                _run(sweep, what(unit), lambda u=unit: work([u]))


def _url(name: str, *args: Any) -> str:
    return settings.RISKREG_BASE_URL.rstrip("/") + reverse(name, args=args)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _item_lines(items: Iterable[Recommendation]) -> str:
    return "\n".join(
        f"• {item.title} ({item.level_label} risk), valid until {_day(item.valid_until)}" for item in items
    )


def _request_label(request: DecisionRequest) -> str:
    return f"{request.get_purpose_display()} request sent {_day(timezone.localdate(request.sent_at))}"


def _staff_to(client: Client, sweep: _Sweep) -> list[str]:
    """The client's vCIO; the managers when the client has no vCIO with an email."""
    vcio = client.vcio
    if vcio and vcio.is_active and vcio.email:
        return [vcio.email]
    return sweep.manager_emails()


# --- The sweep ----------------------------------------------------------------------------------


def reack_sweep(*, today: datetime.date) -> SweepReport:
    """Run every re-acknowledgment step due on `today`; safe to run any number of times."""
    now = timezone.now()
    with PracticeProfile.pinned() as profile:
        sweep = _Sweep(
            today=today,
            now=now,
            as_of=min(now, _start_of(today + datetime.timedelta(days=1))),
            ladder=ladder_of(profile),
            report=SweepReport(today=today),
        )
        # Expiry first frees the items of dead links; lapses before requests so a refusal past
        # its grace is never sent a fresh request on the same run.
        _expire_requests(sweep)
        _lapse_overdue(sweep)
        _escalate_lapses(sweep)
        _send_reack_requests(sweep)
        _send_heads_ups(sweep)
        _send_reminders(sweep)
    return sweep.report


# Heads-ups: each refusal gets the nearest rung at or above its days left, so a missed day (the
# sweep did not run) sends the nearest rung rather than a stale "30 days" notice, and never two.


def _send_heads_ups(sweep: _Sweep) -> None:
    rungs = sweep.ladder.heads_up
    if not rungs:
        return
    items = (
        _refusals(
            valid_from=sweep.today + datetime.timedelta(days=1),
            valid_to=sweep.today + datetime.timedelta(days=rungs[-1]),
        )
        .exclude(_done_in_cycle(Step.REACK_REQUEST))
        .exclude(in_open_request())
        .annotate(**{f"done_{rung}": _done_in_cycle(heads_up_step(rung)) for rung in rungs})
    )
    due: dict[int, list[Recommendation]] = {}
    for item in items:
        rung = min(rung for rung in rungs if rung >= (item.valid_until - sweep.today).days)
        if not getattr(item, f"done_{rung}"):
            due.setdefault(rung, []).append(item)
    for rung, rung_items in sorted(due.items()):
        step = heads_up_step(rung)
        signable, gone = _split_by_signatory(_groups(rung_items))
        _claim_and_run(sweep, signable, step=step, work=lambda claimed, s=step: _heads_ups(sweep, claimed, s))
        _claim_and_run(sweep, gone, step=Step.SIGNATORY_GONE, work=lambda claimed: _signatories_gone(sweep, claimed))


def _heads_ups(sweep: _Sweep, groups: list[_Group], step: str) -> None:
    for group in groups:
        _heads_up(sweep, group, step)


def _heads_up(sweep: _Sweep, group: _Group, step: str) -> None:
    client, signatory, claimed = group.client, group.signatory, group.items
    first_due = min(item.valid_until for item in claimed)
    days_left = (first_due - sweep.today).days
    them = "them" if len(claimed) > 1 else "it"
    email_enqueue(
        idempotency_key=f"reack:{step}:{claimed[0].public_id}:{claimed[0].valid_until}",
        kind="reack_heads_up",
        to=[signatory.email],
        subject=f"{client.name}: declined security recommendations to review again by {_day(first_due)}",
        template="staff_notice",
        context={
            "heading": f"Your signed refusal is due for review in {days_left} day{'s' if days_left != 1 else ''}",
            "paragraphs": [
                f"Hello {signatory.name},",
                f"{client.name} declined the security recommendation{'s' if len(claimed) > 1 else ''} below and "
                "accepted the risks. That acknowledgment is valid for a limited time, so that it stays an informed "
                "decision as threats and your business change.",
                _item_lines(claimed),
                f"On the day it ends we will email you a personal link to review {them} again: you may accept "
                f"{'a recommendation' if len(claimed) > 1 else 'it'}, or refuse it again and renew your "
                "acknowledgment. There is nothing to do today.",
            ],
            "link_url": "",
        },
        scope=client.scope,
    )
    sweep.report.record(step, client, (item.title for item in claimed))


def _signatories_gone(sweep: _Sweep, groups: list[_Group]) -> None:
    for group in groups:
        _signatory_gone(sweep, group)


def _signatory_gone(sweep: _Sweep, group: _Group) -> None:
    client, contact, claimed = group.client, group.signatory, group.items
    to = _staff_to(client, sweep)
    if not to:
        raise ValueError(f"{client.name} has no vCIO or manager with an email to ask for another signatory")
    who = contact.name if contact and contact.erased_at is None else "The person who signed them"
    email_enqueue(
        idempotency_key=f"reack:{Step.SIGNATORY_GONE}:{claimed[0].public_id}:{claimed[0].valid_until}",
        kind="reack_signatory_gone",
        to=to,
        subject=f"Choose another signatory for {client.name}'s re-acknowledgment",
        template="staff_notice",
        context={
            "heading": "A refusal is coming up for re-acknowledgment, but its signatory cannot sign",
            "paragraphs": [
                f"{len(claimed)} signed refusal{'s' if len(claimed) > 1 else ''} at {client.name} must be "
                f"re-acknowledged. {who} can no longer sign for the client (inactive, erased or no longer an "
                "authorised signatory), so no request was sent.",
                _item_lines(claimed),
                "Choose another authorised signatory and send the re-acknowledgment now. Without an answer the "
                f"refusals lapse {sweep.ladder.grace_days} days after their valid-until date.",
            ],
            "link_url": _url("register:reack_send", client.public_id),
            "link_label": "Choose a signatory and send",
        },
        scope=client.scope,
    )
    sweep.report.record(Step.SIGNATORY_GONE, client, (item.title for item in claimed))


# Re-acknowledgment requests: on valid-until, and on any later day of the grace period that the
# sweep did not run, one request per client and signatory bundling every refusal due.


def _send_reack_requests(sweep: _Sweep) -> None:
    items = list(
        _refusals(valid_from=sweep.today - datetime.timedelta(days=sweep.ladder.grace_days), valid_to=sweep.today)
        .exclude(_done_in_cycle(Step.REACK_REQUEST))
        .exclude(in_open_request())
    )
    signable, gone = _split_by_signatory(_groups(items))
    _claim_and_run(
        sweep, signable, step=Step.REACK_REQUEST, lock=True, work=lambda claimed: _reack_requests(sweep, claimed)
    )
    _claim_and_run(sweep, gone, step=Step.SIGNATORY_GONE, work=lambda claimed: _signatories_gone(sweep, claimed))


def _reack_requests(sweep: _Sweep, groups: list[_Group]) -> None:
    sent = decision_requests_send(
        actor=None,
        actor_label=SYSTEM,
        purpose=DecisionRequest.Purpose.REACKNOWLEDGMENT,
        sends=[Send(group.client, group.signatory, group.items, reack_message(group.items)) for group in groups],
    )
    # The ledger rows this transaction just claimed (and only those: an earlier cycle's row keeps
    # the request it was sent in) now name the request each item went out in.
    request_of = {item.pk: request.pk for group, (request, _) in zip(groups, sent, strict=True) for item in group.items}
    ReackStep.objects.filter(step=Step.REACK_REQUEST, request__isnull=True, recommendation__in=request_of).update(
        request_id=Case(*(When(recommendation_id=item, then=Value(request)) for item, request in request_of.items()))
    )
    for group in groups:
        sweep.report.record(Step.REACK_REQUEST, group.client, (item.title for item in group.items))


def reack_message(recommendations: list[Recommendation]) -> str:
    ends = min(item.valid_until for item in recommendations if item.valid_until)
    return (
        f"Your signed refusal of {'these recommendations' if len(recommendations) > 1 else 'this recommendation'} "
        f"was valid until {_day(ends)}. Please review {'them' if len(recommendations) > 1 else 'it'} again: accept, "
        "or refuse again to renew your acknowledgment of the risk."
    )


@transaction.atomic
def reack_request_send(
    *, actor: Any, client: Client, signatory: Contact, recommendations: list[Recommendation], message: str = ""
) -> DecisionRequest:
    """Send a re-acknowledgment request now (staff action) and record it in the ledger, so the
    sweep sends no heads-up or request of its own for these refusals in this cycle."""
    request, _ = decision_request_send(
        actor=actor,
        client=client,
        signatory=signatory,
        recommendations=recommendations,
        message=message or reack_message(recommendations),
        purpose=DecisionRequest.Purpose.REACKNOWLEDGMENT,
    )
    for recommendation in recommendations:
        if recommendation.valid_until:
            # A step already recorded (an earlier request expired or was revoked) stays as it was.
            _claim(
                step=Step.REACK_REQUEST,
                cycle=recommendation.valid_until,
                recommendation=recommendation,
                request=request,
            )
    return request


# Reminders: an open request gets the highest rung its age has reached, once; one missed by a day
# the sweep did not run is not sent late once the next rung is due.


def _send_reminders(sweep: _Sweep) -> None:
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
            sent_at__lt=_start_of(sweep.today - datetime.timedelta(days=rungs[0] - 1)),
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
            _run(sweep, f"{step} for {request.client.name}", lambda r=request, s=step: _reminder(sweep, r, s))


def _reminder(sweep: _Sweep, request: DecisionRequest, step: str) -> None:
    if not _claim(step=step, cycle=timezone.localdate(request.sent_at), request=request):
        return
    client, signatory = request.client, request.signatory
    vcio = client.vcio
    ask = f"{vcio} ({vcio.email})" if vcio and vcio.email else "your provider"
    email_enqueue(
        idempotency_key=f"reack:{step}:{request.public_id}",
        kind="request_reminder",
        to=[signatory.email],
        subject=f"Reminder: your decision is still needed for {client.name}",
        template="staff_notice",
        context={
            "heading": "A signing request is waiting for you",
            "paragraphs": [
                f"Hello {signatory.name},",
                f"On {_day(timezone.localdate(request.sent_at))} we emailed you a personal link to review security "
                f"recommendations for {client.name}. It has not been answered yet.",
                "Please open the link in that email to decide; it works until "
                f"{_day(timezone.localdate(request.expires_at))}. If you cannot find the email, ask {ask} for "
                "a new link.",
            ],
            "link_url": "",
        },
        scope=client.scope,
    )
    sweep.report.record(step, client, [_request_label(request)])


# Expiry: an open request past its expiry is closed, so it stops counting as "awaiting answer".


def _expire_requests(sweep: _Sweep) -> None:
    requests = (
        DecisionRequest.objects.filter(status__in=OPEN, expires_at__lte=sweep.as_of)
        .select_related("client", "client__vcio", "signatory")
        .order_by("pk")
    )
    for request in requests:
        _run(sweep, f"expiring a request of {request.client.name}", lambda r=request: _expire(sweep, r))


def _expire(sweep: _Sweep, request: DecisionRequest) -> None:
    if not _claim(step=Step.REQUEST_EXPIRED, cycle=timezone.localdate(request.sent_at), request=request):
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
        event_type="request.expired",
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=client.scope,
        summary=f"{request.get_purpose_display()} request expired unanswered",
        payload={"expires_at": request.expires_at.isoformat(), "purpose": request.purpose},
    )
    to = _staff_to(client, sweep)
    if to:
        email_enqueue(
            idempotency_key=f"reack:{Step.REQUEST_EXPIRED}:{request.public_id}",
            kind="request_expired",
            to=to,
            subject=f"Signing request for {client.name} expired unanswered",
            template="staff_notice",
            context={
                "heading": "A signing request expired without an answer",
                "paragraphs": [
                    f"The {request.get_purpose_display().lower()} request sent to {request.signatory.name} on "
                    f"{_day(timezone.localdate(request.sent_at))} was not answered before its link expired.",
                    "Follow up with the signatory and send a new link from the request page if they still need to "
                    "decide.",
                ],
                "link_url": _url("signing:request_detail", request.public_id),
                "link_label": "Open the request",
            },
            scope=client.scope,
        )
    sweep.report.record(Step.REQUEST_EXPIRED, client, [_request_label(request)])


# Lapses: valid-until + grace has passed with no new answer. Each refusal lapses through its
# transition, which rescores the client in the same transaction (coverage drops). Escalation is
# a step of its own, one email per vCIO listing every client that lapsed: a backlog of lapses
# makes one message for the managers, not one per client, and an escalation that failed is
# retried by the next run without lapsing anything twice.


def _lapse_overdue(sweep: _Sweep) -> None:
    overdue = (
        Recommendation.objects.filter(
            status=REFUSED, valid_until__lt=sweep.today - datetime.timedelta(days=sweep.ladder.grace_days)
        )
        .exclude(client__status=Client.Status.FORMER)
        .select_related("client")
        .order_by("client_id", "pk")
    )
    _run_batched(
        sweep,
        _by_client(overdue),
        lambda batch: _lapse(sweep, [item for items in batch for item in items]),
        lambda items: f"lapsing refusals of {items[0].client.name}",
    )


def _lapse(sweep: _Sweep, items: list[Recommendation]) -> None:
    lapsed = _claim_items(_still_current(items), step=Step.LAPSED)
    if not lapsed:
        return
    refusals_lapse(actor_label=SYSTEM, refusals=lapsed, payload={"grace_days": sweep.ladder.grace_days})
    for client_items in _by_client(lapsed):
        sweep.report.record(Step.LAPSED, client_items[0].client, (item.title for item in client_items))


def _escalate_lapses(sweep: _Sweep) -> None:
    lapsed_by_sweep = Exists(
        ReackStep.objects.filter(recommendation=OuterRef("pk"), cycle=OuterRef("valid_until"), step=Step.LAPSED)
    )
    unescalated = (
        Recommendation.objects.filter(status=Recommendation.Status.LAPSED)
        .filter(lapsed_by_sweep)
        .exclude(_done_in_cycle(Step.ESCALATED))
        .select_related("client", "client__vcio")
        .order_by("client__vcio_id", "client__name", "pk")
    )
    by_vcio: dict[int | None, list[Recommendation]] = {}
    for item in unescalated:
        by_vcio.setdefault(item.client.vcio_id, []).append(item)
    for items in by_vcio.values():
        _run(sweep, "escalating lapsed refusals", lambda i=items: _escalate(sweep, i))


def _escalate(sweep: _Sweep, items: list[Recommendation]) -> None:
    escalated = _claim_items(items, step=Step.ESCALATED, status=Recommendation.Status.LAPSED)
    if not escalated:
        return
    by_client = _by_client(escalated)
    to = sorted({*_staff_to(escalated[0].client, sweep), *sweep.manager_emails()})
    if not to:
        raise ValueError("no vCIO or manager has an email to tell about lapsed refusals")
    paragraphs = [
        "These signed refusals reached their valid-until date and were not re-acknowledged within the "
        f"{sweep.ladder.grace_days}-day grace period. They are now lapsed: the risk is open and no longer backed "
        "by a current signature. Contact each client, and send a new re-acknowledgment request from its page."
    ]
    for client_items in by_client:
        client = client_items[0].client
        paragraphs.append(
            f"{client.name} — liability coverage now {client.liability_coverage} %, risk score {client.risk_score}:\n"
            f"{_item_lines(client_items)}\n{_url('register:client_detail', client.public_id)}"
        )
    clients = [items[0].client for items in by_client]
    email_enqueue(
        idempotency_key=f"reack:{Step.ESCALATED}:{escalated[0].public_id}:{escalated[0].valid_until}",
        kind="reack_escalation",
        to=to,
        subject=f"Lapsed: {len(escalated)} refusal{'s' if len(escalated) > 1 else ''} went unanswered at "
        + (clients[0].name if len(clients) == 1 else f"{len(clients)} clients"),
        template="staff_notice",
        context={
            "heading": "Refusals have lapsed" if len(clients) > 1 else f"Refusals at {clients[0].name} have lapsed",
            "paragraphs": paragraphs,
            "link_url": _url("register:reack") + "?tab=lapsed",
            "link_label": "See every lapsed refusal",
        },
        scope=clients[0].scope if len(clients) == 1 else "",
    )
    for client_items in by_client:
        sweep.report.record(Step.ESCALATED, client_items[0].client, (item.title for item in client_items))
