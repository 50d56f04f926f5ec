"""Reads of the relationship review."""

from django.db.models import QuerySet
from django.urls import reverse

from clients.models import Client
from recommendations.dashboard import PRIORITY_ORDER, ReviewRule
from recommendations.relationship.chart import ChartClient, RiskValueChart, risk_value_chart

# The chart shows the clients that matter most for a decision, not the whole book: at 2,000 clients
# a scatter of every one is unreadable and its table alternative unusable.
CHART_LIMIT = 40


def risk_value_data(*, clients: QuerySet[Client], rule: ReviewRule, limit: int = CHART_LIMIT) -> RiskValueChart | None:
    """The first ``limit`` clients of the review priority among ``clients`` (filters applied), placed. One query."""
    rows = clients.order_by(*PRIORITY_ORDER).values_list(
        "name", "public_id", "risk_score", "monthly_recurring_revenue_cents", "uncovered_exposure", "risk_band"
    )[:limit]
    points = [
        ChartClient(name, reverse("register:client_detail", args=[public_id]), score, mrr, uncovered, band)
        for name, public_id, score, mrr, uncovered, band in rows
    ]
    uses_score = rule.basis != "uncovered"
    return risk_value_chart(points, threshold_score=rule.score if uses_score else None)
