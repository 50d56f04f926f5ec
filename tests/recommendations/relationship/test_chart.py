"""The dashboard's risk-versus-value chart: geometry, links, the table alternative, filters."""

import math
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from recommendations.relationship.chart import LEFT, MAX_RADIUS, MIN_RADIUS, WIDTH, ChartClient, risk_value_chart
from tests.factories import ClientFactory


def point(name, score, mrr, uncovered, band="high") -> ChartClient:
    return ChartClient(name, f"/clients/{name}/", score, mrr, Decimal(uncovered), band)


def test_points_sit_by_score_and_value_and_grow_in_area_with_uncovered_exposure():
    chart = risk_value_chart(
        [point("a", 0, 0, "0"), point("b", 100, 500_000, "80"), point("c", 50, 250_000, "20")], threshold_score=50
    )

    a, b, c = chart.points
    assert (a.x, b.x) == (chart.left, chart.right)
    assert (a.y, b.y) == (chart.bottom, chart.top)  # 5,000.00 is the top of the scale
    assert c.y == (chart.top + chart.bottom) / 2
    assert c.x == chart.threshold_x == LEFT + (WIDTH - 16 - LEFT) / 2
    assert (a.r, b.r) == (MIN_RADIUS, MAX_RADIUS)
    # a quarter of the largest exposure: half the extra radius, a quarter of the extra area
    assert c.r == pytest.approx(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(0.25), abs=0.1)
    assert [t.label for t in chart.y_ticks] == ["0", "1,250", "2,500", "3,750", "5,000"]


def test_no_threshold_line_when_the_rule_does_not_use_the_score_and_no_chart_without_clients():
    assert risk_value_chart([point("a", 10, None, "0")], threshold_score=None).threshold_x is None
    assert risk_value_chart([], threshold_score=50) is None


@pytest.mark.django_db
def test_the_manager_dashboard_charts_clients_with_links_and_a_table_and_filters_apply(manager_client, vcio):
    dental = ClientFactory(name="Lakeshore Dental", vcio=vcio, industry="healthcare", risk_score=73)
    dental.uncovered_exposure, dental.monthly_recurring_revenue_cents = Decimal("70.5"), 90_000
    dental.save()
    ClientFactory(name="Harbour Logistics", vcio=vcio, industry="retail", risk_score=80)

    page = manager_client.get(reverse("register:dashboard")).content.decode()
    chart = page[page.index('class="risk-value-chart"') : page.index("</svg>", page.index('class="risk-value-chart"'))]
    assert f'href="{reverse("register:client_detail", args=[dental.public_id])}"' in chart
    assert 'aria-label="Lakeshore Dental: score 73, MRR 900.00, uncovered exposure 70.5"' in chart
    assert 'class="rv-threshold"' in chart
    assert "The chart as a table" in page
    table = page[page.index("The chart as a table") :]
    assert re.search(r"Lakeshore Dental</a></th><td[^>]*>73</td><td[^>]*>900.00</td><td[^>]*>70.5</td>", table)

    filtered = manager_client.get(reverse("register:dashboard"), {"industry": "retail"}).content.decode()
    assert "Lakeshore Dental" not in filtered and "Harbour Logistics: score 80, no value recorded" in filtered


@pytest.mark.django_db
def test_a_vcio_dashboard_has_no_value_chart(vcio_client, vcio):
    ClientFactory(name="Lakeshore Dental", vcio=vcio, monthly_recurring_revenue_cents=90_000)

    page = vcio_client.get(reverse("register:dashboard")).content.decode()

    assert "risk-value-chart" not in page and "900.00" not in page
