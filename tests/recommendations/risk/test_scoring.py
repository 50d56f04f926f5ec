from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommendations.risk.scoring import (
    ClientScore,
    Sensitivity,
    band_for,
    is_covered,
    risk_level,
    score_client,
    score_figures,
    sensitivity_multiplier,
    status_factor,
    stored_uncovered,
)
from recommendations.risk.states import DEFAULT_CONFIG, INDUSTRIES, REGULATED_DATA, STATUSES, ScoringConfig, ScoringItem

TODAY = date(2025, 6, 15)
NEXT_YEAR = TODAY + timedelta(days=365)
YESTERDAY = TODAY - timedelta(days=1)
PLAIN_CLIENT = Sensitivity(industry="retail")


def _item(
    *,
    status: str,
    likelihood: int = 3,
    impact: int = 3,
    title: str = "Item",
    target_date: date | None = None,
    valid_until: date | None = None,
) -> ScoringItem:
    return ScoringItem(
        key=title.lower(),
        title=title,
        likelihood=likelihood,
        impact=impact,
        status=status,
        target_date=target_date,
        valid_until=valid_until,
    )


_dates = st.one_of(
    st.none(),
    st.integers(min_value=-400, max_value=400).map(lambda d: TODAY + timedelta(days=d)),
)
_future_dates = st.integers(min_value=0, max_value=400).map(lambda d: TODAY + timedelta(days=d))


@st.composite
def _items(draw: st.DrawFn, statuses: st.SearchStrategy[str] | None = None) -> ScoringItem:
    if statuses is None:
        statuses = st.sampled_from(sorted(STATUSES))
    return ScoringItem(
        key=str(draw(st.uuids())),
        title=draw(st.text(max_size=20)),
        likelihood=draw(st.integers(min_value=1, max_value=5)),
        impact=draw(st.integers(min_value=1, max_value=5)),
        status=draw(statuses),
        target_date=draw(_dates),
        valid_until=draw(_dates),
    )


_portfolios = st.lists(_items(), max_size=30)
_sensitivities = st.builds(
    Sensitivity,
    industry=st.sampled_from(INDUSTRIES),
    regulated_data=st.frozensets(st.sampled_from(REGULATED_DATA)),
)


def _score(items: list[ScoringItem], sensitivity: Sensitivity) -> ClientScore:
    return score_client(items, sensitivity, TODAY)


# Properties the spec requires of the model (SPEC section 5).


@given(
    _portfolios,
    _sensitivities,
    _items(st.sampled_from(["presented", "deferred", "accepted"])),
    _future_dates,
)
def test_refusing_never_lowers_the_score(
    others: list[ScoringItem],
    sensitivity: Sensitivity,
    subject: ScoringItem,
    valid_until: date,
) -> None:
    refused = replace(subject, status="refused", valid_until=valid_until)

    before = _score([*others, subject], sensitivity)
    after = _score([*others, refused], sensitivity)

    assert after.score >= before.score


@given(_portfolios, _sensitivities, _items())
def test_implementing_any_item_never_raises_the_score(
    others: list[ScoringItem], sensitivity: Sensitivity, subject: ScoringItem
) -> None:
    implemented = replace(subject, status="implemented")

    before = _score([*others, subject], sensitivity)
    after = _score([*others, implemented], sensitivity)

    assert after.score <= before.score


@given(
    _portfolios,
    _sensitivities,
    _items(st.just("presented")),
    _future_dates,
)
def test_signing_a_refusal_never_lowers_coverage(
    others: list[ScoringItem],
    sensitivity: Sensitivity,
    subject: ScoringItem,
    valid_until: date,
) -> None:
    signed = replace(subject, status="refused", valid_until=valid_until)

    before = _score([*others, subject], sensitivity)
    after = _score([*others, signed], sensitivity)

    assert after.coverage >= before.coverage


@given(_portfolios, _sensitivities, _items(st.just("refused")), _future_dates)
def test_a_refusal_lapsing_never_raises_coverage(
    others: list[ScoringItem],
    sensitivity: Sensitivity,
    subject: ScoringItem,
    valid_until: date,
) -> None:
    current = replace(subject, valid_until=valid_until)
    lapsed = replace(current, status="lapsed")

    before = _score([*others, current], sensitivity)
    after = _score([*others, lapsed], sensitivity)

    assert after.coverage <= before.coverage


