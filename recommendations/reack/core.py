"""The re-acknowledgment sweep's shared machinery: the practice's ladder, the sweep's report and
state, and the pieces every step uses: claiming a step in the ledger (once per item, cycle and
step), set-based selection of the refusals due, grouping by client and signatory, batched
transactions that report a failing unit alone, and the small text helpers of the emails. The
package docstring says how they fit together.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from clients.locking import lock_clients
from clients.models import Client, Contact, PracticeProfile
from recommendations.models import DecisionRequest, ReackStep, Recommendation, step_label
from recommendations.selectors import may_sign, refusing_signatory, signatories_for
from riskreg.accounts.models import User
from riskreg.db import insert_unless_taken
from riskreg.mail.services import emails_batched

# One logger for the whole sweep, whichever of its modules writes the record.
logger = logging.getLogger("recommendations.reack")

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
class Sweep:
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


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def claim_step(
    *,
    step: str,
    cycle: datetime.date,
    recommendation: Recommendation | None = None,
    request: DecisionRequest | None = None,
) -> ReackStep | None:
    """Insert the ledger row for one step; None when another run already holds it."""
    claim = ReackStep(recommendation=recommendation, request=request, cycle=cycle, step=step, done_at=timezone.now())
    return claim if insert_unless_taken(claim) else None


def claim_items(items: list[Recommendation], *, step: str, status: str = REFUSED) -> list[Recommendation]:
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
    # Without it SQLite reads the status index from the first refusal on (150,000 of them at
    # 10,000 clients, 0.6 s a statement) instead of looking the pairs up by primary key.
    by_key = " NOT INDEXED" if connection.vendor == "sqlite" else ""
    params: list[Any] = [step, ops.adapt_datetimefield_value(timezone.now()), status]
    for item in items:
        params += [item.pk, ops.adapt_datefield_value(item.valid_until)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {step_table} (recommendation_id, request_id, cycle, step, done_at) "
            f"SELECT id, NULL, valid_until, %s, %s FROM {item_table}{by_key} WHERE status = %s AND ({selected}) "
            "ON CONFLICT DO NOTHING RETURNING recommendation_id",
            params,
        )
        won = {row[0] for row in cursor.fetchall()}
    return [item for item in items if item.pk in won]


def done_in_cycle(step: str) -> Exists:
    # Served by the unique index reackstep_once_per_item_cycle_step.
    return Exists(ReackStep.objects.filter(recommendation=OuterRef("pk"), cycle=OuterRef("valid_until"), step=step))


def refusals_between(*, valid_from: datetime.date, valid_to: datetime.date) -> QuerySet[Recommendation]:
    """Refusals whose valid-until lies in [valid_from, valid_to], of clients still served."""
    return (
        Recommendation.objects.filter(status=REFUSED, valid_until__gte=valid_from, valid_until__lte=valid_to)
        .exclude(client__status=Client.Status.FORMER)
        .select_related("client", "client__vcio")
        .annotate(signatory_pk=refusing_signatory())
        .order_by("client_id", "pk")
    )


@dataclass
class Group:
    client: Client
    signatory: Contact | None
    items: list[Recommendation]


def signatory_groups(items: list[Recommendation]) -> list[Group]:
    """Bundle items per client and signatory (see selectors.signatories_for)."""
    signatories = signatories_for(items)
    groups: dict[tuple[int, int | None], Group] = {}
    for item in items:
        contact = signatories[item.pk]
        key = (item.client_id, contact.pk if contact else None)
        groups.setdefault(key, Group(client=item.client, signatory=contact, items=[])).items.append(item)
    return list(groups.values())


def items_by_client(items: Iterable[Recommendation]) -> list[list[Recommendation]]:
    """The items of each client, in the order the clients first appear."""
    groups: dict[int, list[Recommendation]] = {}
    for item in items:
        groups.setdefault(item.client_id, []).append(item)
    return list(groups.values())


def split_by_signatory(groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """The groups whose signatory may still sign, and those whose signatory cannot any more."""
    return [g for g in groups if may_sign(g.signatory)], [g for g in groups if not may_sign(g.signatory)]


def _claim_groups(groups: list[Group], *, step: str, lock: bool) -> list[Group]:
    """Claim `step` for the items of every group at once (see claim_items); returns each group
    with the items this transaction won, leaving out groups that won none. `lock` first locks
    the items (see still_current)."""
    items = [item for group in groups for item in group.items]
    won = {item.pk for item in claim_items(still_current(items) if lock else items, step=step)}
    claimed = [
        Group(client=group.client, signatory=group.signatory, items=[item for item in group.items if item.pk in won])
        for group in groups
    ]
    return [group for group in claimed if group.items]


def claim_and_run(
    sweep: Sweep, groups: list[Group], *, step: str, work: Callable[[list[Group]], None], lock: bool = False
) -> None:
    """Per batch of groups, in one transaction (see run_batched): claim `step` for their items,
    then do `work` for the groups that won some."""

    def claim_and_work(batch: list[Group]) -> None:
        if claimed := _claim_groups(batch, step=step, lock=lock):
            work(claimed)

    run_batched(sweep, groups, claim_and_work, lambda group: f"{step_label(step).lower()} for {group.client.name}")


def still_current(items: list[Recommendation]) -> list[Recommendation]:
    """Lock the items and keep those still as selected, before a step that changes them (a
    lapse) or sends them for signature: a signer re-signing one at that moment then waits for
    this transaction instead of having their fresh refusal lapsed or re-requested. Their
    clients' rows are locked first, as every write about a client does (lock_client)."""
    lock_clients(item.client_id for item in items)
    cycles = {item.pk: item.valid_until for item in items}
    # The status is checked here, not in the WHERE clause: with it there, SQLite read the status
    # index (every refusal) rather than the primary key.
    current = {
        pk: valid_until
        for pk, valid_until, status in Recommendation.objects.select_for_update()
        .filter(pk__in=cycles)
        .order_by("pk")
        .values_list("pk", "valid_until", "status")
        if status == REFUSED
    }
    return [item for item in items if current.get(item.pk) == cycles[item.pk]]


