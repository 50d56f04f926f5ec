import datetime

import pytest

from recommendations.models import TRANSITIONS, Recommendation, TransitionError
from recommendations.services import recommendation_transition
from riskreg.audit.models import AuditEvent
from tests.factories import RecommendationFactory

ALL_STATUSES = [status.value for status in Recommendation.Status]
STAFF_AND_SYSTEM_ACTIONS = sorted(TRANSITIONS)


def _valid_until(action: str) -> datetime.date | None:
    return datetime.date(2027, 3, 1) if action == "refuse" else None


@pytest.mark.django_db
@pytest.mark.parametrize("action", STAFF_AND_SYSTEM_ACTIONS)
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_each_transition_is_allowed_only_from_its_source_states(action, status, client_record, vcio):
    sources, target = TRANSITIONS[action]
    recommendation = RecommendationFactory(client=client_record, status=status)
    events_before = AuditEvent.objects.count()

    if status in sources:
        result = recommendation_transition(
            actor=vcio, recommendation=recommendation, action=action, valid_until=_valid_until(action)
        )
        assert result.status == target
        recommendation.refresh_from_db()
        assert recommendation.status == target
        events = AuditEvent.objects.filter(sequence__gt=events_before)
        assert [event.event_type for event in events] == [f"recommendation.{target}"]
        assert events[0].payload["from"] == status
    else:
        with pytest.raises(TransitionError, match="cannot be"):
            recommendation_transition(
                actor=vcio, recommendation=recommendation, action=action, valid_until=_valid_until(action)
            )
        recommendation.refresh_from_db()
        assert recommendation.status == status
        assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_refusal_without_valid_until_is_rejected_and_changes_nothing(client_record, vcio):
    recommendation = RecommendationFactory(client=client_record, status="presented")

    with pytest.raises(TransitionError, match="valid-until"):
        recommendation_transition(actor=vcio, recommendation=recommendation, action="refuse")

    recommendation.refresh_from_db()
    assert recommendation.status == "presented"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_transition_rescores_the_client_in_the_same_call(client_record, vcio):
    recommendation = RecommendationFactory(client=client_record, status="presented", likelihood=5, impact=5)
    recommendation_transition(actor=vcio, recommendation=recommendation, action="defer")
    client_record.refresh_from_db()
    deferred_score = client_record.risk_score

    recommendation_transition(actor=vcio, recommendation=recommendation, action="withdraw")

    client_record.refresh_from_db()
    assert deferred_score >= 50
    assert client_record.risk_score == 0
