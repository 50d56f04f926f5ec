"""How a client's risk score, band and liability coverage are worked out.

This module is the single source of truth for the risk model. It is pure: it takes
plain data (``ScoringItem``, ``Sensitivity``, a date) and returns plain data
(``ClientScore``), so the same numbers appear on the dashboard, the breakdown page,
the risk snapshots and in tests. Every tunable number lives in ``ScoringConfig``;
``DEFAULT_CONFIG`` holds the defaults described below.

1. Inherent risk of a recommendation
   Likelihood (1-5) times impact (1-5), so 1 to 25. It is shown as a level:
   very low (1-3), low (4-6), moderate (7-12), high (15-16), critical (20-25).

2. Exposure of a recommendation
   Inherent risk times a status factor that says how much of that risk is still open:

   - implemented, withdrawn: 0 (the risk is gone or no longer recommended);
   - draft: 0 (not yet raised with the client, so not yet the client's risk);
   - accepted and on schedule (no target date, or the target date is today or later):
     0.5 (the client has committed to the fix, but it is not done yet);
   - everything else that is open (presented, deferred, refused, lapsed, and accepted
     but past its target date): 1, the full risk.

3. Client sensitivity multiplier
   The same gap matters more for a clinic than for a florist. The multiplier is the
   largest of the client's industry multiplier (healthcare, finance, legal 1.5;
   government 1.3; others 1.0) and one multiplier per kind of regulated data held
   (health 1.5, legal privilege 1.5, financial 1.3, payment card 1.3, personal 1.1).
   It is the largest, not the product, so it never exceeds 1.5 however many boxes are
   ticked.

4. Risk score (0-100)
   score = 100 x (1 - e^(-(total exposure x multiplier) / 75)), rounded.
   The curve rises steeply at first and flattens towards 100, so piling on more small
   items can never push the score past 100. A critical item that is fully open
   (presented, deferred, refused, lapsed or overdue) puts the score at 50 at least:
   one critical refusal is already a high-risk client. Bands: low below 25, moderate from 25, high
   from 50, critical from 75.

5. Liability coverage (0-100 %)
   The share of the open exposure that is backed by a current signed decision from
   the client: a signed refusal still inside its valid-until date, or an accepted item
   on schedule. Presented-but-unsigned, deferred, lapsed, expired and overdue items are
   uncovered, and so is a refusal whose basis changed (point 7). Low coverage means risk
   the client has never put their name to, which is the MSP's own liability. A client
   with no open exposure has 100 % coverage: nothing is open, so nothing is uncovered.

6. Uncovered exposure
   The open exposure not backed by a current signed decision, times the client's
   multiplier: the sum, over the uncovered items, of inherent risk x status factor x
   multiplier. It is in the same units as the breakdown (the score's curve reaches about
   63 at 75), so it says how much of the score the MSP carries without the client's
   signature. Coverage is a share and hides size: 0 % of a single low item and 0 % of
   three critical refusals read the same; uncovered exposure does not.

7. Basis changed
   A signed refusal covers the risk the client was shown. When that risk gets materially worse
   after signing - the recommendation's likelihood or impact is raised, the client's industry
   or regulated data change so that its multiplier rises, or the service agreement's
   exclusions change - the refusal is marked "basis changed" and stops counting as covered
   until the client signs again (a re-acknowledgment). Lowering a risk changes nothing: the
   client accepted more than is now at stake.

The model guarantees, and tests check, that refusing a recommendation never lowers the
score, implementing one never raises it, signing a refusal never lowers coverage and a
refusal lapsing never raises coverage.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from recommendations.risk.reasons import reason_for
from recommendations.risk.states import (
    ACCEPTED,
    BAND_CRITICAL,
    BAND_HIGH,
    BAND_LOW,
    BAND_MODERATE,
    COVERED_ACCEPTANCE,
    COVERED_REFUSAL,
    DEFAULT_CONFIG,
    DEFERRED,
    LAPSED,
    LEVEL_CRITICAL,
    LEVEL_HIGH,
    LEVEL_LOW,
    LEVEL_MODERATE,
    LEVEL_VERY_LOW,
    NO_EXPOSURE,
    NO_EXPOSURE_STATUSES,
    PRESENTED,
    REFUSED,
    STATUSES,
    UNCOVERED_BASIS_CHANGED,
    UNCOVERED_DEFERRED,
    UNCOVERED_EXPIRED_REFUSAL,
    UNCOVERED_LAPSED,
    UNCOVERED_OVERDUE_ACCEPTANCE,
    UNCOVERED_UNSIGNED,
    ScoringConfig,
    ScoringItem,
)


@dataclass(frozen=True)
class Sensitivity:
    industry: str
    regulated_data: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ItemContribution:
    item: ScoringItem
    inherent: int
    level: str
    factor: float
    exposure: float
    covered: bool
    coverage_state: str
    reason: str
    share: float


@dataclass(frozen=True)
class ClientScore:
    score: int
    band: str
    coverage: float
    multiplier: float
    total_exposure: float
    covered_exposure: float
    contributions: tuple[ItemContribution, ...]

    @property
    def uncovered_exposure(self) -> float:
        """Open exposure without a current signature, before the multiplier (the breakdown's total)."""
        return self.total_exposure - self.covered_exposure

    @property
    def uncovered_contributions(self) -> tuple[ItemContribution, ...]:
        return tuple(c for c in self.contributions if c.exposure > 0 and not c.covered)

    @property
    def weighted_uncovered_exposure(self) -> float:
        """Uncovered exposure (section 6 of the module docstring): what the dashboard ranks by."""
        return weighted_exposure(self.uncovered_contributions, self.multiplier)


def weighted_exposure(contributions: Iterable[ItemContribution], multiplier: float) -> float:
    return math.fsum(c.exposure for c in contributions) * multiplier


def stored_uncovered(result: "ClientScore | ScoreFigures") -> Decimal:
    """The uncovered exposure as the client row caches it (one decimal)."""
    return Decimal(str(round(result.weighted_uncovered_exposure, 1)))


def risk_level(likelihood: int, impact: int) -> str:
    """Level of an inherent risk; products 13, 14, 17-19 cannot occur on a 5x5 grid."""
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= value <= 5:
            raise ValueError(f"{name} must be within 1..5, got {value!r}")
    inherent = likelihood * impact
    if inherent <= 3:
        return LEVEL_VERY_LOW
    if inherent <= 6:
        return LEVEL_LOW
    if inherent <= 12:
        return LEVEL_MODERATE
    if inherent <= 19:
        return LEVEL_HIGH
    return LEVEL_CRITICAL


def _check_status(item: ScoringItem) -> None:
    if item.status not in STATUSES:
        raise ValueError(f"unknown status {item.status!r} on item {item.key}")


def _accepted_on_schedule(item: ScoringItem, today: date) -> bool:
    return item.status == ACCEPTED and (item.target_date is None or item.target_date >= today)


def _refusal_current(item: ScoringItem, today: date) -> bool:
    return (
        item.status == REFUSED and item.valid_until is not None and item.valid_until >= today and not item.basis_changed
    )


def status_factor(item: ScoringItem, today: date, config: ScoringConfig = DEFAULT_CONFIG) -> float:
    """Share of the inherent risk still open: 0, the on-schedule factor or 1."""
    _check_status(item)
    if item.status in NO_EXPOSURE_STATUSES:
        return 0.0
    if _accepted_on_schedule(item, today):
        return config.accepted_on_schedule_factor
    return 1.0


def is_covered(item: ScoringItem, today: date) -> bool:
    """True when a current signed decision stands behind the item's open risk."""
    _check_status(item)
    return _refusal_current(item, today) or _accepted_on_schedule(item, today)


def sensitivity_multiplier(sensitivity: Sensitivity, config: ScoringConfig = DEFAULT_CONFIG) -> float:
    """Largest of the industry multiplier and each regulated-data multiplier."""
    try:
        multipliers = [config.industry_multipliers[sensitivity.industry]]
    except KeyError:
        raise ValueError(f"no multiplier for industry {sensitivity.industry!r}") from None
    for kind in sorted(sensitivity.regulated_data):
        try:
            multipliers.append(config.data_multipliers[kind])
        except KeyError:
            raise ValueError(f"no multiplier for regulated data {kind!r}") from None
    return max(multipliers)


def band_for(score: int, config: ScoringConfig = DEFAULT_CONFIG) -> str:
    moderate, high, critical = config.band_limits
    if score < moderate:
        return BAND_LOW
    if score < high:
        return BAND_MODERATE
    if score < critical:
        return BAND_HIGH
    return BAND_CRITICAL


def _coverage_state(item: ScoringItem, today: date, factor: float) -> str:
    if factor == 0:
        return NO_EXPOSURE
    if _refusal_current(item, today):
        return COVERED_REFUSAL
    if _accepted_on_schedule(item, today):
        return COVERED_ACCEPTANCE
    if item.status == REFUSED and item.basis_changed:
        return UNCOVERED_BASIS_CHANGED
    return {
        PRESENTED: UNCOVERED_UNSIGNED,
        DEFERRED: UNCOVERED_DEFERRED,
        LAPSED: UNCOVERED_LAPSED,
        REFUSED: UNCOVERED_EXPIRED_REFUSAL,
        ACCEPTED: UNCOVERED_OVERDUE_ACCEPTANCE,
    }[item.status]


def _contribution(item: ScoringItem, today: date, config: ScoringConfig) -> ItemContribution:
    factor = status_factor(item, today, config)
    inherent = item.likelihood * item.impact
    state = _coverage_state(item, today, factor)
    return ItemContribution(
        item=item,
        inherent=inherent,
        level=risk_level(item.likelihood, item.impact),
        factor=factor,
        exposure=inherent * factor,
        # A zero-exposure item adds nothing to either side of the coverage ratio.
        covered=factor > 0 and is_covered(item, today),
        coverage_state=state,
        reason=reason_for(item, state, factor),
        share=0.0,
    )


def _with_share(contribution: ItemContribution, total_exposure: float) -> ItemContribution:
    if total_exposure == 0:
        return contribution
    share = round(contribution.exposure / total_exposure * 100, 1)
    return replace(contribution, share=share)


def _score_and_coverage(
    *, total_exposure: float, covered_exposure: float, critical_open: bool, multiplier: float, config: ScoringConfig
) -> tuple[int, float]:
    raw = 100 * (1 - math.exp(-(total_exposure * multiplier) / config.saturation))
    score = min(100, max(0, round(raw)))
    if critical_open:
        score = max(score, config.critical_floor)
    coverage = 100.0 if total_exposure == 0 else round(covered_exposure / total_exposure * 100, 1)
    return score, coverage


def score_client(
    items: Iterable[ScoringItem],
    sensitivity: Sensitivity,
    today: date,
    config: ScoringConfig = DEFAULT_CONFIG,
) -> ClientScore:
    """Score, band, coverage and per-item breakdown for one client on ``today``."""
    contributions = [_contribution(item, today, config) for item in items]
    total_exposure = math.fsum(c.exposure for c in contributions)
    covered_exposure = math.fsum(c.exposure for c in contributions if c.covered)
    multiplier = sensitivity_multiplier(sensitivity, config)
    score, coverage = _score_and_coverage(
        total_exposure=total_exposure,
        covered_exposure=covered_exposure,
        critical_open=any(c.level == LEVEL_CRITICAL and c.factor >= 1 for c in contributions),
        multiplier=multiplier,
        config=config,
    )
    ordered = sorted(contributions, key=lambda c: (-c.exposure, c.item.title, c.item.key))
    return ClientScore(
        score=score,
        band=band_for(score, config),
        coverage=coverage,
        multiplier=multiplier,
        total_exposure=total_exposure,
        covered_exposure=covered_exposure,
        contributions=tuple(_with_share(c, total_exposure) for c in ordered),
    )


@dataclass(frozen=True)
class ScoreFigures:
    """A client's figures without the item-by-item breakdown: what a portfolio rescore stores."""

    score: int
    band: str
    coverage: float
    weighted_uncovered_exposure: float


def score_figures(
    items: Iterable[ScoringItem],
    sensitivity: Sensitivity,
    today: date,
    config: ScoringConfig = DEFAULT_CONFIG,
) -> ScoreFigures:
    """``score_client``'s figures, by the same rules, without the breakdown's reasons, shares and
    order: rescoring the whole portfolio spent most of its time writing sentences nobody read."""
    exposures, covered, uncovered = [], [], []
    critical_open = False
    for item in items:
        factor = status_factor(item, today, config)
        exposure = item.likelihood * item.impact * factor
        critical_open = critical_open or (risk_level(item.likelihood, item.impact) == LEVEL_CRITICAL and factor >= 1)
        exposures.append(exposure)
        # A zero-exposure item adds nothing to either side of the coverage ratio.
        (covered if factor > 0 and is_covered(item, today) else uncovered).append(exposure)
    multiplier = sensitivity_multiplier(sensitivity, config)
    score, coverage = _score_and_coverage(
        total_exposure=math.fsum(exposures),
        covered_exposure=math.fsum(covered),
        critical_open=critical_open,
        multiplier=multiplier,
        config=config,
    )
    return ScoreFigures(score, band_for(score, config), coverage, math.fsum(uncovered) * multiplier)
