import datetime

import pytest
from django.utils import timezone

from clients.models import RiskSnapshot
from recommendations.models import Recommendation
from tests.factories import RecommendationFactory
from tests.recommendations.documents.test_pipeline import sign_request


@pytest.fixture
def quarter_of_work(client_record, vcio, django_capture_on_commit_callbacks):
    """A client with a year of daily scores, a signed request (one refusal, one acceptance), open
    items, a refusal coming due and a roadmap."""
    today = timezone.localdate()
    for days_ago in range(364, -1, -7):
        score = 30 + (364 - days_ago) // 12
        RiskSnapshot.objects.create(
            client=client_record,
            taken_on=today - datetime.timedelta(days=days_ago),
            score=min(score, 100),
            band="moderate" if score < 50 else "high",
            coverage=60,
        )
    with django_capture_on_commit_callbacks(execute=True):
        sign_request(client_record, vcio)
    RecommendationFactory(
        client=client_record,
        title="Security awareness training",
        status=Recommendation.Status.PRESENTED,
        likelihood=4,
        impact=3,
        target_quarter=today.replace(day=1),
        one_time_cost_cents=1200_00,
        recurring_monthly_cost_cents=45_50,
    )
    RecommendationFactory(
        client=client_record,
        title="Email filtering and DMARC",
        status=Recommendation.Status.REFUSED,
        valid_until=today + datetime.timedelta(days=20),
        likelihood=4,
        impact=4,
    )
    RecommendationFactory(client=client_record, title="Internal draft idea", status=Recommendation.Status.DRAFT)
    client_record.refresh_from_db()
    return client_record
