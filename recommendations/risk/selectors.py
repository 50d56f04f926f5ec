"""Reads behind the risk pages: one client's breakdown and trend, and "How the score works"."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from clients.models import Client, PracticeProfile, RiskSnapshot
from recommendations.models import RISK_LEVEL_LABELS, Recommendation
from recommendations.risk.review import ReviewRule
from recommendations.risk.scoring import (
    COVERED_ACCEPTANCE,
    COVERED_REFUSAL,
    LEVEL_CRITICAL,
    NO_EXPOSURE,
    UNCOVERED_BASIS_CHANGED,
    UNCOVERED_DEFERRED,
    UNCOVERED_EXPIRED_REFUSAL,
    UNCOVERED_LAPSED,
    UNCOVERED_OVERDUE_ACCEPTANCE,
    UNCOVERED_UNSIGNED,
    ClientScore,
    ItemContribution,
    ScoringConfig,
    ScoringItem,
    Sensitivity,
    score_client,
)
from recommendations.risk.states import BANDS
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of

TREND_DAYS = 365

COVERAGE_WORDS = {
    COVERED_REFUSAL: "Covered: signed refusal, still current",
    COVERED_ACCEPTANCE: "Covered: accepted, on schedule",
    UNCOVERED_UNSIGNED: "Uncovered: presented, not signed",
    UNCOVERED_DEFERRED: "Uncovered: deferred, no signed decision",
    UNCOVERED_BASIS_CHANGED: "Uncovered: basis changed since signing",
    UNCOVERED_LAPSED: "Uncovered: refusal lapsed",
    UNCOVERED_EXPIRED_REFUSAL: "Uncovered: signed refusal expired",
    UNCOVERED_OVERDUE_ACCEPTANCE: "Uncovered: accepted, past its target date",
    NO_EXPOSURE: "Not counted",
}
DATA_FLAG_FIELDS = {
    "health": "holds_health_data",
    "payment_card": "holds_payment_card_data",
    "personal": "holds_personal_data",
    "legal_privilege": "holds_legal_privilege",
    "financial": "holds_financial_data",
}
BAND_LABELS = dict(Client.Band.choices)


def data_label(kind: str) -> str:
    return str(Client._meta.get_field(DATA_FLAG_FIELDS[kind]).verbose_name)


def industry_label(industry: str) -> str:
    return str(Client.Industry(industry).label)


# --- Breakdown page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionRow:
    public_id: str
    title: str
    status: str
    status_label: str
    level: str
    level_label: str
    likelihood: int
    impact: int
    inherent: int
    factor: float
    exposure: float
    covered: bool
    coverage_words: str
    share: float
    reason: str


@dataclass(frozen=True)
class MultiplierSource:
    label: str
    value: float
    applies: bool


@dataclass(frozen=True)
class TrendTick:
    position: float
    label: str


@dataclass(frozen=True)
class TrendBand:
    band: str
    label: str
    y: float
    height: float


@dataclass(frozen=True)
class TrendChart:
    """Everything an inline SVG needs, in SVG user units; the template only places it."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    bands: tuple[TrendBand, ...]
    y_ticks: tuple[TrendTick, ...]
    x_ticks: tuple[TrendTick, ...]
    score_points: str
    coverage_points: str
    last_x: float
    last_y: float
    last_score: int
    first_on: date
    last_on: date
    first_score: int
    lowest: int
    highest: int
    monthly: tuple[tuple[str, int, Decimal], ...]

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def y_label_x(self) -> int:
        return self.left - 5

    @property
    def tick_end(self) -> float:
        return self.bottom + 4

    @property
    def x_label_y(self) -> int:
        return self.height - 6

    @property
    def summary(self) -> str:
        return (
            f"Risk score from {self.first_score} on {self.first_on:%Y-%m-%d} to {self.last_score} on "
            f"{self.last_on:%Y-%m-%d}; lowest {self.lowest}, highest {self.highest}."
        )


@dataclass(frozen=True)
class RiskBreakdown:
    today: date
    result: ClientScore
    config: ScoringConfig
    contributing: tuple[ContributionRow, ...]
    not_counted: tuple[ContributionRow, ...]
    multiplier_sources: tuple[MultiplierSource, ...]
    weighted_exposure: float
    curve_score: int
    floor_applied: bool
    trend: TrendChart | None

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.result.band]

    @property
    def uncovered_exposure(self) -> float:
        return self.result.uncovered_exposure