@given(_portfolios, _sensitivities)
def test_score_and_coverage_stay_within_0_and_100(items: list[ScoringItem], sensitivity: Sensitivity) -> None:
    result = _score(items, sensitivity)

    assert 0 <= result.score <= 100
    assert 0.0 <= result.coverage <= 100.0
    assert 0 <= result.covered_exposure <= result.total_exposure


@given(_portfolios, _sensitivities)
def test_band_always_matches_the_score_and_the_limits(items: list[ScoringItem], sensitivity: Sensitivity) -> None:
    result = _score(items, sensitivity)
    moderate, high, critical = DEFAULT_CONFIG.band_limits
    expected = (
        "low"
        if result.score < moderate
        else "moderate"
        if result.score < high
        else "high"
        if result.score < critical
        else "critical"
    )

    assert result.band == band_for(result.score) == expected


@given(_portfolios, _sensitivities)
def test_breakdown_accounts_for_every_item_largest_first(items: list[ScoringItem], sensitivity: Sensitivity) -> None:
    result = _score(items, sensitivity)
    exposures = [c.exposure for c in result.contributions]

    assert sorted(c.item.key for c in result.contributions) == sorted(i.key for i in items)
    assert exposures == sorted(exposures, reverse=True)
    assert sum(exposures) == result.total_exposure
    if result.total_exposure:
        assert sum(c.share for c in result.contributions) == pytest.approx(100, abs=0.05 * len(items))
    else:
        assert all(c.share == 0 for c in result.contributions)


# Hand-worked examples: score = round(100 x (1 - e^(-exposure x multiplier / 75))),
# at least 50 while a critical item is fully open.


def test_one_critical_refusal_on_a_plain_client_is_already_high() -> None:
    # 5 x 5 = 25, refused → factor 1, exposure 25; multiplier 1.0
    # 100 x (1 - e^(-25/75)) = 100 x (1 - 0.7165) = 28.35 → 28, raised to the critical floor 50: high
    # the only exposure is under a current signed refusal → coverage 25/25 = 100 %
    refusal = _item(status="refused", likelihood=5, impact=5, valid_until=NEXT_YEAR)

    result = score_client([refusal], PLAIN_CLIENT, TODAY)

    assert result.score == 50
    assert result.band == "high"
    assert result.coverage == 100.0
    assert result.multiplier == 1.0
    assert result.total_exposure == 25
    assert result.contributions[0].coverage_state == "covered_refusal"
    assert result.contributions[0].level == "critical"


def test_health_data_scales_the_same_refusal_by_one_and_a_half() -> None:
    # 4 x 4 = 16 refused. Plain: 100 x (1 - e^(-16/75)) = 100 x (1 - 0.8079) = 19.21 → 19, low
    # multiplier max(retail 1.0, health 1.5) = 1.5; 16 x 1.5 = 24
    # 100 x (1 - e^(-24/75)) = 100 x (1 - e^(-0.32)) = 100 x (1 - 0.7261) = 27.39 → 27, moderate
    refusal = _item(status="refused", likelihood=4, impact=4, valid_until=NEXT_YEAR)
    clinic_data = Sensitivity(industry="retail", regulated_data=frozenset({"health"}))

    result = score_client([refusal], clinic_data, TODAY)

    assert score_client([refusal], PLAIN_CLIENT, TODAY).score == 19
    assert result.multiplier == 1.5
    assert result.score == 27
    assert result.band == "moderate"
    assert result.coverage == 100.0


def test_a_mixed_portfolio_scores_and_covers_exactly() -> None:
    # accepted on schedule 4 x 4 = 16 x 0.5 = 8, covered by the acceptance
    # presented 3 x 4 = 12 x 1 = 12, unsigned → uncovered
    # implemented 5 x 5 = 25 x 0 = 0, no exposure
    # total 20 → 100 x (1 - e^(-20/75)) = 100 x (1 - 0.7659) = 23.41 → 23, low
    # coverage 8 / 20 = 40.0 %; shares 12/20 = 60 %, 8/20 = 40 %, 0 %
    accepted = _item(status="accepted", likelihood=4, impact=4, title="MFA", target_date=TODAY)
    presented = _item(status="presented", likelihood=3, impact=4, title="Backups")
    implemented = _item(status="implemented", likelihood=5, impact=5, title="EDR")

    result = score_client([implemented, accepted, presented], PLAIN_CLIENT, TODAY)

    assert result.score == 23
    assert result.band == "low"
    assert result.total_exposure == 20
    assert result.covered_exposure == 8
    assert result.coverage == 40.0
    assert [(c.item.title, c.exposure, c.share) for c in result.contributions] == [
        ("Backups", 12, 60.0),
        ("MFA", 8, 40.0),
        ("EDR", 0, 0.0),
    ]
    assert [c.coverage_state for c in result.contributions] == [
        "uncovered_unsigned",
        "covered_acceptance",
        "no_exposure",
    ]


