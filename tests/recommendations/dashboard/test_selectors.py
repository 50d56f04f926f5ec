"""Dashboard selectors and the relationship-decision service, checked against a hand-built portfolio."""

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients.models import Client, PracticeProfile, RelationshipDecision, RiskSnapshot, Software
from clients.services import relationship_decision_record
from recommendations.dashboard import drilldowns
from recommendations.dashboard import selectors as dashboard
from recommendations.dashboard.selectors import PortfolioFilters, relationship_overview
from recommendations.models import DecisionRequest, RequestItem
from riskreg.audit.models import AuditEvent
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RecommendationFactory
from tests.figures import store_recommendation_figures

ALL = PortfolioFilters()


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_request(client, signatory, *, status="sent", sent_days_ago=10, recommendations=()) -> DecisionRequest:
    sent_at = timezone.now() - datetime.timedelta(days=sent_days_ago)
    completed = status == DecisionRequest.Status.COMPLETED
    request = DecisionRequest.objects.create(
        client=client,
        signatory=signatory,
        token_hash=uuid.uuid4().hex * 2,
        content_hash="0" * 64,
        disclosure_version="test-1",
        status=status,
        sent_at=sent_at,
        expires_at=sent_at + datetime.timedelta(days=30),
        completed_at=sent_at + datetime.timedelta(hours=1) if completed else None,
        code_verified_at=sent_at + datetime.timedelta(hours=1) if completed else None,
    )
    for position, recommendation in enumerate(recommendations, start=1):
        RequestItem.objects.create(request=request, position=position, recommendation=recommendation)
    return request


def make_software(client, *, name="RMM agent", install="installed", consent="none", agreement=None) -> Software:
    return Software.objects.create(
        client=client,
        name=name,
        publisher="Acme",
        function_and_purpose="Remote monitoring",
        install_status=install,
        consent_status=consent,
        consent_by_agreement=agreement,
    )


def make_decision(client, manager, *, next_review_on, decided_on=None, outcome="continue") -> RelationshipDecision:
    decided_on = decided_on or min(days(0), next_review_on - datetime.timedelta(days=30))
    return RelationshipDecision.objects.create(
        client=client,
        manager=manager,
        decided_on=decided_on,
        outcome=outcome,
        conditions="Turn on MFA within 30 days." if outcome == "conditions" else "",
        next_review_on=next_review_on,
    )


