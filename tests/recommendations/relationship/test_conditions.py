"""Relationship conditions as tracked items: added by managers, closed when their linked
recommendations are implemented, flagged overdue exactly once with an email to the manager."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.services import relationship_decision_record
from recommendations import services
from recommendations.models import RelationshipCondition
from recommendations.relationship.conditions import relationship_condition_add, relationship_conditions_sweep
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, RecommendationFactory


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def decision(client_record, manager):
    return relationship_decision_record(
        actor=manager,
        client=client_record,
        outcome="conditions",
        conditions="Fund MFA and backups.",
        next_review_on=days(90),
    )


@pytest.fixture
def mfa(client_record):
    return RecommendationFactory(client=client_record, title="MFA", status="refused")


@pytest.fixture
def backups(client_record):
    return RecommendationFactory(client=client_record, title="Backups", status="presented")


def add(decision, manager, vcio, *, due_on, recommendations=()):
    return relationship_condition_add(
        actor=manager,
        decision=decision,
        what="Fund MFA and offsite backups",
        owner=vcio,
        due_on=due_on,
        recommendations=list(recommendations),
        today=timezone.localdate(),
    )


@pytest.mark.django_db
def test_a_condition_goes_overdue_exactly_once_and_the_manager_is_emailed(decision, manager, vcio, mfa):
    condition = add(decision, manager, vcio, due_on=days(10), recommendations=[mfa])

    assert relationship_conditions_sweep(today=days(10)).overdue == 0  # due today: not late yet
    first = relationship_conditions_sweep(today=days(11))
    second = relationship_conditions_sweep(today=days(12))

    assert (first.overdue, second.overdue) == (1, 0)
    condition.refresh_from_db()
    assert condition.overdue_since == days(11) and condition.is_overdue
    email = OutboundEmail.objects.get(kind="condition_overdue")
    assert sorted(email.to) == sorted([manager.email, vcio.email])
    assert "Fund MFA and offsite backups" in email.body_text and "Fund MFA and offsite backups" in email.body_html
    assert reverse("relationship:decision_conditions", args=[decision.public_id]) in email.body_text
    assert AuditEvent.objects.filter(event_type="relationship.condition_overdue").count() == 1


@pytest.mark.django_db
def test_a_condition_closes_itself_when_its_linked_recommendations_are_implemented(
    decision, manager, vcio, mfa, backups
):
    condition = add(decision, manager, vcio, due_on=days(10), recommendations=[mfa, backups])
    unlinked = add(decision, manager, vcio, due_on=days(10))

    services.recommendation_transition(actor=vcio, recommendation=mfa, action="implement")
    assert relationship_conditions_sweep(today=days(1)).closed == 0  # backups still open
    services.recommendation_transition(actor=vcio, recommendation=backups, action="implement")
    result = relationship_conditions_sweep(today=days(1))

    assert result.closed == 1
    condition.refresh_from_db()
    unlinked.refresh_from_db()
    assert (condition.status, condition.met_on) == ("met", days(1))
    assert unlinked.status == "open"  # nothing to implement: closed only by hand
    # A met condition never goes overdue.
    assert relationship_conditions_sweep(today=days(30)).overdue == 1
    assert OutboundEmail.objects.filter(kind="condition_overdue").count() == 1
    condition.refresh_from_db()
    assert condition.overdue_since is None


@pytest.mark.django_db
def test_a_manager_adds_and_closes_conditions_on_the_decision_page(manager_client, decision, vcio, mfa):
    url = reverse("relationship:decision_conditions", args=[decision.public_id])
    page = manager_client.get(url).content.decode()
    assert "No tracked conditions yet." in page

    response = manager_client.post(
        url, {"what": "Fund MFA", "owner": vcio.pk, "due_on": days(30).isoformat(), "recommendations": [mfa.pk]}
    )

    assert response.status_code == 302
    condition = RelationshipCondition.objects.get()
    assert list(condition.recommendations.all()) == [mfa]
    manager_client.post(reverse("relationship:condition_meet", args=[condition.public_id]))
    manager_client.post(reverse("relationship:condition_meet", args=[condition.public_id]))
    condition.refresh_from_db()
    assert condition.status == "met"
    assert AuditEvent.objects.filter(event_type="relationship.condition_met").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what": "", "due_on": "2099-01-01"}, "This field is required."),
        ({"what": "Fund MFA", "due_on": "2000-01-01"}, "Set the due date after today."),
        ({"what": "Fund MFA", "due_on": "someday"}, "Enter a valid date."),
    ],
)
def test_bad_conditions_are_refused_with_a_message(manager_client, decision, vcio, data, message):
    response = manager_client.post(
        reverse("relationship:decision_conditions", args=[decision.public_id]), {"owner": vcio.pk, **data}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RelationshipCondition.objects.exists()


@pytest.mark.django_db
def test_another_clients_recommendation_cannot_be_linked(manager_client, decision, vcio, mfa):
    elsewhere = RecommendationFactory(client=ClientFactory(), title="Not theirs")

    response = manager_client.post(
        reverse("relationship:decision_conditions", args=[decision.public_id]),
        {"what": "Fund MFA", "owner": vcio.pk, "due_on": days(30).isoformat(), "recommendations": [elsewhere.pk]},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not RelationshipCondition.objects.exists()


@pytest.mark.django_db
def test_a_vcio_reads_the_conditions_but_cannot_add_or_close_them(vcio_client, decision, manager, vcio):
    condition = add(decision, manager, vcio, due_on=days(10))
    url = reverse("relationship:decision_conditions", args=[decision.public_id])

    page = vcio_client.get(url).content.decode()
    assert "Fund MFA and offsite backups" in page and "Add a condition" not in page
    assert vcio_client.post(url, {"what": "x", "owner": vcio.pk, "due_on": days(5).isoformat()}).status_code == 403
    assert vcio_client.post(reverse("relationship:condition_meet", args=[condition.public_id])).status_code == 403
    condition.refresh_from_db()
    assert condition.status == "open"


@pytest.mark.django_db
def test_a_decision_without_conditions_takes_none(manager_client, client_record, manager):
    decision = relationship_decision_record(
        actor=manager, client=client_record, outcome="continue", conditions="", next_review_on=days(90)
    )
    url = reverse("relationship:decision_conditions", args=[decision.public_id])

    assert "Add a condition" not in manager_client.get(url).content.decode()
    assert manager_client.post(url, {"what": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_dashboard_counts_clients_with_overdue_conditions_and_lists_and_exports_them(
    manager_client, decision, manager, vcio
):
    add(decision, manager, vcio, due_on=days(10))
    relationship_conditions_sweep(today=days(11))

    dashboard = manager_client.get(reverse("register:dashboard")).content.decode()
    assert "with overdue conditions" in dashboard
    assert reverse("register:dashboard_list", args=["conditions"]) in dashboard
    assert manager_client.get(reverse("register:dashboard")).context["headline"].conditions_overdue == 1
    listing = manager_client.get(reverse("register:dashboard_list", args=["conditions"])).content.decode()
    assert "Fund MFA and offsite backups" in listing and f"Overdue since {days(11).isoformat()}" in listing
    exported = b"".join(
        manager_client.get(reverse("register:dashboard_list_csv", args=["conditions"])).streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["Client", "Condition", "Owner", "Due", "Status", "Linked implemented", "Decided on"]
    assert rows[1][1] == "Fund MFA and offsite backups"


@pytest.mark.django_db
def test_the_review_queue_exports_in_priority_order(manager_client, vcio):
    from tests.recommendations.relationship.test_uncovered_and_review import build_liability_portfolio

    build_liability_portfolio(vcio)

    exported = b"".join(
        manager_client.get(reverse("register:dashboard_list_csv", args=["review"])).streaming_content
    ).decode()

    rows = list(csv.reader(io.StringIO(exported)))
    assert "Uncovered exposure" in rows[0] and "MRR" in rows[0]
    assert [row[0] for row in rows[1:]] == ["Lakeshore Dental", "Harbour Logistics"]