def test_an_expired_refusal_not_yet_lapsed_counts_in_full_but_is_uncovered() -> None:
    # expired 5 x 5 = 25 uncovered; current refusal 3 x 5 = 15 covered; total 40
    # 100 x (1 - e^(-40/75)) = 100 x (1 - 0.5866) = 41.34 → 41, raised to the floor 50
    # because the expired critical refusal is fully open: high
    # coverage 15 / 40 = 37.5 %
    expired = _item(status="refused", likelihood=5, impact=5, title="Old", valid_until=YESTERDAY)
    current = _item(status="refused", likelihood=3, impact=5, title="New", valid_until=TODAY)

    result = score_client([expired, current], PLAIN_CLIENT, TODAY)

    assert result.score == 50
    assert result.band == "high"
    assert result.coverage == 37.5
    assert result.contributions[0].coverage_state == "uncovered_expired_refusal"
    assert "expired on 2025-06-14" in result.contributions[0].reason


def test_an_empty_portfolio_scores_zero_with_full_coverage() -> None:
    result = score_client([], PLAIN_CLIENT, TODAY)

    assert result.score == 0
    assert result.band == "low"
    assert result.coverage == 100.0
    assert result.contributions == ()


def test_a_portfolio_of_only_finished_work_has_full_coverage() -> None:
    done = [
        _item(status="implemented"),
        _item(status="withdrawn"),
        _item(status="draft"),
    ]

    result = score_client(done, PLAIN_CLIENT, TODAY)

    assert result.score == 0
    assert result.coverage == 100.0
    assert {c.coverage_state for c in result.contributions} == {"no_exposure"}


def test_many_small_items_never_overflow_the_score() -> None:
    # 400 x (1 x 1) = 400 → 100 x (1 - e^(-400/75)) = 100 x (1 - 0.0048) = 99.52 → 100, critical
    crumbs = [_item(status="presented", likelihood=1, impact=1) for _ in range(400)]

    result = score_client(crumbs, PLAIN_CLIENT, TODAY)

    assert result.score == 100
    assert result.band == "critical"


# Status factor, coverage and their explanations.


@pytest.mark.parametrize(
    ("status", "target_date", "valid_until", "factor", "covered", "state"),
    [
        ("draft", None, None, 0.0, False, "no_exposure"),
        ("implemented", None, None, 0.0, False, "no_exposure"),
        ("withdrawn", None, None, 0.0, False, "no_exposure"),
        ("presented", None, None, 1.0, False, "uncovered_unsigned"),
        ("deferred", None, None, 1.0, False, "uncovered_deferred"),
        ("lapsed", None, NEXT_YEAR, 1.0, False, "uncovered_lapsed"),
        ("refused", None, NEXT_YEAR, 1.0, True, "covered_refusal"),
        ("refused", None, TODAY, 1.0, True, "covered_refusal"),
        ("refused", None, YESTERDAY, 1.0, False, "uncovered_expired_refusal"),
        ("refused", None, None, 1.0, False, "uncovered_expired_refusal"),
        ("accepted", None, None, 0.5, True, "covered_acceptance"),
        ("accepted", TODAY, None, 0.5, True, "covered_acceptance"),
        ("accepted", YESTERDAY, None, 1.0, False, "uncovered_overdue_acceptance"),
    ],
)
def test_each_status_gets_its_factor_coverage_and_explanation(
    status: str,
    target_date: date | None,
    valid_until: date | None,
    factor: float,
    covered: bool,
    state: str,
) -> None:
    item = _item(status=status, target_date=target_date, valid_until=valid_until)

    contribution = score_client([item], PLAIN_CLIENT, TODAY).contributions[0]

    assert status_factor(item, TODAY, DEFAULT_CONFIG) == factor
    assert contribution.factor == factor
    assert contribution.exposure == 9 * factor
    assert is_covered(item, TODAY) is covered
    assert contribution.covered is covered
    assert contribution.coverage_state == state
    assert contribution.reason.endswith(".")


