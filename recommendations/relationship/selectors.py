"""Reads of the relationship review."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from clients.models import Client, RelationshipDecision
from clients.selectors import clients_visible_to
from recommendations.models import OffboardingLetter, OffboardingLetterSending, Recommendation, RelationshipCondition
from recommendations.relationship.chart import ChartClient, RiskValueChart, risk_value_chart
from recommendations.risk.review import PRIORITY_ORDER, ReviewRule

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


def decision_for_user(*, user: Any, public_id: UUID) -> RelationshipDecision:
    """A decision about a client the user may see; 404 for anyone else's."""
    return get_object_or_404(
        RelationshipDecision.objects.select_related("client", "manager").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def condition_for_user(*, user: Any, public_id: UUID) -> RelationshipCondition:
    return get_object_or_404(
        RelationshipCondition.objects.select_related("client", "decision").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def conditions_of(decision: RelationshipDecision) -> list[RelationshipCondition]:
    """The decision's conditions with owners and linked recommendations: two queries."""
    implemented = Q(recommendations__status=Recommendation.Status.IMPLEMENTED)
    return list(
        RelationshipCondition.objects.filter(decision=decision)
        .select_related("owner")
        .prefetch_related("recommendations")
        .annotate(linked=Count("recommendations"), implemented=Count("recommendations", filter=implemented))
        .order_by("status", "due_on", "pk")
    )


def conditions_for_clients(*, clients: QuerySet[Client]) -> QuerySet[RelationshipCondition]:
    """Every condition of the given clients, open first, overdue and soonest due first (dashboard list, CSV)."""
    implemented = Q(recommendations__status=Recommendation.Status.IMPLEMENTED)
    return (
        RelationshipCondition.objects.filter(client__in=clients.values("pk"))
        .select_related("client", "owner", "decision")
        .annotate(linked=Count("recommendations"), implemented=Count("recommendations", filter=implemented))
        .order_by("-status", "due_on", "client__name", "pk")
    )


def latest_decision(client: Client) -> RelationshipDecision | None:
    """The decision in force: the latest, as the dashboard orders them."""
    return RelationshipDecision.objects.filter(client=client).order_by("-decided_on", "-created_at", "-pk").first()


def offboarding_letters_of(client: Client) -> list[OffboardingLetter]:
    """The client's notice letters, newest first, each with its document and sendings: two queries."""
    sendings = OffboardingLetterSending.objects.select_related("recipient", "email", "sent_by").order_by("sent_at")
    return list(
        OffboardingLetter.objects.filter(client=client)
        .select_related("addressee", "issued_by", "document", "decision")
        .prefetch_related(Prefetch("sendings", queryset=sendings))
        .order_by("-issued_at", "-pk")
    )


def offboarding_letter_for_user(*, user: Any, public_id: UUID) -> OffboardingLetter:
    """A letter about a client the user may see, with its document; 404 for anyone else's."""
    return get_object_or_404(
        OffboardingLetter.objects.select_related("client", "addressee", "issued_by", "document", "decision").filter(
            client__in=clients_visible_to(user)
        ),
        public_id=public_id,
    )


@dataclass(frozen=True)
class OffboardingOverview:
    """The client page's offboarding notice: the offboard decision that can be given notice (the
    latest decision, if it is one) and the letters issued."""

    decision: RelationshipDecision | None
    letters: list[OffboardingLetter]


def offboarding_overview(client: Client) -> OffboardingOverview:
    latest = latest_decision(client)
    offboard = latest if latest is not None and latest.outcome == RelationshipDecision.Outcome.OFFBOARD else None
    return OffboardingOverview(decision=offboard, letters=offboarding_letters_of(client))
