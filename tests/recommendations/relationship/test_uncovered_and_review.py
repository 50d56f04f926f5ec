"""Uncovered exposure (scoring section 6), the dashboard's liability columns, the review rule and
the review queue's priority, and who sees what a client is worth."""

import csv
import datetime
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.models import PracticeProfile
from recommendations import services
from recommendations.dashboard import drilldowns
from recommendations.dashboard import selectors as dashboard
from recommendations.dashboard.selectors import PortfolioFilters
from recommendations.risk.review import ReviewRule
from recommendations.risk.scoring import Sensitivity, score_client
from recommendations.risk.services import clients_rescore_all
from recommendations.risk.states import INDUSTRIES, REGULATED_DATA, STATUSES, ScoringItem
from tests.factories import ClientFactory, RecommendationFactory

TODAY = datetime.date(2026, 6, 1)

items = st.builds(
    ScoringItem,
    key=st.uuids().map(str),
    title=st.text(min_size=1, max_size=8),
    likelihood=st.integers(1, 5),
    impact=st.integers(1, 5),
    status=st.sampled_from(sorted(STATUSES)),
    target_date=st.none() | st.dates(TODAY - datetime.timedelta(days=200), TODAY + datetime.timedelta(days=200)),
    valid_until=st.none() | st.dates(TODAY - datetime.timedelta(days=200), TODAY + datetime.timedelta(days=200)),
    basis_changed=st.booleans(),
)
sensitivities = st.builds(
    Sensitivity,
    industry=st.sampled_from(INDUSTRIES),
    regulated_data=st.frozensets(st.sampled_from(REGULATED_DATA)),
)


@settings(max_examples=300, deadline=None)
@given(portfolio=st.lists(items, max_size=30), sensitivity=sensitivities)
def test_uncovered_exposure_is_the_sum_of_the_uncovered_items_contributions(portfolio, sensitivity):
    result = score_client(portfolio, sensitivity, TODAY)

    uncovered = [c for c in result.contributions if c.exposure > 0 and not c.covered]
    expected = math.fsum(c.inherent * c.factor * result.multiplier for c in uncovered)
    assert result.weighted_uncovered_exposure == pytest.approx(expected)
    # Covered plus uncovered is the whole open exposure, and full coverage means nothing uncovered.
    assert result.weighted_uncovered_exposure == pytest.approx(
        (result.total_exposure - result.covered_exposure) * result.multiplier
    )
    if result.coverage == 100:
        assert result.weighted_uncovered_exposure == 0


def test_signing_a_refusal_takes_its_exposure_out_of_the_uncovered_figure():
    presented = ScoringItem("a", "MFA", 4, 5, "presented")
    refused = ScoringItem("a", "MFA", 4, 5, "refused", valid_until=TODAY + datetime.timedelta(days=30))
    health = Sensitivity("healthcare")

    assert score_client([presented], health, TODAY).weighted_uncovered_exposure == 30  # 20 x 1.5
    assert score_client([refused], health, TODAY).weighted_uncovered_exposure == 0


@pytest.mark.django_db
def test_a_rescore_caches_the_uncovered_exposure_on_the_client():
    client = ClientFactory(industry="legal")
    RecommendationFactory(client=client, likelihood=4, impact=4, status="presented")
    RecommendationFactory(client=client, likelihood=3, impact=3, status="refused")

    services.client_rescore(client=client)
    client.refresh_from_db()
    assert client.uncovered_exposure == Decimal("24.0")  # the unsigned 16 x 1.5; the signed 9 is covered

    RecommendationFactory(client=client, likelihood=2, impact=2, status="deferred")
    clients_rescore_all()
    client.refresh_from_db()
    assert client.uncovered_exposure == Decimal("30.0")


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def build_liability_portfolio(vcio):
    """Three clients: one carrying a lot unsigned, one scoring high but signed for, one calm."""
    unsigned = ClientFactory(
        name="Lakeshore Dental", vcio=vcio, industry="healthcare", monthly_recurring_revenue_cents=90_000
    )
    RecommendationFactory(client=unsigned, title="MFA", likelihood=4, impact=5, status="presented")
    RecommendationFactory(client=unsigned, title="Awareness training", likelihood=3, impact=3, status="deferred")
    RecommendationFactory(
        client=unsigned, title="Backups", likelihood=3, impact=4, status="lapsed", valid_until=_days(-40)
    )
    RecommendationFactory(
        client=unsigned, title="Patching", likelihood=2, impact=3, status="refused", valid_until=_days(-5)
    )
    signed = ClientFactory(name="Harbour Logistics", vcio=vcio, monthly_recurring_revenue_cents=500_000)
    for n in range(4):
        RecommendationFactory(
            client=signed, title=f"Control {n}", likelihood=5, impact=5, status="refused", valid_until=_days(60)
        )
    calm = ClientFactory(name="Quiet Florist", vcio=vcio, monthly_recurring_revenue_cents=20_000)
    RecommendationFactory(client=calm, title="DMARC", likelihood=1, impact=2, status="presented")
    clients_rescore_all()
    for client in (unsigned, signed, calm):
        client.refresh_from_db()
    return unsigned, signed, calm