def _row(contribution: ItemContribution, status_labels: dict[str, str]) -> ContributionRow:
    item = contribution.item
    return ContributionRow(
        public_id=item.key,
        title=item.title,
        status=item.status,
        status_label=status_labels[item.status],
        level=contribution.level,
        level_label=RISK_LEVEL_LABELS[contribution.level],
        likelihood=item.likelihood,
        impact=item.impact,
        inherent=contribution.inherent,
        factor=contribution.factor,
        exposure=contribution.exposure,
        covered=contribution.covered,
        coverage_words=COVERAGE_WORDS[contribution.coverage_state],
        share=contribution.share,
        reason=contribution.reason,
    )


def multiplier_sources(sensitivity: Sensitivity, config: ScoringConfig) -> tuple[MultiplierSource, ...]:
    """Each thing that sets the client's multiplier; the largest one applies."""
    sources = [(f"Industry: {industry_label(sensitivity.industry)}", config.industry_multipliers[sensitivity.industry])]
    sources += [
        (f"Holds {data_label(kind).lower()}", config.data_multipliers[kind])
        for kind in sorted(sensitivity.regulated_data)
    ]
    largest = max(value for _, value in sources)
    first_largest = next(index for index, (_, value) in enumerate(sources) if value == largest)
    return tuple(MultiplierSource(label, value, index == first_largest) for index, (label, value) in enumerate(sources))


def client_risk_breakdown(*, client: Client, today: date) -> RiskBreakdown:
    """The score of ``client`` on ``today``, item by item, with its last 12 months. Three queries."""
    config = scoring_config()
    sensitivity = sensitivity_of(client)
    result = score_client(scoring_items_for_client(client), sensitivity, today, config)
    status_labels = dict(Recommendation.Status.choices)
    rows = [_row(c, status_labels) for c in result.contributions]
    weighted = result.total_exposure * result.multiplier
    curve = min(100, max(0, round(100 * (1 - math.exp(-weighted / config.saturation)))))
    critical_open = any(c.level == LEVEL_CRITICAL and c.factor >= 1 for c in result.contributions)
    return RiskBreakdown(
        today=today,
        result=result,
        config=config,
        contributing=tuple(row for row in rows if row.exposure > 0),
        not_counted=tuple(row for row in rows if row.exposure == 0),
        multiplier_sources=multiplier_sources(sensitivity, config),
        weighted_exposure=weighted,
        curve_score=curve,
        floor_applied=critical_open and result.score > curve,
        trend=trend_chart(snapshot_series(client=client, today=today), today=today, config=config),
    )


def snapshot_series(*, client: Client, today: date) -> list[tuple[date, int, Decimal]]:
    since = today - timedelta(days=TREND_DAYS)
    return list(
        RiskSnapshot.objects.filter(client=client, taken_on__gt=since, taken_on__lte=today)
        .order_by("taken_on")
        .values_list("taken_on", "score", "coverage")
    )


# --- Trend chart geometry (pure) ----------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 960, 240
CHART_LEFT, CHART_RIGHT_PAD, CHART_TOP, CHART_BOTTOM_PAD = 34, 14, 10, 26


def _month_starts(start: date, end: date) -> list[date]:
    month = date(start.year, start.month, 1)
    months = []
    while month <= end:
        if month > start:
            months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _month_label(month: date, *, first: bool) -> str:
    # The year goes on each January, and on the first month unless a January follows closely
    # (two long labels side by side would overlap).
    if month.month == 1 or (first and month.month < 11):
        return f"{month:%b %Y}"
    return f"{month:%b}"