def run_unit(sweep: Sweep, what: str, work: Callable[[], None]) -> None:
    """One unit of work in its own transaction; a failure is reported and the sweep goes on."""
    try:
        with transaction.atomic(), emails_batched():
            work()
    except Exception as error:
        logger.exception("Re-acknowledgment sweep: %s failed", what)
        sweep.report.errors.append(f"{what}: {type(error).__name__}: {error}")


def run_batched(sweep: Sweep, units: list[T], work: Callable[[list[T]], None], what: Callable[[T], str]) -> None:
    """Do `work` for up to BATCH_SIZE units per transaction: a statement for a whole batch costs
    about what one for a single unit does, and the sweep is mostly statements. When a batch
    fails, its units run again one per transaction, so a bad one is reported alone and the
    others still go through."""
    for start in range(0, len(units), BATCH_SIZE):
        batch = units[start : start + BATCH_SIZE]
        reported = len(sweep.report.done)
        try:
            with transaction.atomic(), emails_batched():
                work(batch)
        except Exception:
            logger.warning("Re-acknowledgment sweep: a batch from %s failed; running it one by one", what(batch[0]))
            del sweep.report.done[reported:]
            for unit in batch:
                run_unit(sweep, what(unit), lambda u=unit: work([u]))


def long_date(value: datetime.date) -> str:
    """A day in words, in the active language: "5 December 2026", "5 décembre 2026"."""
    return date_format(value, "j F Y")


def notice_items(items: Iterable[Recommendation]) -> list[dict[str, Any]]:
    """The refusals a notice lists (templates/emails/notices/_items)."""
    return [{"title": item.title, "level_label": item.level_label, "valid_until": item.valid_until} for item in items]


def staff_to(client: Client, sweep: Sweep) -> list[str]:
    """The client's vCIO; the managers when the client has no vCIO with an email."""
    vcio = client.vcio
    if vcio and vcio.is_active and vcio.email:
        return [vcio.email]
    return sweep.manager_emails()
