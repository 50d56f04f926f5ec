import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clients.models import Client
from recommendations.models import Recommendation
from recommendations.roadmap.selectors import client_roadmap, portfolio_pipeline
from recommendations.roadmap.services import client_fiscal_year_set, recommendation_schedule
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, RecommendationFactory

TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
Status = Recommendation.Status


@pytest.fixture
def february_client(client_record):
    client_record.fiscal_year_start_month = 2
    client_record.save()
    return client_record


def columns_of(roadmap):
    return {column.title: column for column in roadmap.columns}


@pytest.mark.django_db
def test_quarters_follow_the_clients_fiscal_year(february_client):
    march = RecommendationFactory(client=february_client, target_quarter=datetime.date(2026, 3, 1))
    may = RecommendationFactory(client=february_client, target_quarter=datetime.date(2026, 5, 1))

    roadmap = client_roadmap(february_client, today=TODAY)

    columns = columns_of(roadmap)
    assert [column.title for column in roadmap.columns] == [
        "Past",
        "FY2027 Q1",
        "FY2027 Q2",
        "FY2027 Q3",
        "FY2027 Q4",
        "FY2028 Q1",
        "Later",
        "Not scheduled",
    ]
    assert columns["FY2027 Q1"].kind == "current" and columns["FY2027 Q1"].items == [march]
    assert columns["FY2027 Q2"].items == [may]


@pytest.mark.django_db
def test_past_later_and_unscheduled_items_have_their_own_columns(client_record):
    old = RecommendationFactory(client=client_record, target_quarter=datetime.date(2025, 4, 1))
    far = RecommendationFactory(client=client_record, target_quarter=datetime.date(2027, 4, 1))
    open_ended = RecommendationFactory(client=client_record, target_quarter=None)
    RecommendationFactory(client=client_record, status=Status.WITHDRAWN, target_quarter=datetime.date(2026, 1, 1))

    columns = columns_of(client_roadmap(client_record, today=TODAY))

    assert columns["Past"].items == [old]
    assert columns["Later"].items == [far]
    assert columns["Not scheduled"].items == [open_ended]
    assert sum(len(column.items) for column in columns.values()) == 3, "withdrawn items are off the roadmap"


@pytest.mark.django_db
def test_budget_totals_per_quarter_are_exact_in_integer_cents(client_record):
    quarter = datetime.date(2026, 4, 1)
    # Ten items of 0.10 and 0.20: a float sum would give 2.9999999999999996.
    for _ in range(10):
        RecommendationFactory(
            client=client_record, target_quarter=quarter, one_time_cost_cents=10, recurring_monthly_cost_cents=20
        )
    RecommendationFactory(
        client=client_record,
        target_quarter=quarter,
        one_time_cost_cents=123_456_789_01,
        recurring_monthly_cost_cents=None,
    )
    RecommendationFactory(client=client_record, target_quarter=quarter, one_time_cost_cents=None)

    budget = columns_of(client_roadmap(client_record, today=TODAY))["FY2026 Q2"].budget

    assert budget.one_time_cents == 123_456_789_01 + 100
    assert budget.recurring_monthly_cents == 200
    assert budget.annualised_cents == 123_456_789_01 + 100 + 12 * 200
    assert (budget.one_time, budget.recurring_monthly, budget.annualised) == (
        "123,456,790.01",
        "2.00",
        "123,456,814.01",
    )
    assert budget.items == 12


@pytest.mark.django_db
def test_refused_items_show_as_refused_with_valid_until_and_carry_no_budget(client_record):
    quarter = datetime.date(2026, 1, 1)
    refused = RecommendationFactory(
        client=client_record,
        status=Status.REFUSED,
        valid_until=datetime.date(2026, 6, 1),
        target_quarter=quarter,
        one_time_cost_cents=500_00,
    )
    planned = RecommendationFactory(client=client_record, target_quarter=quarter, one_time_cost_cents=100_00)

    column = columns_of(client_roadmap(client_record, today=TODAY))["FY2026 Q1"]

    shown = {item.pk: item for item in column.items}
    assert shown[refused.pk].is_refused and not shown[refused.pk].is_movable
    assert not shown[planned.pk].is_refused and shown[planned.pk].is_movable
    assert column.budget.one_time_cents == 100_00