def test_the_on_schedule_factor_comes_from_the_config() -> None:
    config = ScoringConfig(accepted_on_schedule_factor=0.25)
    item = _item(status="accepted", target_date=NEXT_YEAR)

    assert status_factor(item, TODAY, config) == 0.25
    assert score_client([item], PLAIN_CLIENT, TODAY, config).total_exposure == 9 * 0.25


def test_an_unknown_status_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown status 'archived'"):
        score_client([_item(status="archived")], PLAIN_CLIENT, TODAY)


# Sensitivity multiplier.


@pytest.mark.parametrize(
    ("industry", "data", "expected"),
    [
        ("retail", set(), 1.0),
        ("healthcare", set(), 1.5),
        ("finance", set(), 1.5),
        ("legal", set(), 1.5),
        ("government", set(), 1.3),
        ("technology", {"personal"}, 1.1),
        ("government", {"personal"}, 1.3),
        ("retail", {"payment_card", "personal"}, 1.3),
        ("retail", {"legal_privilege"}, 1.5),
        ("healthcare", {"health", "payment_card", "financial", "personal"}, 1.5),
    ],
)
def test_the_multiplier_is_the_largest_single_factor_not_a_product(
    industry: str, data: set[str], expected: float
) -> None:
    sensitivity = Sensitivity(industry=industry, regulated_data=frozenset(data))

    assert sensitivity_multiplier(sensitivity, DEFAULT_CONFIG) == expected


def test_every_industry_and_data_kind_has_a_multiplier() -> None:
    everything = Sensitivity(industry="other", regulated_data=frozenset(REGULATED_DATA))

    for industry in INDUSTRIES:
        assert sensitivity_multiplier(replace(everything, industry=industry)) >= 1.0


def test_an_unknown_industry_is_rejected_rather_than_scored_as_harmless() -> None:
    with pytest.raises(ValueError, match="industry 'mining'"):
        sensitivity_multiplier(Sensitivity(industry="mining"), DEFAULT_CONFIG)


def test_unknown_regulated_data_is_rejected() -> None:
    sensitivity = Sensitivity(industry="retail", regulated_data=frozenset({"genetic"}))

    with pytest.raises(ValueError, match="regulated data 'genetic'"):
        sensitivity_multiplier(sensitivity, DEFAULT_CONFIG)


# Bands and levels.


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "low"),
        (24, "low"),
        (25, "moderate"),
        (49, "moderate"),
        (50, "high"),
        (74, "high"),
        (75, "critical"),
        (100, "critical"),
    ],
)
def test_bands_change_exactly_at_the_limits(score: int, band: str) -> None:
    assert band_for(score, DEFAULT_CONFIG) == band


# Rows are likelihood 1..5, columns impact 1..5; the product decides the level.
_MATRIX = [
    ["very_low", "very_low", "very_low", "low", "low"],
    ["very_low", "low", "low", "moderate", "moderate"],
    ["very_low", "low", "moderate", "moderate", "high"],
    ["low", "moderate", "moderate", "high", "critical"],
    ["low", "moderate", "high", "critical", "critical"],
]


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [(likelihood, impact, _MATRIX[likelihood - 1][impact - 1]) for likelihood in range(1, 6) for impact in range(1, 6)],
)
def test_risk_level_follows_the_matrix(likelihood: int, impact: int, level: str) -> None:
    assert risk_level(likelihood, impact) == level


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_risk_level_rejects_ratings_off_the_grid(likelihood: int, impact: int) -> None:
    with pytest.raises(ValueError, match=r"within 1\.\.5"):
        risk_level(likelihood, impact)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"saturation": 0}, "saturation"),
        ({"band_limits": (50, 25, 75)}, "band_limits"),
        ({"accepted_on_schedule_factor": 1.5}, "accepted_on_schedule_factor"),
        ({"data_multipliers": {"health": 0}}, "multipliers"),
    ],
)
def test_a_config_that_would_break_the_guarantees_is_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScoringConfig(**changes)  # type: ignore[arg-type]


@given(_portfolios, _sensitivities)
def test_the_portfolio_fast_path_gives_exactly_the_figures_of_the_breakdown(
    items: list[ScoringItem], sensitivity: Sensitivity
) -> None:
    full = score_client(items, sensitivity, TODAY)
    figures = score_figures(items, sensitivity, TODAY)

    assert (figures.score, figures.band, figures.coverage) == (full.score, full.band, full.coverage)
    assert figures.weighted_uncovered_exposure == full.weighted_uncovered_exposure
    assert stored_uncovered(figures) == stored_uncovered(full)