@pytest.fixture
def liability_portfolio(vcio):
    return build_liability_portfolio(vcio)


@pytest.mark.django_db
def test_the_portfolio_table_carries_the_liability_columns(liability_portfolio, manager):
    unsigned, signed, calm = liability_portfolio
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())
    rows = {row.name: row for row in dashboard.portfolio_table(clients=clients, threshold=ReviewRule())}

    lakeshore = rows["Lakeshore Dental"]
    # (20 + 9 + 12 + 6) x 1.5: presented, deferred, lapsed and an expired refusal are all unsigned
    assert lakeshore.uncovered_exposure == Decimal("70.5")
    assert (lakeshore.lapsed, lakeshore.unsigned_items) == (1, 2)
    assert lakeshore.undocumented_since == _days(-40)
    harbour = rows["Harbour Logistics"]
    assert (harbour.uncovered_exposure, harbour.unsigned_items, harbour.undocumented_since) == (0, 0, None)
    assert harbour.risk_score > lakeshore.risk_score
    headline = dashboard.headline_figures(clients=clients, threshold=ReviewRule())
    assert headline.uncovered_total == Decimal("70.5") + calm.uncovered_exposure


@pytest.mark.django_db
def test_the_review_queue_ranks_uncovered_exposure_before_score_and_value(liability_portfolio, manager):
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())

    queue = drilldowns.clients_needing_review(clients=clients, threshold=ReviewRule(score=1))

    # By score alone Harbour (four signed critical refusals) would come first.
    assert [c.name for c in queue] == ["Lakeshore Dental", "Quiet Florist", "Harbour Logistics"]


@pytest.mark.django_db
def test_the_review_queue_breaks_ties_by_monthly_recurring_revenue(vcio, manager):
    for name, cents in (("Small", 10_000), ("Unknown", None), ("Large", 900_000)):
        ClientFactory(name=name, vcio=vcio, monthly_recurring_revenue_cents=cents, risk_score=60)
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())

    queue = drilldowns.clients_needing_review(clients=clients, threshold=ReviewRule(score=50))

    assert [c.name for c in queue] == ["Large", "Small", "Unknown"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("basis", "needing"),
    [
        ("score", {"Harbour Logistics", "Lakeshore Dental"}),
        ("uncovered", {"Lakeshore Dental"}),
        ("either", {"Harbour Logistics", "Lakeshore Dental"}),
        ("both", {"Lakeshore Dental"}),
    ],
)
def test_the_review_rule_uses_the_score_the_uncovered_exposure_or_both(liability_portfolio, manager, basis, needing):
    PracticeProfile.objects.update_or_create(
        id=1, defaults={"review_threshold_score": 50, "review_threshold_uncovered": 20, "review_basis": basis}
    )
    rule = dashboard.review_threshold()
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())

    assert {c.name for c in drilldowns.clients_needing_review(clients=clients, threshold=rule)} == needing
    assert dashboard.headline_figures(clients=clients, threshold=rule).review_needed == len(needing)
    # The client page applies the same rule to one client.
    for client in liability_portfolio:
        needed, _ = dashboard.review_state(
            score=client.risk_score,
            uncovered=client.uncovered_exposure,
            threshold=rule,
            review_dates=[],
            today=timezone.localdate(),
        )
        assert needed == (client.name in needing)


