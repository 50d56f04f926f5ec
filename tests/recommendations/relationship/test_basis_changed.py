"""Outdated decisions: a signed refusal whose basis got worse after signing stops covering the risk."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import PracticeProfile
from clients.services import agreement_update
from recommendations import reack, services
from recommendations.models import DecisionRequest, ReackStep, Recommendation
from recommendations.relationship.basis import refusal_reassess
from riskreg.audit.models import AuditEvent
from tests.factories import RecommendationFactory


def signed_refusal(client, **fields) -> Recommendation:
    refusal = RecommendationFactory(
        client=client,
        title="Multi-factor authentication",
        status="refused",
        likelihood=3,
        impact=4,
        valid_until=timezone.localdate() + datetime.timedelta(days=90),
        **fields,
    )
    services.client_rescore(client=client)
    return refusal


@pytest.fixture
def covered(client_record):
    """Harbourview: one signed refusal (covered) and one unsigned item."""
    refusal = signed_refusal(client_record)
    RecommendationFactory(client=client_record, title="EDR", status="presented", likelihood=2, impact=2)
    services.client_rescore(client=client_record)
    client_record.refresh_from_db()
    return refusal


@pytest.mark.django_db
def test_raising_likelihood_after_signing_marks_basis_changed_lowers_coverage_and_offers_reack(
    covered, client_record, vcio, vcio_client
):
    coverage_before, uncovered_before = client_record.liability_coverage, client_record.uncovered_exposure
    assert coverage_before == Decimal("75.0")  # 12 of 16 covered

    refusal_reassess(actor=vcio, recommendation=covered, likelihood=4, impact=4)

    covered.refresh_from_db()
    client_record.refresh_from_db()
    assert covered.basis_changed_on == timezone.localdate()
    assert covered.basis_changed_reason == "risk raised from 3 × 4 to 4 × 4 after signing"
    assert client_record.liability_coverage == Decimal("0.0")
    assert client_record.uncovered_exposure == Decimal("30.0")  # (16 + 4) x 1.5
    assert client_record.uncovered_exposure > uncovered_before
    assert AuditEvent.objects.filter(event_type="recommendation.basis_changed").count() == 1
    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()
    assert "Basis changed" in page
    assert reverse("register:reack_send", args=[client_record.public_id]) in page
    send_page = vcio_client.get(reverse("register:reack_send", args=[client_record.public_id])).content.decode()
    assert "Multi-factor authentication" in send_page
    breakdown = vcio_client.get(reverse("register:client_risk", args=[client_record.public_id])).content.decode()
    assert "Uncovered: basis changed since signing" in breakdown


@pytest.mark.django_db
def test_lowering_the_risk_keeps_the_refusal_covered(covered, client_record, vcio):
    refusal_reassess(actor=vcio, recommendation=covered, likelihood=2, impact=4)

    covered.refresh_from_db()
    client_record.refresh_from_db()
    assert covered.basis_changed_on is None
    assert client_record.liability_coverage == Decimal("66.7")  # 8 of 12


@pytest.mark.django_db
def test_a_new_decision_clears_the_mark(covered, client_record, vcio):
    refusal_reassess(actor=vcio, recommendation=covered, likelihood=5, impact=4)

    services.recommendation_transition(
        actor=None,
        actor_label="test:signatory",
        recommendation=covered,
        action="refuse",
        valid_until=timezone.localdate() + datetime.timedelta(days=90),
    )

    covered.refresh_from_db()
    client_record.refresh_from_db()
    assert (covered.basis_changed_on, covered.basis_changed_reason) == (None, "")
    assert client_record.liability_coverage == Decimal("83.3")  # 20 of 24


@pytest.mark.django_db
def test_a_higher_multiplier_marks_every_signed_refusal_and_a_lower_one_none(client_record, vcio):
    client_record.industry, client_record.holds_health_data = "retail", False
    client_record.save()
    refusal = signed_refusal(client_record)
    data = {"industry": "retail", "holds_health_data": False}

    services.client_profile_update(actor=vcio, client=client_record, data={**data, "holds_payment_card_data": False})
    refusal.refresh_from_db()
    assert refusal.basis_changed_on is None  # nothing changed

    services.client_profile_update(actor=vcio, client=client_record, data={**data, "industry": "legal"})
    refusal.refresh_from_db()
    assert refusal.basis_changed_reason == "client's sensitivity multiplier raised from 1 to 1.5"


@pytest.mark.django_db
def test_a_lower_multiplier_leaves_refusals_covered(client_record, vcio):
    refusal = signed_refusal(client_record)

    services.client_profile_update(
        actor=vcio, client=client_record, data={"industry": "retail", "holds_health_data": False}
    )

    refusal.refresh_from_db()
    assert refusal.basis_changed_on is None


@pytest.mark.django_db
def test_changed_exclusions_mark_the_clients_signed_refusals_and_other_terms_do_not(client_record, vcio):
    refusal = signed_refusal(client_record)
    agreement = client_record.agreements.get()

    agreement_update(actor=vcio, agreement=agreement, data={"scope": "Servers and workstations, 24/7."})
    refusal.refresh_from_db()
    assert refusal.basis_changed_on is None

    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Losses from unpatched systems."})
    refusal.refresh_from_db()
    client_record.refresh_from_db()
    assert refusal.basis_changed_reason.startswith("exclusions of service agreement MSA-2026-001 changed")
    assert client_record.liability_coverage == Decimal("0.0")


@pytest.mark.django_db
def test_the_sweep_sends_a_reack_once_only_when_the_practice_chose_to(covered, client_record, vcio):
    refusal_reassess(actor=vcio, recommendation=covered, likelihood=4, impact=4)
    today = timezone.localdate()

    reack.reack_sweep(today=today)
    assert not ReackStep.objects.filter(step="basis_reack").exists()  # default: offered, not sent

    PracticeProfile.objects.filter(id=1).update(basis_change_reack="send")
    first = reack.reack_sweep(today=today)
    reack.reack_sweep(today=today)

    assert first.counts() == {"basis_reack": 1}
    request = DecisionRequest.objects.get(purpose="reacknowledgment")
    assert list(request.items.values_list("recommendation", flat=True)) == [covered.pk]
    assert "has changed since you signed your refusal" in request.message
    assert ReackStep.objects.filter(step="basis_reack", recommendation=covered, request=request).count() == 1


@pytest.mark.django_db
def test_the_reassess_page_refuses_bad_input_and_recommendations_that_are_not_refused(
    covered, client_record, client, vcio, outsider
):
    url = reverse("relationship:refusal_reassess", args=[covered.public_id])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(vcio)
    vcio_client = client

    response = vcio_client.post(url, {"likelihood": "9", "impact": "4"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    covered.refresh_from_db()
    assert (covered.likelihood, covered.basis_changed_on) == (3, None)

    presented = client_record.recommendations.get(status="presented")
    assert vcio_client.get(reverse("relationship:refusal_reassess", args=[presented.public_id])).status_code == 404

    response = vcio_client.post(url, {"likelihood": "4", "impact": "4"})
    assert response.status_code == 302
    covered.refresh_from_db()
    assert covered.basis_changed_on == timezone.localdate()
