"""What can be sent for signing: the recommendations and software a request may hold, and what is
waiting for a decision."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from clients.models import Client, Software
from recommendations.models import DecisionRequest, Recommendation, RequestItem
from recommendations.signing.content import (
    Purpose,
)
from recommendations.signing.purposes import describe


def sendable_statuses(purpose: str) -> list[str]:
    return list(describe(purpose).sendable_statuses)


def waiting_in_live_request(field: str = "recommendation") -> Exists:
    return Exists(RequestItem.objects.filter(DecisionRequest.live("request__"), **{field: OuterRef("pk")}))


def sendable_recommendations(client: Client, purpose: str = Purpose.DECISION) -> QuerySet[Recommendation]:
    """What may go into a new request: the right status, and not waiting in a request whose link
    still works (a second request for the same item would be refused on send)."""
    return (
        client.recommendations.filter(status__in=sendable_statuses(purpose))
        .exclude(waiting_in_live_request())
        .order_by("-inherent_risk", "title")
    )


def recommendations_awaiting_decision(client: Client, purpose: str = Purpose.DECISION) -> list[Recommendation]:
    """Items of the right status already in a request whose link still works, each with that
    request's public id and sending date (`waiting_in`, `waiting_since`): one query."""
    live_items = RequestItem.objects.filter(DecisionRequest.live("request__"), recommendation=OuterRef("pk")).order_by(
        "-request__sent_at"
    )
    return list(
        client.recommendations.filter(status__in=sendable_statuses(purpose))
        .annotate(
            waiting_in=Subquery(live_items.values("request__public_id")[:1]),
            waiting_since=Subquery(live_items.values("request__sent_at")[:1]),
        )
        .filter(waiting_in__isnull=False)
        .order_by("-inherent_risk", "title")
    )


def sendable_software(client: Client) -> QuerySet[Software]:
    """Programs whose install consent can be asked for: not removed, and consent not already given."""
    return (
        client.software.exclude(install_status=Software.InstallStatus.REMOVED)
        .exclude(consent_status=Software.ConsentStatus.GIVEN)
        .order_by("name")
    )
