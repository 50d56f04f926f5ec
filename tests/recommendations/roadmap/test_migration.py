import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("recommendations", "0012_relationship_conditions"),
    ("clients", "0009_client_value_uncovered_exposure_review_rule"),
]
AFTER = [("recommendations", "0013_roadmap_costs_briefings"), ("clients", "0010_fiscal_year_and_briefing_schedule")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_estimated_cost_becomes_the_one_time_cost_in_cents_and_the_target_date_a_quarter():
    old = migrate(BEFORE)
    client = old.get_model("clients", "Client").objects.create(name="Migrated Ltd")
    Recommendation = old.get_model("recommendations", "Recommendation")
    common = {
        "client": client,
        "description": "d",
        "why_it_matters": "w",
        "consequences": "c",
        "likelihood": 3,
        "impact": 3,
    }
    Recommendation.objects.create(
        title="Costed", estimated_cost=Decimal("1234.56"), target_date=datetime.date(2026, 8, 20), **common
    )
    Recommendation.objects.create(title="Unpriced", estimated_cost=None, target_date=None, **common)
    Recommendation.objects.create(title="Free", estimated_cost=Decimal("0.00"), **common)
    try:
        new = migrate(AFTER)
        rows = {
            row.title: row
            for row in new.get_model("recommendations", "Recommendation").objects.filter(client__name="Migrated Ltd")
        }

        assert rows["Costed"].one_time_cost_cents == 123456
        assert rows["Costed"].target_quarter == datetime.date(2026, 7, 1)
        assert rows["Unpriced"].one_time_cost_cents is None and rows["Unpriced"].target_quarter is None
        assert rows["Free"].one_time_cost_cents == 0
        assert all(row.recurring_monthly_cost_cents is None and row.priority == 2 for row in rows.values())
        assert new.get_model("clients", "Client").objects.get(name="Migrated Ltd").fiscal_year_start_month == 1
    finally:
        migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