def test_an_unknown_review_basis_is_refused():
    with pytest.raises(ValueError, match="review basis"):
        ReviewRule(basis="vibes")


@pytest.mark.django_db
def test_the_dashboard_shows_the_liability_columns_and_the_portfolio_total(liability_portfolio, manager_client):
    page = manager_client.get(reverse("register:dashboard"), {"sort": "uncovered"}).content.decode()

    assert "Uncovered exposure" in page
    assert ">70.5<" in page
    assert "40&nbsp;days" in page  # since the lapsed refusal's valid-until
    assert reverse("register:dashboard_list", args=["clients"]) + "?sort=uncovered" in page
    assert page.index("Lakeshore Dental") < page.index("Harbour Logistics")


@pytest.mark.django_db
def test_managers_see_what_a_client_is_worth_and_vcios_do_not(liability_portfolio, manager_client, vcio, client):
    def pages(http):
        dash = http.get(reverse("register:dashboard")).content.decode()
        review = http.get(reverse("register:dashboard_list", args=["review"])).content.decode()
        exported = b"".join(http.get(reverse("register:dashboard_csv")).streaming_content).decode()
        return dash, review, next(csv.reader(io.StringIO(exported)))

    dash, review, header = pages(manager_client)
    assert "5,000.00" in dash and "5,000.00" in review
    assert "MRR" in header and "Contract ends" in header
    client.force_login(vcio)
    dash, review, header = pages(client)
    assert "5,000.00" not in dash and "5,000.00" not in review
    assert "MRR" not in header and "Contract ends" not in header


@pytest.mark.django_db
def test_a_practice_admin_sets_the_review_rule_and_the_dashboard_follows(liability_portfolio, client, practice_admin):
    from tests.recommendations.risk.test_views import practice_form

    client.force_login(practice_admin)
    response = client.post(
        reverse("register:practice_profile"),
        practice_form(review_basis="uncovered", review_threshold_uncovered="25.5"),
    )

    assert response.status_code == 302
    assert dashboard.review_threshold() == ReviewRule(score=50, uncovered=Decimal("25.5"), basis="uncovered")
    page = client.get(reverse("register:dashboard")).content.decode()
    assert "needed (uncovered exposure ≥ 25.5)" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"review_basis": "vibes"}, {"review_threshold_uncovered": "-1"}, {"review_threshold_uncovered": "lots"}],
)
def test_a_bad_review_rule_is_rejected_and_nothing_changes(client, practice_admin, changes):
    from tests.recommendations.risk.test_views import practice_form

    client.force_login(practice_admin)
    response = client.post(reverse("register:practice_profile"), practice_form(**changes))

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert dashboard.review_threshold() == ReviewRule()


@pytest.mark.django_db
def test_the_breakdown_page_shows_the_uncovered_exposure_and_its_arithmetic(vcio_client, client_record):
    from tests.recommendations.risk.test_views import risk_url, text_of

    RecommendationFactory(client=client_record, likelihood=4, impact=5, status="presented")
    RecommendationFactory(client=client_record, likelihood=3, impact=4, status="refused")
    clients_rescore_all()

    page = text_of(vcio_client.get(risk_url(client_record)))

    # healthcare with health data: x1.5; only the unsigned 20 is uncovered
    assert (
        "Uncovered exposure: 30 — the 20 of open exposure marked “Uncovered” above, times the multiplier 1.50" in page
    )


@pytest.mark.django_db
def test_how_the_score_works_documents_uncovered_exposure_and_the_review_priority(vcio_client):
    from tests.recommendations.risk.test_views import text_of

    PracticeProfile.objects.update_or_create(id=1, defaults={"review_basis": "both", "review_threshold_uncovered": 12})

    page = text_of(vcio_client.get(reverse("register:scoring_help")))

    assert "uncovered exposure = multiplier × Σ (inherent risk × status factor) over the uncovered items" in page
    assert "today: score ≥ 50 and uncovered exposure ≥ 12" in page
    assert page.index("the most uncovered exposure first") < page.index("then the highest score")