@pytest.mark.django_db
def test_moving_an_item_writes_one_audit_event(client_record, vcio):
    item = RecommendationFactory(client=client_record, target_quarter=None)

    with time_machine.travel(NOW, tick=False):
        moved = recommendation_schedule(actor=vcio, recommendation=item, target_quarter=datetime.date(2026, 5, 17))

    item.refresh_from_db()
    assert moved and item.target_quarter == datetime.date(2026, 4, 1), "stored as the quarter's first day"
    [event] = AuditEvent.objects.filter(event_type="recommendation.scheduled")
    assert event.object_id == str(item.public_id)
    assert event.payload == {"from": None, "to": "2026-04-01"}
    assert "to FY2026 Q2" in event.summary


@pytest.mark.django_db
def test_moving_an_item_to_where_it_is_writes_nothing(client_record, vcio):
    item = RecommendationFactory(client=client_record, target_quarter=datetime.date(2026, 4, 1))

    moved = recommendation_schedule(actor=vcio, recommendation=item, target_quarter=datetime.date(2026, 6, 1))

    assert not moved
    assert not AuditEvent.objects.filter(event_type="recommendation.scheduled").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.REFUSED, Status.LAPSED, Status.IMPLEMENTED, Status.WITHDRAWN])
def test_a_decided_item_cannot_be_moved(client_record, vcio, status):
    item = RecommendationFactory(
        client=client_record, status=status, valid_until=datetime.date(2026, 6, 1), target_quarter=None
    )

    with pytest.raises(ValidationError, match="cannot be moved"):
        recommendation_schedule(actor=vcio, recommendation=item, target_quarter=datetime.date(2026, 4, 1))

    item.refresh_from_db()
    assert item.target_quarter is None
    assert not AuditEvent.objects.filter(event_type="recommendation.scheduled").exists()


@pytest.mark.django_db
def test_changing_the_fiscal_year_rereads_every_item_through_it(client_record, vcio):
    item = RecommendationFactory(client=client_record, target_quarter=datetime.date(2026, 4, 1))

    assert client_fiscal_year_set(actor=vcio, client=client_record, start_month=2)
    assert not client_fiscal_year_set(actor=vcio, client=client_record, start_month=2)

    client_record.refresh_from_db()
    columns = columns_of(client_roadmap(client_record, today=TODAY))
    assert columns["FY2027 Q1"].items == [item], "April is in the quarter starting in February"
    assert AuditEvent.objects.filter(event_type="client.fiscal_year_set").count() == 1


@pytest.mark.django_db
def test_the_pipeline_sums_planned_work_by_calendar_quarter_across_clients(client_record, vcio):
    other = ClientFactory(fiscal_year_start_month=2)
    RecommendationFactory(client=client_record, target_quarter=datetime.date(2026, 1, 1), one_time_cost_cents=1_00)
    RecommendationFactory(
        client=other, target_quarter=datetime.date(2026, 2, 1), one_time_cost_cents=2_00, recurring_monthly_cost_cents=5
    )
    RecommendationFactory(client=other, target_quarter=datetime.date(2026, 5, 1), one_time_cost_cents=4_00)
    RecommendationFactory(
        client=other,
        status=Status.REFUSED,
        valid_until=datetime.date(2026, 6, 1),
        target_quarter=datetime.date(2026, 2, 1),
        one_time_cost_cents=1000_00,
    )
    RecommendationFactory(client=other, target_quarter=datetime.date(2025, 10, 1), one_time_cost_cents=8_00)

    rows = portfolio_pipeline(Client.objects.all(), today=TODAY)

    first, second = rows[0], rows[1]
    assert (first.quarter.start, first.clients, first.budget.one_time_cents) == (datetime.date(2026, 1, 1), 2, 3_00)
    assert first.budget.recurring_monthly_cents == 5 and first.budget.annualised_cents == 3_60
    assert (second.quarter.start, second.clients, second.budget.one_time_cents) == (datetime.date(2026, 4, 1), 1, 4_00)
    assert len(rows) == 6 and sum(row.budget.items for row in rows) == 3, "past and refused items are not in it"