def trend_chart(series: list[tuple[date, int, Decimal]], *, today: date, config: ScoringConfig) -> TrendChart | None:
    """Geometry of the 12-month trend: score line, coverage line, band backgrounds, ticks."""
    if not series:
        return None
    start = today - timedelta(days=TREND_DAYS)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT_PAD
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM_PAD

    def x(day: date) -> float:
        return round(CHART_LEFT + (day - start).days / TREND_DAYS * plot_width, 1)

    def y(value: float) -> float:
        return round(CHART_TOP + (100 - float(value)) / 100 * plot_height, 1)

    edges = [0, *config.band_limits, 100]
    bands = tuple(
        TrendBand(band, BAND_LABELS[band], y(edges[i + 1]), round(y(edges[i]) - y(edges[i + 1]), 1))
        for i, band in enumerate(BANDS)
    )
    months = _month_starts(start, today)
    x_ticks = tuple(TrendTick(x(m), _month_label(m, first=m == months[0])) for m in months)
    scores = [score for _, score, _ in series]
    monthly: dict[str, tuple[str, int, Decimal]] = {}
    for day, score, coverage in series:
        monthly[f"{day:%Y-%m}"] = (f"{day:%b %Y}", score, coverage)
    last_day, last_score, _ = series[-1]
    return TrendChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=CHART_LEFT,
        right=CHART_LEFT + plot_width,
        top=CHART_TOP,
        bottom=CHART_TOP + plot_height,
        bands=bands,
        y_ticks=tuple(TrendTick(y(value), str(value)) for value in edges),
        x_ticks=x_ticks,
        score_points=" ".join(f"{x(day)},{y(score)}" for day, score, _ in series),
        coverage_points=" ".join(f"{x(day)},{y(coverage)}" for day, _, coverage in series),
        last_x=x(last_day),
        last_y=y(last_score),
        last_score=last_score,
        first_on=series[0][0],
        last_on=last_day,
        first_score=series[0][1],
        lowest=min(scores),
        highest=max(scores),
        monthly=tuple(monthly.values()),
    )


# --- "How the score works" ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedExample:
    situation: str
    score: int
    band: str
    coverage: float
    arithmetic: str
    uncovered: float


def _worked_example(
    situation: str, items: list[ScoringItem], sensitivity: Sensitivity, today: date, config: ScoringConfig
) -> WorkedExample:
    result = score_client(items, sensitivity, today, config)
    weighted = result.total_exposure * result.multiplier
    curve = round(100 * (1 - math.exp(-weighted / config.saturation)))
    arithmetic = (
        f"{result.total_exposure:g} × {result.multiplier:g} = {weighted:g}; "
        f"100 × (1 − e^(−{weighted:g} ÷ {config.saturation:g})) ≈ {curve}"
    )
    if result.score > curve:
        arithmetic += f", raised to {config.critical_floor} because a critical item is fully open"
    return WorkedExample(
        situation,
        result.score,
        BAND_LABELS[result.band],
        result.coverage,
        arithmetic,
        result.weighted_uncovered_exposure,
    )


def scoring_help_facts(*, today: date) -> dict[str, Any]:
    """The live numbers the "How the score works" page explains."""
    profile = PracticeProfile.load()
    config = scoring_config(profile)
    later = today + timedelta(days=60)
    plain = Sensitivity(industry="retail")
    clinic = Sensitivity(industry="healthcare", regulated_data=frozenset({"health"}))
    critical_refused = ScoringItem("a", "Multi-factor authentication", 5, 5, "refused", valid_until=later)
    examples = [
        _worked_example(
            "A retailer refused one critical item (5 × 5) and signed the refusal.",
            [critical_refused],
            plain,
            today,
            config,
        ),
        _worked_example(
            "A clinic holding health information left the same item presented and unsigned.",
            [ScoringItem("a", "Multi-factor authentication", 5, 5, "presented")],
            clinic,
            today,
            config,
        ),
        _worked_example(
            "A retailer has six low items (2 × 2) presented and unsigned.",
            [ScoringItem(str(n), f"Low item {n}", 2, 2, "presented") for n in range(6)],
            plain,
            today,
            config,
        ),
        _worked_example(
            "A retailer accepted a high item (4 × 4) and it is on schedule.",
            [ScoringItem("a", "Endpoint detection", 4, 4, "accepted", target_date=later)],
            plain,
            today,
            config,
        ),
    ]
    moderate, high, critical = config.band_limits
    return {
        "config": config,
        "bands": [
            ("Low", f"below {moderate}"),
            ("Moderate", f"{moderate} to {high - 1}"),
            ("High", f"{high} to {critical - 1}"),
            ("Critical", f"{critical} and above"),
        ],
        "industries": sorted(
            ((industry_label(key), value) for key, value in config.industry_multipliers.items()),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        "data_kinds": sorted(
            ((data_label(key), value) for key, value in config.data_multipliers.items()),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        "cadences": [
            (RISK_LEVEL_LABELS[level], profile.cadence_days(level))
            for level in ("critical", "high", "moderate", "low", "very_low")
        ],
        "grace_days": profile.lapse_grace_days,
        "examples": examples,
        "basis_change_reack": profile.basis_change_reack,
        "review_rule": ReviewRule(
            score=profile.review_threshold_score,
            uncovered=Decimal(profile.review_threshold_uncovered),
            basis=profile.review_basis,
        ),
    }
