"""The dashboard's portfolio figures come from figures stored on each client (issue 26): over random
portfolios they must equal a from-scratch computation over every recommendation, decision,
request, software row and condition, and the page's query count must not depend on the size."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, RelationshipDecision
from recommendations.dashboard import selectors as dashboard
from recommendations.dashboard.selectors import PortfolioFilters
from recommendations.models import DecisionRequest, Recommendation, RelationshipCondition
from recommendations.risk.services import clients_rescore_all, refusals_due_recount
from recommendations.tasks import refresh_due_counts
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.recommendations.dashboard.test_selectors import make_decision, make_request, make_software
from tests.recommendations.dashboard.test_views import populate

STATUSES = ["draft", "presented", "accepted", "implemented", "refused", "deferred", "withdrawn", "lapsed"]
RULES = [
    dashboard.ReviewRule(score=50, basis="score"),
    dashboard.ReviewRule(score=30, uncovered=Decimal(10), basis="either"),
    dashboard.ReviewRule(score=20, uncovered=Decimal(5), basis="both"),
]


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def random_portfolio(seed: int, *, vcio, manager) -> None:
    rng = random.Random(seed)
    for index in range(12):
        client = ClientFactory(
            name=f"Random {seed}-{index}",
            vcio=vcio,
            industry=rng.choice(["healthcare", "retail", "legal", "other"]),
            status=rng.choice(["active", "active", "offboarding", "former"]),
        )
        signer = ContactFactory(client=client)
        for _ in range(rng.randrange(0, 9)):
            status = rng.choice(STATUSES)
            dated = status in {"refused", "lapsed"} or rng.random() < 0.2
            RecommendationFactory(
                client=client,
                status=status,
                likelihood=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                valid_until=day(rng.randint(-200, 200)) if dated else None,
                target_date=day(rng.randint(-60, 60)) if status == "accepted" and rng.random() < 0.7 else None,
            )
        for _ in range(rng.randrange(0, 3)):
            make_decision(client, manager, next_review_on=day(rng.randint(-30, 30)))
        for _ in range(rng.randrange(0, 3)):
            status = rng.choice(["sent", "viewed", "completed", "expired"])
            make_request(client, signer, status=status, sent_days_ago=rng.randint(0, 20))
        if rng.random() < 0.4:
            make_software(client, consent=rng.choice(["none", "given", "withdrawn"]))
        decision = RelationshipDecision.objects.filter(client=client).first()
        if decision and rng.random() < 0.5:
            RelationshipCondition.objects.create(
                decision=decision,
                client=client,
                what="Turn on MFA",
                owner=manager,
                due_on=day(rng.randint(-20, 20)),
                overdue_since=day(-1) if rng.random() < 0.5 else None,
            )


def from_scratch(threshold: dashboard.ReviewRule) -> tuple[dict, dict]:
    """The headline and each client's liability columns, worked out in Python from every row."""
    today = timezone.localdate()
    clients = list(Client.objects.exclude(status="former").order_by("pk"))
    recommendations: dict[int, list[Recommendation]] = {client.pk: [] for client in clients}
    for item in Recommendation.objects.filter(client__in=clients):
        recommendations[item.client_id].append(item)
    reviews: dict[int, list] = {client.pk: [] for client in clients}
    for client_id, next_review_on in RelationshipDecision.objects.values_list("client_id", "next_review_on"):
        reviews.setdefault(client_id, []).append(next_review_on)
    unsigned = DecisionRequest.objects.filter(
        status__in=DecisionRequest.OPEN_STATUSES, sent_at__lt=dashboard.unsigned_cutoff()
    ).values_list("client_id", flat=True)
    unconsented = set(dashboard.software_without_consent_all().values_list("client_id", flat=True))
    overdue_conditions = set(
        RelationshipCondition.objects.filter(status="open", overdue_since__isnull=False).values_list(
            "client_id", flat=True
        )
    )
    assessed = [c for c in clients if any(i.status not in {"draft", "withdrawn"} for i in recommendations[c.pk])]
    weight = sum(c.risk_score for c in assessed)
    flags = {
        c.pk: dashboard.review_state(
            score=c.risk_score,
            uncovered=c.uncovered_exposure,
            threshold=threshold,
            review_dates=reviews[c.pk],
            today=today,
        )
        for c in clients
    }
    refused = [i for c in clients for i in recommendations[c.pk] if i.status == "refused"]
    headline = {
        "clients": len(clients),
        "by_band": {band: sum(1 for c in clients if c.risk_band == band) for band in dashboard.BANDS},
        "coverage_mean": (sum(float(c.liability_coverage) for c in assessed) / len(assessed)) if assessed else None,
        "coverage_weighted": (
            (sum(float(c.liability_coverage) * c.risk_score for c in assessed) / weight if weight else 100.0)
            if assessed
            else None
        ),
        "uncovered_total": sum((c.uncovered_exposure for c in clients), Decimal(0)),
        "lapsed": sum(1 for c in clients for i in recommendations[c.pk] if i.status == "lapsed"),
        "due": {
            n: sum(1 for i in refused if i.valid_until <= today + datetime.timedelta(days=n)) for n in (30, 60, 90)
        },
        "unsigned": sum(1 for client_id in unsigned if client_id in recommendations),
        "without_consent": sum(1 for c in clients if c.pk in unconsented),
        "review_needed": sum(1 for c in clients if flags[c.pk][0]),
        "review_overdue": sum(1 for c in clients if flags[c.pk][1]),
        "conditions_overdue": sum(1 for c in clients if c.pk in overdue_conditions),
    }

    def columns(client: Client) -> tuple:
        items = recommendations[client.pk]
        past = [i.valid_until for i in items if i.status in {"refused", "lapsed"} and i.valid_until < today]
        refused_dates = [i.valid_until for i in items if i.status == "refused"]
        return (
            client in assessed,
            sum(1 for i in items if i.status == "refused"),
            sum(1 for i in items if i.status == "lapsed"),
            sum(1 for i in items if i.status in {"presented", "deferred"}),
            min(past, default=None),
            min(refused_dates, default=None),
            flags[client.pk],
        )

    return headline, {client.pk: columns(client) for client in clients}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_stored_figures_give_the_figures_of_a_computation_from_scratch(seed, vcio, manager):
    random_portfolio(seed, vcio=vcio, manager=manager)
    clients_rescore_all()
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())

    for threshold in RULES:
        expected_headline, expected_rows = from_scratch(threshold)
        headline = dashboard.headline_figures(clients=clients, threshold=threshold)
        table = dashboard.portfolio_table(clients=clients, threshold=threshold)

        for name, value in expected_headline.items():
            measured = getattr(headline, name)
            if isinstance(value, float):
                assert measured == pytest.approx(value), name
            else:
                assert measured == value, name
        rows = {
            row.pk: (
                row.assessed,
                row.open_refusals,
                row.lapsed,
                row.unsigned_items,
                row.undocumented_since,
                row.next_due,
                (row.review_needed, row.review_overdue),
            )
            for row in table
        }
        assert rows == expected_rows


