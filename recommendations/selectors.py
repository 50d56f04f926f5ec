"""Reads for the register: each selector owns its query shape, so a page's query count does
not grow with the number of rows."""

from collections import OrderedDict
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clients.models import Client
from clients.selectors import clients_visible_to
from recommendations.models import Control, Recommendation
from recommendations.scoring import DEFAULT_CONFIG, ScoringConfig, ScoringItem, Sensitivity
from riskreg.audit.models import AuditEvent

STATUS_ORDER = ["presented", "refused", "lapsed", "deferred", "accepted", "draft", "implemented", "withdrawn"]


def scoring_items_for_client(client: Client) -> list[ScoringItem]:
    rows = Recommendation.objects.filter(client=client).values_list(
        "public_id", "title", "likelihood", "impact", "status", "target_date", "valid_until"
    )
    return [
        ScoringItem(str(pid), title, lik, imp, status, target, valid)
        for pid, title, lik, imp, status, target, valid in rows
    ]


def sensitivity_of(client: Client) -> Sensitivity:
    return Sensitivity(industry=client.industry, regulated_data=client.regulated_data)


def scoring_config() -> ScoringConfig:
    return DEFAULT_CONFIG


def recommendation_for_user(*, user: Any, public_id: UUID) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related("client", "control", "owner").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def recommendations_by_status(client: Client) -> "OrderedDict[str, list[Recommendation]]":
    groups: OrderedDict[str, list[Recommendation]] = OrderedDict((status, []) for status in STATUS_ORDER)
    for recommendation in client.recommendations.select_related("control").order_by("-inherent_risk", "title"):
        groups[recommendation.status].append(recommendation)
    return OrderedDict((status, items) for status, items in groups.items() if items)


def client_timeline(client: Client, *, limit: int = 50) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(scope=client.scope).select_related("actor").order_by("-sequence")[:limit]


def active_controls() -> QuerySet[Control]:
    return Control.objects.filter(is_active=True).order_by("category", "code")