def build_portfolio(*, vcio, other_vcio, manager) -> SimpleNamespace:
    """Six clients whose every headline figure is worked out by hand in the tests below."""
    alpha = ClientFactory(
        name="Alpha Dental",
        vcio=vcio,
        industry="healthcare",
        service_tier="fully_managed",
        risk_score=80,
        risk_band="critical",
        liability_coverage=40,
    )
    bravo = ClientFactory(
        name="Bravo Freight",
        vcio=other_vcio,
        industry="retail",
        service_tier="co_managed",
        risk_score=60,
        risk_band="high",
        liability_coverage=90,
    )
    charlie = ClientFactory(
        name="Charlie Law", vcio=vcio, industry="legal", risk_score=55, risk_band="high", liability_coverage=100
    )
    delta = ClientFactory(
        name="Delta Books", vcio=other_vcio, industry="retail", risk_score=10, risk_band="low", liability_coverage=100
    )
    echo = ClientFactory(
        name="Echo Former", vcio=vcio, status="former", risk_score=90, risk_band="critical", liability_coverage=0
    )
    foxtrot = ClientFactory(
        name="Foxtrot Farms", vcio=vcio, industry="other", risk_score=30, risk_band="moderate", liability_coverage=50
    )

    signer = ContactFactory(client=alpha, name="Dana Signer")
    old_signer = ContactFactory(client=alpha, name="Old Signer")
    lapsed_signed = RecommendationFactory(client=alpha, title="MFA", status="lapsed", valid_until=days(-30))
    lapsed_unsigned = RecommendationFactory(client=alpha, title="Backups", status="lapsed", valid_until=days(-20))
    RecommendationFactory(client=alpha, title="Due in grace", status="refused", valid_until=days(-3))
    RecommendationFactory(client=alpha, title="Due 10", status="refused", valid_until=days(10))
    RecommendationFactory(client=alpha, title="Due 45", status="refused", valid_until=days(45))
    RecommendationFactory(client=alpha, title="Due 80", status="refused", valid_until=days(80))
    RecommendationFactory(client=alpha, title="Due 120", status="refused", valid_until=days(120))
    RecommendationFactory(client=alpha, title="Presented", status="presented")
    make_request(alpha, old_signer, status="completed", sent_days_ago=400, recommendations=[lapsed_signed])
    make_request(alpha, signer, status="completed", sent_days_ago=200, recommendations=[lapsed_signed])
    make_request(alpha, signer, status="sent", sent_days_ago=10, recommendations=[lapsed_unsigned])
    make_request(alpha, signer, status="viewed", sent_days_ago=3)
    make_request(alpha, signer, status="expired", sent_days_ago=40)
    make_software(alpha, name="RMM agent")
    make_software(alpha, name="EDR agent", consent="withdrawn")

    bravo_signer = ContactFactory(client=bravo)
    make_request(bravo, bravo_signer, status="viewed", sent_days_ago=30)
    make_decision(bravo, manager, next_review_on=days(60))
    make_software(bravo, name="Given", consent="given")
    agreement = AgreementFactory(client=bravo, has_software_consent_clause=True, signed_file="agreements/msa.pdf")
    make_software(bravo, name="By agreement", agreement=agreement)
    make_software(bravo, name="Planned", install="planned")
    make_software(bravo, name="Removed", install="removed")

    # Each scored client has had something put to it: a client with nothing is not assessed.
    for client in (bravo, charlie, foxtrot):
        RecommendationFactory(client=client, title="Presented", status="presented")
    make_decision(charlie, manager, next_review_on=days(-5))
    make_decision(delta, manager, next_review_on=days(-1))
    RecommendationFactory(client=delta, title="Delta lapsed", status="lapsed", valid_until=days(-60))
    make_decision(foxtrot, manager, next_review_on=days(0))

    RecommendationFactory(client=echo, title="Echo lapsed", status="lapsed", valid_until=days(-60))
    make_request(echo, ContactFactory(client=echo), status="sent", sent_days_ago=20)
    make_software(echo)
    store_recommendation_figures(alpha, bravo, charlie, delta, echo, foxtrot)
    return SimpleNamespace(
        alpha=alpha,
        bravo=bravo,
        charlie=charlie,
        delta=delta,
        echo=echo,
        foxtrot=foxtrot,
        lapsed_signed=lapsed_signed,
        lapsed_unsigned=lapsed_unsigned,
    )


@pytest.fixture
def portfolio(vcio, outsider, manager):
    return build_portfolio(vcio=vcio, other_vcio=outsider, manager=manager)


def headline_for(user, filters=ALL):
    clients = dashboard.portfolio_clients(user=user, filters=filters)
    return dashboard.headline_figures(clients=clients, threshold=dashboard.review_threshold())


def table_for(user, filters=ALL, sort="score"):
    clients = dashboard.portfolio_clients(user=user, filters=filters)
    return list(dashboard.portfolio_table(clients=clients, threshold=dashboard.ReviewRule(score=50), sort=sort))


@pytest.mark.django_db
def test_the_manager_headline_counts_clients_per_band_without_former_clients(portfolio, manager):
    headline = headline_for(manager)

    assert headline.clients == 5
    assert headline.by_band == {"low": 1, "moderate": 1, "high": 2, "critical": 1}


@pytest.mark.django_db
def test_portfolio_coverage_is_the_score_weighted_mean_of_client_coverage(portfolio, manager):
    headline = headline_for(manager)

    assert headline.coverage_weighted == pytest.approx((40 * 80 + 90 * 60 + 100 * 55 + 100 * 10 + 50 * 30) / 235)
    assert headline.coverage_mean == pytest.approx(76.0)


@pytest.mark.django_db
def test_portfolio_coverage_is_full_when_no_client_carries_any_risk(manager):
    client = ClientFactory(risk_score=0, liability_coverage=100)
    RecommendationFactory(client=client, status="implemented")
    store_recommendation_figures(client)

    assert headline_for(manager).coverage_weighted == 100.0


