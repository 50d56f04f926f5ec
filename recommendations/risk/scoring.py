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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

DRAFT = "draft"
PRESENTED = "presented"
ACCEPTED = "accepted"
IMPLEMENTED = "implemented"
REFUSED = "refused"
DEFERRED = "deferred"
WITHDRAWN = "withdrawn"
LAPSED = "lapsed"
STATUSES = frozenset({DRAFT, PRESENTED, ACCEPTED, IMPLEMENTED, REFUSED, DEFERRED, WITHDRAWN, LAPSED})
NO_EXPOSURE_STATUSES = frozenset({DRAFT, IMPLEMENTED, WITHDRAWN})

LEVEL_VERY_LOW = "very_low"
LEVEL_LOW = "low"
LEVEL_MODERATE = "moderate"
LEVEL_HIGH = "high"
LEVEL_CRITICAL = "critical"
LEVELS = (LEVEL_VERY_LOW, LEVEL_LOW, LEVEL_MODERATE, LEVEL_HIGH, LEVEL_CRITICAL)

BAND_LOW = "low"
BAND_MODERATE = "moderate"
BAND_HIGH = "high"
BAND_CRITICAL = "critical"
BANDS = (BAND_LOW, BAND_MODERATE, BAND_HIGH, BAND_CRITICAL)

COVERED_REFUSAL = "covered_refusal"
COVERED_ACCEPTANCE = "covered_acceptance"
UNCOVERED_UNSIGNED = "uncovered_unsigned"
UNCOVERED_LAPSED = "uncovered_lapsed"
UNCOVERED_EXPIRED_REFUSAL = "uncovered_expired_refusal"
UNCOVERED_OVERDUE_ACCEPTANCE = "uncovered_overdue_acceptance"
UNCOVERED_DEFERRED = "uncovered_deferred"
UNCOVERED_BASIS_CHANGED = "uncovered_basis_changed"
NO_EXPOSURE = "no_exposure"
COVERAGE_STATES = (
    COVERED_REFUSAL,
    COVERED_ACCEPTANCE,
    UNCOVERED_UNSIGNED,
    UNCOVERED_LAPSED,
    UNCOVERED_EXPIRED_REFUSAL,
    UNCOVERED_OVERDUE_ACCEPTANCE,
    UNCOVERED_DEFERRED,
    UNCOVERED_BASIS_CHANGED,
    NO_EXPOSURE,
)

INDUSTRIES = (
    "healthcare",
    "finance",
    "legal",
    "government",
    "education",
    "manufacturing",
    "retail",
    "professional_services",
    "nonprofit",
    "technology",
    "other",
)
REGULATED_DATA = ("health", "payment_card", "personal", "legal_privilege", "financial")


@dataclass(frozen=True)
class ScoringItem:
    key: str
    title: str
    likelihood: int
    impact: int
    status: str
    target_date: date | None = None
    valid_until: date | None = None
    basis_changed: bool = False


@dataclass(frozen=True)
class Sensitivity:
    industry: str
    regulated_data: frozenset[str] = frozenset()


def _default_industry_multipliers() -> Mapping[str, float]:
    multipliers = dict.fromkeys(INDUSTRIES, 1.0)
    multipliers.update(healthcare=1.5, finance=1.5, legal=1.5, government=1.3)
    return MappingProxyType(multipliers)


def _default_data_multipliers() -> Mapping[str, float]:
    return MappingProxyType(
        {
            "health": 1.5,
            "legal_privilege": 1.5,
            "financial": 1.3,
            "payment_card": 1.3,
            "personal": 1.1,
        }
    )


