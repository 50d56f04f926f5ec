"""The lists behind the dashboard's figures: each returns a queryset whose rows carry everything
its page and CSV show, over the same portfolio as the figure (dashboard/selectors.py)."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, Software
from recommendations.dashboard.selectors import portfolio_table, software_without_consent_all, unsigned_requests_all
from recommendations.models import DecisionRequest, Recommendation, RequestItem
from recommendations.risk.review import ReviewRule


def _latest_signer() -> Subquery:
    """Name of the signatory of the latest completed request that contained the recommendation."""
    # completed_at rather than status: with status=completed SQLite drives the lookup from the
    # requests' status index and scans every completed request for each row.
    items = RequestItem.objects.filter(recommendation=OuterRef("pk"), request__completed_at__isnull=False).order_by(
        "-request__completed_at"
    )
    return Subquery(items.values("request__signatory__name")[:1])


# What the refusal lists and their CSVs show: leaving out the long client-facing texts keeps a
# 15,000-row export from loading megabytes it never writes.
REFUSAL_LIST_FIELDS = (
    "public_id",
    "title",
    "likelihood",
    "impact",
    "status",
    "valid_until",
    "client__public_id",
    "client__name",
)


def lapsed_refusals(*, clients: QuerySet[Client]) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(client__in=clients.values("pk"), status=Recommendation.Status.LAPSED)
        .select_related("client")
        .only(*REFUSAL_LIST_FIELDS)
        .annotate(signer=_latest_signer())
        .order_by("valid_until", "client__name", "title", "pk")
    )


def refusals_due(*, clients: QuerySet[Client], days: int) -> QuerySet[Recommendation]:
    """Refusals whose valid-until falls within `days` — including those already past it but
    still inside the grace period before they lapse, which are the most urgent."""
    horizon = timezone.localdate() + datetime.timedelta(days=days)
    return (
        Recommendation.objects.filter(
            client__in=clients.values("pk"), status=Recommendation.Status.REFUSED, valid_until__lte=horizon
        )
        .select_related("client")
        .only(*REFUSAL_LIST_FIELDS)
        .annotate(signer=_latest_signer())
        .order_by("valid_until", "client__name", "title", "pk")
    )


def unsigned_requests(*, clients: QuerySet[Client]) -> QuerySet[DecisionRequest]:
    return (
        unsigned_requests_all(clients=clients)
        .select_related("client", "signatory")
        .annotate(item_count=_count_items())
        .order_by("sent_at", "pk")
    )


def _count_items() -> Coalesce:
    counted = (
        RequestItem.objects.filter(request=OuterRef("pk")).order_by().values("request").annotate(n=Count("pk"))
    ).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def clients_needing_review(*, clients: QuerySet[Client], threshold: ReviewRule) -> QuerySet[Client]:
    """The review queue, in priority order (PRIORITY_ORDER)."""
    return portfolio_table(clients=clients, threshold=threshold, sort="priority").filter(review_needed=True)


def clients_review_overdue(*, clients: QuerySet[Client], threshold: ReviewRule) -> QuerySet[Client]:
    return (
        portfolio_table(clients=clients, threshold=threshold)
        .filter(review_overdue=True)
        .order_by("decision_next_review", "-risk_score", "name", "pk")
    )


def software_without_consent(*, clients: QuerySet[Client]) -> QuerySet[Software]:
    return (
        software_without_consent_all()
        .filter(client__in=clients.values("pk"))
        .select_related("client")
        .order_by("client__name", "name", "pk")
    )