@pytest.mark.django_db
def test_the_dashboard_runs_the_same_queries_at_five_and_at_forty_clients(manager_client, vcio, manager):
    def dashboard_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(reverse("register:dashboard"))
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    populate(5, vcio=vcio, manager=manager)
    clients_rescore_all()
    few = dashboard_queries()
    populate_more = 35
    for index in range(populate_more):
        ClientFactory(name=f"More {index:03d}", vcio=vcio)
    clients_rescore_all()
    many = dashboard_queries()

    assert len(few) == len(many) <= 11
    # No portfolio figure reads the recommendations: the due counts are stored as of today too.
    assert not any("recommendations_recommendation" in sql for sql in many)
    # The headline already counts the clients, so the table's paginator does not count them again.
    assert sum(sql.startswith("SELECT COUNT(*)") and "clients_client" in sql.split("WHERE")[0] for sql in many) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_due_counts_from_another_day_are_counted_from_the_recommendations(seed, vcio, manager):
    """After midnight the stored counts are a day old until the hourly refresh: the dashboard
    counts those clients' refusals itself, so the figure never shows yesterday's windows."""
    random_portfolio(seed, vcio=vcio, manager=manager)
    clients_rescore_all()
    stale = list(Client.objects.order_by("pk").values_list("pk", flat=True)[::2])
    # What yesterday's counts would look like: plausible, and wrong today.
    Client.objects.filter(pk__in=stale).update(
        refusals_due_on=day(-1), refusals_due_30=99, refusals_due_60=99, refusals_due_90=99
    )
    Client.objects.filter(pk=stale[-1]).update(refusals_due_on=None)
    threshold = RULES[0]
    expected_headline, _ = from_scratch(threshold)
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())

    with CaptureQueriesContext(connection) as captured:
        headline = dashboard.headline_figures(clients=clients, threshold=threshold)

    assert headline.due == expected_headline["due"]
    assert sum("recommendations_recommendation" in query["sql"] for query in captured.captured_queries) == 1
    assert refusals_due_recount() == len(stale)
    assert refusals_due_recount() == 0
    with CaptureQueriesContext(connection) as captured:
        assert dashboard.headline_figures(clients=clients, threshold=threshold).due == expected_headline["due"]
    assert not any("recommendations_recommendation" in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_the_hourly_refresh_counts_due_refusals_again_on_a_new_day(vcio, manager, time_machine):
    """A refusal 31 days from its valid-until enters the 30-day window the next day with no write:
    the refresh that runs after midnight moves it there."""
    time_machine.move_to(datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
    client = ClientFactory(name="Aging", vcio=vcio)
    RecommendationFactory(client=client, status="refused", valid_until=day(31))
    clients_rescore_all()
    clients = dashboard.portfolio_clients(user=manager, filters=PortfolioFilters())
    assert dashboard.headline_figures(clients=clients, threshold=RULES[0]).due == {30: 0, 60: 1, 90: 1}

    time_machine.move_to(datetime.datetime(2026, 6, 2, 0, 5, tzinfo=datetime.UTC), tick=False)
    assert dashboard.headline_figures(clients=clients, threshold=RULES[0]).due == {30: 1, 60: 1, 90: 1}
    assert refresh_due_counts() == 1

    client.refresh_from_db()
    assert (client.refusals_due_on, client.refusals_due_30) == (datetime.date(2026, 6, 2), 1)
    assert dashboard.headline_figures(clients=clients, threshold=RULES[0]).due == {30: 1, 60: 1, 90: 1}
