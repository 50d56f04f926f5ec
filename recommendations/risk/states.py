"""The risk model's vocabulary and its tunable numbers: recommendation statuses, risk levels,
bands, coverage states, industries, kinds of regulated data, ``ScoringItem`` (a recommendation as
the model reads it) and ``ScoringConfig``. The model itself, and what each number means, is in
risk/scoring.py."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
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
    """Every constant of the risk model; see risk/scoring.py's docstring for what each means.

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
