"""The bulk demo loader: the rows the services would write, a verifiable chain, and re-runs that add nothing."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count

from clients.models import Client, RiskSnapshot
from recommendations.demo.bulk import HISTORY_DAYS, seed_generated_clients
from recommendations.models import Control, Decision, DecisionRequest, Recommendation
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.factories import UserFactory

TODAY = datetime.date(2026, 11, 22)


def _seed_range(*, start: int, total: int) -> int:
    vcios = [UserFactory(username="vera"), UserFactory(username="victor")]
    controls = list(Control.objects.filter(is_active=True).order_by("code"))
    return seed_generated_clients(start=start, total=total, per_client=20, vcios=vcios, controls=controls, today=TODAY)


def _seed(total: int = 4) -> int:
    return _seed_range(start=0, total=total)


@pytest.mark.django_db
def test_it_writes_clients_with_their_recommendations_history_and_a_chain_that_verifies():
    assert _seed() == 4

    assert Client.objects.count() == 4
    assert set(Client.objects.annotate(n=Count("recommendations")).values_list("n", flat=True)) == {20}
    assert RiskSnapshot.objects.count() == 4 * HISTORY_DAYS
    assert not Client.objects.filter(scored_at__isnull=True).exists()
    report = verify_chain()
    assert report.intact, report.problem
    assert report.events_checked == AuditEvent.objects.count() > 4 * 20


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    _seed()
    events = AuditEvent.objects.count()

    assert _seed() == 0
    assert Client.objects.count() == 4
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_every_refusal_is_backed_by_a_signed_decision_with_the_same_valid_until():
    _seed(total=6)

    refusals = Recommendation.objects.filter(status__in=["refused", "lapsed"])
    assert refusals.exists()
    for recommendation in refusals:
        decision = Decision.objects.select_related("request__signature").get(item__recommendation=recommendation)
        assert decision.outcome == Decision.Outcome.REFUSE
        assert decision.valid_until == recommendation.valid_until
        assert decision.request.status == DecisionRequest.Status.COMPLETED
        assert decision.request.signature.signed_at.date() < decision.valid_until
    lapsed = Recommendation.objects.filter(status="lapsed")
    assert all(item.valid_until < TODAY - datetime.timedelta(days=14) for item in lapsed)


def _third_client() -> tuple:
    client = Client.objects.get(name__endswith=" #3")
    items = client.recommendations.order_by("public_id").values_list("public_id", "status", "valid_until")
    return client.name, client.public_id, list(items)


@pytest.mark.django_db
def test_a_client_comes_out_the_same_whether_built_alone_or_with_the_others():
    with transaction.atomic():
        _seed(total=3)
        together = _third_client()
        transaction.set_rollback(True)

    _seed_range(start=2, total=3)

    assert Client.objects.count() == 1
    assert _third_client() == together