@dataclass(frozen=True)
class ScoringConfig:
    """Every constant of the risk model; see the module docstring for what each means.

    ``industry_multipliers`` must list every industry a client can have and
    ``data_multipliers`` every kind of regulated data: an unknown one is an error, not
    a silent 1.0, so a new choice on the model cannot quietly score as harmless.
    ``saturation`` is the exposure (after the multiplier) at which the score reaches
    about 63; ``band_limits`` are the lowest scores of moderate, high and critical.
    """

    industry_multipliers: Mapping[str, float] = field(default_factory=_default_industry_multipliers)
    data_multipliers: Mapping[str, float] = field(default_factory=_default_data_multipliers)
    saturation: float = 75.0
    critical_floor: int = 50
    band_limits: tuple[int, int, int] = (25, 50, 75)
    accepted_on_schedule_factor: float = 0.5

    def __post_init__(self) -> None:
        if self.saturation <= 0:
            raise ValueError("saturation must be positive")
        low, high, critical = self.band_limits
        if not 0 < low < high < critical <= 100:
            raise ValueError("band_limits must rise strictly within 1..100")
        # Above 1, accepting would score worse than refusing and the
        # "refusing never lowers the score" guarantee would break.
        if not 0 <= self.accepted_on_schedule_factor <= 1:
            raise ValueError("accepted_on_schedule_factor must be within 0..1")
        multipliers = [
            *self.industry_multipliers.values(),
            *self.data_multipliers.values(),
        ]
        if any(value <= 0 for value in multipliers):
            raise ValueError("multipliers must be positive")


DEFAULT_CONFIG = ScoringConfig()


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


def stored_uncovered(result: ClientScore) -> Decimal:
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
        item.status == REFUSED
        and item.valid_until is not None
        and item.valid_until >= today
        and not item.basis_changed
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


def _weight(factor: float) -> str:
    if factor == 1:
        return "counts in full (factor 1)"
    return f"counts at {factor:g} times its inherent risk"


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


_NO_EXPOSURE_REASONS = {
    IMPLEMENTED: "Implemented, so it adds no exposure.",
    WITHDRAWN: "Withdrawn: no longer recommended, so it adds no exposure.",
    DRAFT: "Still a draft, not yet raised with the client, so it adds no exposure.",
}


def _reason(item: ScoringItem, state: str, factor: float) -> str:
    weight = _weight(factor)
    if state == NO_EXPOSURE:
        return _NO_EXPOSURE_REASONS.get(item.status, "Adds no exposure.")
    if state == COVERED_REFUSAL:
        return (
            f"Refused with a signed refusal valid until {item.valid_until:%Y-%m-%d}: "
            f"{weight} and is covered by that signature."
        )
    if state == COVERED_ACCEPTANCE:
        schedule = (
            "with no target date set" if item.target_date is None else f"on schedule for {item.target_date:%Y-%m-%d}"
        )
        return f"Accepted {schedule}: {weight} until it is implemented and is covered by the client's acceptance."
    if state == UNCOVERED_OVERDUE_ACCEPTANCE:
        return (
            f"Accepted but past its target date of {item.target_date:%Y-%m-%d}: "
            f"{weight} and the acceptance no longer covers it."
        )
    if state == UNCOVERED_EXPIRED_REFUSAL:
        if item.valid_until is None:
            return f"Refused without a recorded valid-until date: {weight} and is uncovered."
        return (
            f"Refused, but the signed refusal expired on {item.valid_until:%Y-%m-%d} "
            f"and has not been re-acknowledged: {weight} and is uncovered."
        )
    if state == UNCOVERED_BASIS_CHANGED:
        return (
            "Refused, but what the refusal was signed against changed after signing (basis changed): "
            f"{weight} and is uncovered until the client re-acknowledges it."
        )
    if state == UNCOVERED_LAPSED:
        return f"Refusal lapsed because its re-acknowledgment is overdue: {weight} and is uncovered."
    if state == UNCOVERED_DEFERRED:
        return f"Deferred without a signed decision: {weight} and is uncovered."
    return f"Presented but not yet signed by the client: {weight} and is uncovered."


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
        reason=_reason(item, state, factor),
        share=0.0,
    )


def _with_share(contribution: ItemContribution, total_exposure: float) -> ItemContribution:
    if total_exposure == 0:
        return contribution
    share = round(contribution.exposure / total_exposure * 100, 1)
    return replace(contribution, share=share)


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
    raw = 100 * (1 - math.exp(-(total_exposure * multiplier) / config.saturation))
    score = min(100, max(0, round(raw)))
    if any(c.level == LEVEL_CRITICAL and c.factor >= 1 for c in contributions):
        score = max(score, config.critical_floor)
    coverage = 100.0 if total_exposure == 0 else round(covered_exposure / total_exposure * 100, 1)
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
