"""The risk score across the portfolio: rescoring every client at once, the daily snapshots that
make trends, and a practice's tuning of the model. The model itself is in ``risk/scoring.py``; the
reads behind the breakdown and "How the score works" pages are in ``risk/selectors.py``."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, RiskSnapshot
from clients.services import practice_profile_update
from recommendations import webhook_events
from recommendations.models import Recommendation
from recommendations.risk.scoring import ClientScore, ScoreFigures, score_client, score_figures
from recommendations.risk.states import NO_EXPOSURE, ScoringConfig, ScoringItem
from recommendations.risk.stored import DUE_WINDOWS, STORED_FIELDS, stored_figures
from recommendations.selectors import scoring_config, sensitivity_of
from riskreg.accounts.models import User
from riskreg.db import rows_update

# Practice profile fields that change every client's score when they change.
SCORING_FIELDS = frozenset({"band_moderate_from", "band_high_from", "band_critical_from", "multiplier_overrides"})
ITEM_FIELDS = (
    "likelihood",
    "impact",
    "status",
    "target_date",
    "valid_until",
    "basis_changed_on",
)
# Clients per rescore transaction: the batch's row locks are held only while its figures are
# written (scoring happens before, unlocked), so a signing on one of them waits milliseconds.
BATCH_SIZE = 250
Progress = Callable[[int], None]


# --- Rescoring every client -------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    client: Client
    result: ClientScore | ScoreFigures  # the full breakdown only when a snapshot needs it
    figures: dict[str, Any]  # what the client row stores (risk/stored.py)


def _scores_of(clients: list[Client], *, today: date, config: ScoringConfig, full: bool) -> list[_Scored]:
    """Each client scored, with the figures its row should store, in one read of their recommendations."""
    items: defaultdict[int, list[ScoringItem]] = defaultdict(list)
    rows = Recommendation.objects.filter(client_id__in=[client.pk for client in clients]).order_by()
    # The breakdown names its items; the figures alone need neither the public id nor the title.
    names = ("public_id", "title") if full else ("pk",)
    for client_id, *values in rows.values_list("client_id", *names, *ITEM_FIELDS):
        key, title = (values[0], values[1]) if full else (values[0], "")
        *figures, basis_changed_on = values[len(names) :]
        items[client_id].append(ScoringItem(str(key), title, *figures, basis_changed_on is not None))
    score = score_client if full else score_figures
    scored = []
    for client in clients:
        client_items = items.get(client.pk, [])
        result = score(client_items, sensitivity_of(client), today, config)
        scored.append(_Scored(client, result, stored_figures(client_items, result, today)))
    return scored


@transaction.atomic
def _store_batch(scores: list[_Scored], *, today: date, config: ScoringConfig, full: bool) -> list[_Scored]:
    """Write a batch's figures under the batch's row locks; returns what was stored."""
    read_at = {scored.client.pk: scored.client.scored_at for scored in scores}
    # Locked in primary-key order so two portfolio runs queue instead of deadlocking.
    locked = dict(
        Client.objects.select_for_update().filter(pk__in=read_at).order_by("pk").values_list("pk", "scored_at")
    )
    # A client rescored since it was read changed meanwhile (every service rescores what it
    # changes): it is scored again now, under its lock, so its figure is both new and current.
    moved = [pk for pk, scored_at in locked.items() if scored_at != read_at[pk]]
    moved_clients = list(Client.objects.filter(pk__in=moved)) if moved else []
    fresh = _scores_of(moved_clients, today=today, config=config, full=full) if moved else []
    rescored = {scored.client.pk: scored for scored in fresh}
    stored = [rescored.get(scored.client.pk, scored) for scored in scores if scored.client.pk in locked]
    _write_scores(stored)
    return stored


def _write_scores(stored: list[_Scored]) -> None:
    """Store each client's figures (the caller holds their row locks) and stamp scored_at."""
    changed, band_changes = [], []
    for client, figures in ((scored.client, scored.figures) for scored in stored):
        if any(getattr(client, name) != value for name, value in figures.items()):
            if client.risk_band != figures["risk_band"]:
                band_changes.append((client, client.risk_band))
            for name, value in figures.items():
                setattr(client, name, value)
            changed.append(client)
    # Only the clients whose figures moved are written (on a normal night, few); one plain UPDATE
    # stamps scored_at on the whole batch.
    rows_update(changed, STORED_FIELDS)
    webhook_events.bands_changed(band_changes)
    Client.objects.filter(pk__in=[scored.client.pk for scored in stored]).update(scored_at=timezone.now())


def clients_rescore(*, clients: Iterable[Client]) -> None:
    """Rescore several clients whose rows the caller has locked, in one read of their
    recommendations and at most two writes (client_rescore does one client in one statement).
    The given instances get their new figures."""
    given = {client.pk: client for client in clients}
    current = list(Client.objects.filter(pk__in=given).order_by("pk"))
    stored = _scores_of(current, today=timezone.localdate(), config=scoring_config(), full=False)
    _write_scores(stored)
    for scored in stored:
        for name, value in scored.figures.items():
            setattr(given[scored.client.pk], name, value)