@pytest.mark.django_db
def test_unassessed_clients_are_left_out_of_portfolio_coverage(portfolio, manager):
    # Nothing presented yet: the cached figures are the defaults, not a perfect client.
    ClientFactory(name="Golf New", risk_score=0, risk_band="low", liability_coverage=100)
    RecommendationFactory(client=ClientFactory(name="Hotel Drafts"), status="draft")

    headline = headline_for(manager)

    assert headline.clients == 7
    assert headline.coverage_mean == pytest.approx(76.0)
    assert headline.coverage_weighted == pytest.approx((40 * 80 + 90 * 60 + 100 * 55 + 100 * 10 + 50 * 30) / 235)


@pytest.mark.django_db
def test_a_portfolio_of_unassessed_clients_has_no_coverage_figure(manager):
    ClientFactory(risk_score=0, liability_coverage=100)

    headline = headline_for(manager)

    assert (headline.coverage_weighted, headline.coverage_mean) == (None, None)


@pytest.mark.django_db
def test_the_portfolio_table_marks_unassessed_clients(portfolio, manager):
    ClientFactory(name="Golf New")

    rows = {row.name: row.assessed for row in table_for(manager)}

    assert rows["Golf New"] is False
    assert rows["Alpha Dental"] is True and rows["Delta Books"] is True


@pytest.mark.django_db
def test_an_empty_portfolio_has_no_coverage_figure(manager):
    headline = headline_for(manager)

    assert headline.clients == 0
    assert headline.coverage_weighted is None


@pytest.mark.django_db
def test_the_headline_counts_lapsed_refusals_of_current_clients_only(portfolio, manager):
    assert headline_for(manager).lapsed == 3


@pytest.mark.django_db
def test_refusals_due_count_cumulative_windows_including_those_in_their_grace_period(portfolio, manager):
    assert headline_for(manager).due == {30: 2, 60: 3, 90: 4}


@pytest.mark.django_db
def test_only_open_requests_sent_more_than_seven_days_ago_count_as_unsigned(portfolio, manager):
    assert headline_for(manager).unsigned == 2


@pytest.mark.django_db
def test_only_installed_software_without_consent_or_agreement_counts(portfolio, manager):
    assert headline_for(manager).without_consent == 1


@pytest.mark.django_db
def test_a_review_is_needed_above_the_threshold_unless_one_is_scheduled_after_today(portfolio, manager):
    headline = headline_for(manager)

    assert headline.review_needed == 2  # Alpha (never decided) and Charlie (review date passed)
    assert headline.review_overdue == 2  # Charlie and Delta; Foxtrot's review is today
    assert headline.threshold.score == 50


@pytest.mark.django_db
def test_the_review_threshold_comes_from_the_practice_profile(portfolio, manager):
    PracticeProfile.load()
    PracticeProfile.objects.update(review_threshold_score=25)

    assert headline_for(manager).review_needed == 3  # Foxtrot (30) now too


@pytest.mark.django_db
def test_a_vcio_headline_covers_only_their_own_clients(portfolio, vcio):
    headline = headline_for(vcio)

    assert headline.clients == 3  # Alpha, Charlie, Foxtrot; Echo is former
    assert headline.lapsed == 2
    assert headline.unsigned == 1
    assert headline.review_overdue == 1


@pytest.mark.django_db
def test_the_headline_follows_the_filters(portfolio, manager, outsider):
    retail = headline_for(manager, PortfolioFilters(industry="retail"))
    by_vcio = headline_for(manager, PortfolioFilters(vcio=outsider))
    co_managed = headline_for(manager, PortfolioFilters(service_tier="co_managed"))

    assert (retail.clients, retail.lapsed, retail.unsigned) == (2, 1, 1)
    assert (by_vcio.clients, by_vcio.review_overdue) == (2, 1)
    assert co_managed.clients == 1
    assert headline_for(manager, PortfolioFilters(band="high")).by_band == {
        "low": 0,
        "moderate": 0,
        "high": 2,
        "critical": 0,
    }


