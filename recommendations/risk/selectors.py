"""Reads behind the risk pages: one client's breakdown and trend, and "How the score works"."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, PracticeProfile, RiskSnapshot
from recommendations.models import RISK_LEVEL_NAMES, Recommendation
from recommendations.risk.review import ReviewRule
from recommendations.risk.scoring import ClientScore, ItemContribution, Sensitivity, score_client
from recommendations.risk.states import (
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
    ScoringConfig,
    ScoringItem,
)
from recommendations.risk.trend import BAND_LABELS, TREND_DAYS, TrendChart, trend_chart
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of

COVERAGE_WORDS = {
    COVERED_REFUSAL: gettext_lazy("Covered: signed refusal, still current"),
    COVERED_ACCEPTANCE: gettext_lazy("Covered: accepted, on schedule"),
    UNCOVERED_UNSIGNED: gettext_lazy("Uncovered: presented, not signed"),
    UNCOVERED_DEFERRED: gettext_lazy("Uncovered: deferred, no signed decision"),
    UNCOVERED_BASIS_CHANGED: gettext_lazy("Uncovered: basis changed since signing"),
    UNCOVERED_LAPSED: gettext_lazy("Uncovered: refusal lapsed"),
    UNCOVERED_EXPIRED_REFUSAL: gettext_lazy("Uncovered: signed refusal expired"),
    UNCOVERED_OVERDUE_ACCEPTANCE: gettext_lazy("Uncovered: accepted, past its target date"),
    NO_EXPOSURE: gettext_lazy("Not counted"),
}
DATA_FLAG_FIELDS = {
    "health": "holds_health_data",
    "payment_card": "holds_payment_card_data",
    "personal": "holds_personal_data",
    "legal_privilege": "holds_legal_privilege",
    "financial": "holds_financial_data",
}


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
        level_label=RISK_LEVEL_NAMES[contribution.level],
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
    sources = [
        (
            _("Industry: %(industry)s") % {"industry": industry_label(sensitivity.industry)},
            config.industry_multipliers[sensitivity.industry],
        )
    ]
    sources += [
        (_("Holds %(data)s") % {"data": data_label(kind).lower()}, config.data_multipliers[kind])
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


# --- "How the score works" ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedExample:
    situation: str
    score: int
    band: str
    band_label: str
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
        arithmetic += _(", raised to %(floor)s because a critical item is fully open") % {
            "floor": config.critical_floor
        }
    return WorkedExample(
        situation,
        result.score,
        result.band,
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
            _("A retailer refused one critical item (5 × 5) and signed the refusal."),
            [critical_refused],
            plain,
            today,
            config,
        ),
        _worked_example(
            _("A clinic holding health information left the same item presented and unsigned."),
            [ScoringItem("a", "Multi-factor authentication", 5, 5, "presented")],
            clinic,
            today,
            config,
        ),
        _worked_example(
            _("A retailer has six low items (2 × 2) presented and unsigned."),
            [ScoringItem(str(n), f"Low item {n}", 2, 2, "presented") for n in range(6)],
            plain,
            today,
            config,
        ),
        _worked_example(
            _("A retailer accepted a high item (4 × 4) and it is on schedule."),
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
            ("low", BAND_LABELS["low"], _("below %(limit)s") % {"limit": moderate}),
            ("moderate", BAND_LABELS["moderate"], _("%(low)s to %(high)s") % {"low": moderate, "high": high - 1}),
            ("high", BAND_LABELS["high"], _("%(low)s to %(high)s") % {"low": high, "high": critical - 1}),
            ("critical", BAND_LABELS["critical"], _("%(limit)s and above") % {"limit": critical}),
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
            (RISK_LEVEL_NAMES[level], profile.cadence_days(level))
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