def _rescore_batches(*, today: date, config: ScoringConfig, full: bool = False) -> Iterator[list[_Scored]]:
    """Rescore every client, BATCH_SIZE at a time, each batch committed on its own; yields each
    batch once stored. A client created meanwhile past the last batch is scored by its creator."""
    after = 0
    while True:
        batch = list(Client.objects.filter(pk__gt=after).order_by("pk")[:BATCH_SIZE])
        if batch:
            scores = _scores_of(batch, today=today, config=config, full=full)
            yield _store_batch(scores, today=today, config=config, full=full)
        if len(batch) < BATCH_SIZE:
            return
        after = batch[-1].pk


def clients_rescore_all(*, today: date | None = None, progress: Progress | None = None) -> int:
    """Recompute every client's cached figures; returns how many clients were scored.

    Two reads and at most three writes per batch of BATCH_SIZE clients, never one per
    recommendation; ``progress`` is told the running count after each batch."""
    scored = 0
    for batch in _rescore_batches(today=today or timezone.localdate(), config=scoring_config()):
        scored += len(batch)
        if progress is not None:
            progress(scored)
    return scored


def refusals_due_recount(*, today: date | None = None) -> int:
    """Count again the due refusals of every client whose counts are from another day (the hourly
    refresh: on a new day, every client once; otherwise none). Returns how many were counted.

    Set-based, BATCH_SIZE clients a statement, each committed on its own so that a signing
    waits for one short batch at most; a client its service rescored meanwhile is already
    counted for today and is left alone."""
    today = today or timezone.localdate()
    refused = Recommendation.objects.filter(client=OuterRef("pk"), status=Recommendation.Status.REFUSED).order_by()

    def due_within(days: int) -> Coalesce:
        counted = refused.filter(valid_until__lte=today + timedelta(days=days)).values("client")
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), Value(0))

    recount = {"refusals_due_on": today, **{f"refusals_due_{days}": due_within(days) for days in DUE_WINDOWS}}
    stale = Client.objects.exclude(refusals_due_on=today).order_by("pk").values_list("pk", flat=True)
    counted, after = 0, 0
    while batch := list(stale.filter(pk__gt=after)[:BATCH_SIZE]):
        counted += Client.objects.filter(pk__in=batch).exclude(refusals_due_on=today).update(**recount)
        after = batch[-1]
    return counted


def practice_scoring_update(*, actor: User | None, data: dict[str, Any]) -> list[str]:
    """Save the practice profile; when a band limit or multiplier changed, rescore every client.

    The rescore runs after the profile is committed, in batches: a client changed meanwhile is
    rescored by its own service with the new rules, and no signer waits for the whole portfolio."""
    with transaction.atomic():
        changed = practice_profile_update(actor=actor, data=data)
    if SCORING_FIELDS.intersection(changed):
        clients_rescore_all()
    return changed


# --- Daily snapshots --------------------------------------------------------------------------


def snapshot_components(result: ClientScore) -> dict[str, Any]:
    counts = Counter(c.coverage_state for c in result.contributions if c.coverage_state != NO_EXPOSURE)
    return {
        "total_exposure": round(result.total_exposure, 2),
        "covered_exposure": round(result.covered_exposure, 2),
        "uncovered_exposure": round(result.weighted_uncovered_exposure, 2),
        "multiplier": result.multiplier,
        "counts": dict(sorted(counts.items())),
    }


def snapshots_take(*, today: date) -> int:
    """Store one snapshot per client for ``today``; returns how many were new.

    It refreshes every cached score first: a refusal passing its valid-until or an
    acceptance passing its target date changes a score without anyone touching it, and the
    day's snapshot and the cached figure should agree. A re-run on the same day adds nothing,
    and completes a run that stopped part-way (each batch commits its scores and snapshots).
    """
    config = scoring_config()
    taken = set(RiskSnapshot.objects.filter(taken_on=today).values_list("client_id", flat=True))
    new = 0
    for batch in _rescore_batches(today=today, config=config, full=True):
        snapshots = [
            RiskSnapshot(
                client=scored.client,
                taken_on=today,
                score=scored.result.score,
                band=scored.result.band,
                coverage=scored.figures["liability_coverage"],
                total_exposure=round(scored.result.total_exposure, 2),
                multiplier=scored.result.multiplier,
                components=snapshot_components(scored.result),
            )
            for scored in batch
            # A former client's risk is no longer the MSP's to watch; its history stops where it ended.
            if scored.client.pk not in taken and scored.client.status != Client.Status.FORMER
        ]
        # ignore_conflicts: a concurrent run that got there first wins; the unique constraint holds.
        RiskSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
        new += len(snapshots)
    return new