@pytest.mark.django_db
def test_the_portfolio_table_carries_every_column_per_client(portfolio, manager):
    rows = {client.name: client for client in table_for(manager)}
    alpha, charlie = rows["Alpha Dental"], rows["Charlie Law"]

    assert (alpha.open_refusals, alpha.lapsed, alpha.unsigned) == (5, 2, 1)
    assert alpha.next_due == days(-3)
    assert alpha.decision_outcome is None
    assert (alpha.review_needed, alpha.review_overdue) == (True, False)
    assert (charlie.decision_outcome, charlie.decision_next_review) == ("continue", days(-5))
    assert (charlie.review_needed, charlie.review_overdue) == (True, True)
    assert rows["Bravo Freight"].review_needed is False
    assert "Echo Former" not in rows


@pytest.mark.django_db
def test_the_portfolio_table_shows_the_latest_relationship_decision(portfolio, manager):
    make_decision(portfolio.charlie, manager, decided_on=days(-1), next_review_on=days(90), outcome="conditions")

    charlie = next(client for client in table_for(manager) if client.name == "Charlie Law")

    assert (charlie.decision_outcome, charlie.decision_on) == ("conditions", days(-1))
    assert (charlie.review_needed, charlie.review_overdue) == (False, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", ["Alpha Dental", "Bravo Freight", "Charlie Law", "Foxtrot Farms", "Delta Books"]),
        ("coverage", ["Alpha Dental", "Foxtrot Farms", "Bravo Freight", "Charlie Law", "Delta Books"]),
        ("name", ["Alpha Dental", "Bravo Freight", "Charlie Law", "Delta Books", "Foxtrot Farms"]),
        ("next_due", ["Alpha Dental", "Foxtrot Farms", "Bravo Freight", "Charlie Law", "Delta Books"]),
        ("bogus", ["Alpha Dental", "Bravo Freight", "Charlie Law", "Foxtrot Farms", "Delta Books"]),
    ],
)
def test_the_portfolio_table_sorts(portfolio, manager, sort, expected):
    RecommendationFactory(client=portfolio.foxtrot, status="refused", valid_until=days(5))
    store_recommendation_figures(portfolio.foxtrot)

    names = [client.name for client in table_for(manager, sort=sort)]

    assert names == expected


@pytest.mark.django_db
def test_lapsed_refusals_name_the_signatory_of_the_latest_completed_request(portfolio, manager):
    clients = dashboard.portfolio_clients(user=manager, filters=ALL)

    rows = {rec.title: rec for rec in drilldowns.lapsed_refusals(clients=clients)}

    assert set(rows) == {"MFA", "Backups", "Delta lapsed"}
    assert rows["MFA"].signer == "Dana Signer"
    assert rows["Backups"].signer is None


@pytest.mark.django_db
def test_refusals_due_lists_the_window_soonest_first(portfolio, manager):
    clients = dashboard.portfolio_clients(user=manager, filters=ALL)

    titles = [rec.title for rec in drilldowns.refusals_due(clients=clients, days=60)]

    assert titles == ["Due in grace", "Due 10", "Due 45"]


@pytest.mark.django_db
def test_the_drill_down_lists_agree_with_the_headline(portfolio, manager):
    clients = dashboard.portfolio_clients(user=manager, filters=ALL)
    rule = dashboard.ReviewRule(score=50)
    headline = dashboard.headline_figures(clients=clients, threshold=rule)

    assert drilldowns.unsigned_requests(clients=clients).count() == headline.unsigned
    assert drilldowns.clients_needing_review(clients=clients, threshold=rule).count() == headline.review_needed
    assert drilldowns.clients_review_overdue(clients=clients, threshold=rule).count() == headline.review_overdue
    software = drilldowns.software_without_consent(clients=clients)
    assert [(s.client.name, s.name) for s in software] == [("Alpha Dental", "EDR agent"), ("Alpha Dental", "RMM agent")]
    assert len({s.client_id for s in software}) == headline.without_consent


