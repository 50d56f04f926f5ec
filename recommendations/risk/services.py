"""The risk score across the portfolio: rescoring every client at once, the daily snapshots that
make trends, and a practice's tuning of the model. The model itself is in ``risk/scoring.py``; the
reads behind the breakdown and "How the score works" pages are in ``risk/selectors.py``."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from clients.models import Client, RiskSnapshot
from clients.services import practice_profile_update
from recommendations import webhook_events
from recommendations.models import Recommendation
from recommendations.risk.scoring import (
    NO_EXPOSURE,
    ClientScore,
    ScoringConfig,
    ScoringItem,
    score_client,
    stored_uncovered,
)
from recommendations.selectors import scoring_config, sensitivity_of
from riskreg.accounts.models import User

# Practice profile fields that change every client's score when they change.
SCORING_FIELDS = frozenset({"band_moderate_from", "band_high_from", "band_critical_from", "multiplier_overrides"})
ITEM_FIELDS = (
    "public_id",
    "title",
    "likelihood",
    "impact",
    "status",
    "target_date",
    "valid_until",
    "basis_changed_on",
)
BATCH_SIZE = 500


# --- Rescoring every client -------------------------------------------------------------------


def _portfolio_scores(*, today: date, config: ScoringConfig) -> list[tuple[Client, ClientScore]]:
    """Every client with its fresh score, in two reads however many recommendations there are."""
    # Locked in primary-key order so two portfolio runs queue instead of deadlocking, and a
    # service that rescores one client meanwhile waits and then writes its own, newer figure.
    clients = list(Client.objects.select_for_update().order_by("pk"))
    items: defaultdict[int, list[ScoringItem]] = defaultdict(list)
    rows = Recommendation.objects.order_by().values_list("client_id", *ITEM_FIELDS)
    for client_id, public_id, *figures, basis_changed_on in rows.iterator(chunk_size=2000):
        items[client_id].append(ScoringItem(str(public_id), *figures, basis_changed_on is not None))
    return [
        (client, score_client(items.get(client.pk, ()), sensitivity_of(client), today, config)) for client in clients
    ]


def _store_scores(scores: list[tuple[Client, ClientScore]]) -> None:
    # bulk_update builds a CASE per row and is slow, so it only gets the clients whose figures
    # moved (on a normal night, few); one plain UPDATE stamps scored_at on all of them.
    changed = []
    band_changes = []
    for client, result in scores:
        figures = (result.score, result.band, Decimal(str(round(result.coverage, 1))), stored_uncovered(result))
        if (client.risk_score, client.risk_band, client.liability_coverage, client.uncovered_exposure) != figures:
            if client.risk_band != result.band:
                band_changes.append((client, client.risk_band))
            client.risk_score, client.risk_band, client.liability_coverage, client.uncovered_exposure = figures
            changed.append(client)
    Client.objects.bulk_update(
        changed, ["risk_score", "risk_band", "liability_coverage", "uncovered_exposure"], batch_size=BATCH_SIZE
    )
    webhook_events.bands_changed(band_changes)
    if scores:
        # Rows past the last locked one were created meanwhile and were not scored here.
        Client.objects.filter(pk__lte=scores[-1][0].pk).update(scored_at=timezone.now())


@transaction.atomic
def clients_rescore_all(*, today: date | None = None) -> int:
    """Recompute every client's cached score; returns how many clients were scored.

    A fixed number of queries (plus one UPDATE per batch of clients whose figures changed),
    never one per recommendation."""
    scores = _portfolio_scores(today=today or timezone.localdate(), config=scoring_config())
    _store_scores(scores)
    return len(scores)


@transaction.atomic
def practice_scoring_update(*, actor: User | None, data: dict[str, Any]) -> list[str]:
    """Save the practice profile; when a band limit or multiplier changed, rescore every client
    in the same transaction so no cached score follows the old rules."""
    # Client rows before the audit chain, as every other writer takes them (see lock_client).
    list(Client.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
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


@transaction.atomic
def snapshots_take(*, today: date) -> int:
    """Store one snapshot per client for ``today``; returns how many were new.

    It refreshes every cached score first: a refusal passing its valid-until or an
    acceptance passing its target date changes a score without anyone touching it, and the
    day's snapshot and the cached figure should agree. A re-run on the same day adds nothing.
    """
    scores = _portfolio_scores(today=today, config=scoring_config())
    _store_scores(scores)
    taken = set(RiskSnapshot.objects.filter(taken_on=today).values_list("client_id", flat=True))
    snapshots = [
        RiskSnapshot(
            client=client,
            taken_on=today,
            score=result.score,
            band=result.band,
            coverage=Decimal(str(round(result.coverage, 1))),
            total_exposure=round(result.total_exposure, 2),
            multiplier=result.multiplier,
            components=snapshot_components(result),
        )
        for client, result in scores
        # A former client's risk is no longer the MSP's to watch; its history stops where it ended.
        if client.pk not in taken and client.status != Client.Status.FORMER
    ]
    # ignore_conflicts: a concurrent run that got there first wins; the unique constraint holds.
    RiskSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(snapshots)