@pytest.mark.django_db
def test_trends_read_the_last_ninety_days_of_the_given_clients_in_one_query(portfolio, django_assert_num_queries):
    for offset, score in [(-120, 5), (-80, 40), (-40, 60), (0, 80)]:
        RiskSnapshot.objects.create(
            client=portfolio.alpha, taken_on=days(offset), score=score, band="high", coverage=50
        )
    RiskSnapshot.objects.create(client=portfolio.bravo, taken_on=days(0), score=60, band="high", coverage=90)
    RiskSnapshot.objects.create(client=portfolio.charlie, taken_on=days(-1), score=1, band="low", coverage=90)
    RiskSnapshot.objects.create(client=portfolio.charlie, taken_on=days(0), score=2, band="low", coverage=90)

    with django_assert_num_queries(1):
        trends = dashboard.trends_for(client_ids=[portfolio.alpha.pk, portfolio.bravo.pk])

    assert set(trends) == {portfolio.alpha.pk}  # Bravo has one point only; Charlie was not asked for
    trend = trends[portfolio.alpha.pk]
    assert (trend.first, trend.last, trend.change, trend.days) == (40, 80, 40, 80)
    assert trend.points == "11.1,14.0 55.6,10.0 100.0,6.0"


@pytest.mark.django_db
def test_the_client_page_review_rule_matches_the_dashboard(portfolio, manager):
    rows = {client.pk: client for client in table_for(manager)}

    for client in Client.objects.exclude(status="former"):
        overview = relationship_overview(client)
        assert (overview.review_needed, overview.review_overdue) == (
            rows[client.pk].review_needed,
            rows[client.pk].review_overdue,
        ), client.name


# relationship_decision_record


@pytest.mark.django_db
def test_recording_a_decision_keeps_the_score_and_writes_an_audit_event_without_personal_data(client_record, manager):
    Client.objects.filter(pk=client_record.pk).update(risk_score=72)
    client_record.refresh_from_db()

    decision = relationship_decision_record(
        actor=manager,
        client=client_record,
        outcome="conditions",
        conditions="  Hélène Côté signs the MFA rollout plan by March.  ",
        next_review_on=days(90),
    )

    assert (decision.decided_on, decision.score_at_decision, decision.manager) == (days(0), 72, manager)
    assert decision.conditions == "Hélène Côté signs the MFA rollout plan by March."
    event = AuditEvent.objects.get(event_type="relationship.decided")
    assert event.scope == client_record.scope
    assert event.object_id == str(decision.public_id)
    assert event.payload == {
        "outcome": "conditions",
        "next_review_on": days(90).isoformat(),
        "score_at_decision": 72,
        "has_conditions": True,
    }
    assert "Hélène" not in event.summary + str(event.payload)


@pytest.mark.django_db
def test_offboarding_moves_an_active_client_to_offboarding_with_its_own_audit_event(client_record, manager):
    relationship_decision_record(
        actor=manager, client=client_record, outcome="offboard", conditions="", next_review_on=days(30)
    )

    client_record.refresh_from_db()
    assert client_record.status == "offboarding"
    assert AuditEvent.objects.filter(event_type="client.updated", payload={"fields": ["status"]}).count() == 1


@pytest.mark.django_db
def test_continuing_leaves_the_client_status_alone(client_record, manager):
    relationship_decision_record(
        actor=manager, client=client_record, outcome="continue", conditions="", next_review_on=days(30)
    )

    client_record.refresh_from_db()
    assert client_record.status == "active"
    assert not AuditEvent.objects.filter(event_type="client.updated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "conditions", "next_review_on", "field"),
    [
        ("conditions", "   ", 30, "conditions"),
        ("continue", "", 0, "next_review_on"),
        ("continue", "", -10, "next_review_on"),
        ("continue", "", None, "next_review_on"),
        ("maybe", "", 30, "outcome"),
    ],
)
def test_an_invalid_decision_is_refused_and_changes_nothing(
    client_record, manager, outcome, conditions, next_review_on, field
):
    with pytest.raises(ValidationError) as error:
        relationship_decision_record(
            actor=manager,
            client=client_record,
            outcome=outcome,
            conditions=conditions,
            next_review_on=None if next_review_on is None else days(next_review_on),
        )

    assert field in error.value.message_dict
    assert not RelationshipDecision.objects.exists()
    assert not AuditEvent.objects.filter(event_type="relationship.decided").exists()


@pytest.mark.django_db
def test_a_vcio_cannot_record_a_relationship_decision(client_record, vcio):
    with pytest.raises(PermissionDenied):
        relationship_decision_record(
            actor=vcio, client=client_record, outcome="continue", conditions="", next_review_on=days(30)
        )

    assert not RelationshipDecision.objects.exists()
