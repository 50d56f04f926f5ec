"""Reads for the webhook pages."""

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    """Every endpoint with its delivery counts by state, in one query."""
    return WebhookEndpoint.objects.annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DELIVERED)),
        waiting=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING]),
        ),
        failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
    ).order_by("url")


def endpoint_by_id(public_id: UUID) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, public_id=public_id)


def delivery_log(endpoint: WebhookEndpoint, *, status: str = "") -> QuerySet[WebhookDelivery]:
    deliveries = endpoint.deliveries.defer("body").order_by("-created_at", "-pk")
    return deliveries.filter(status=status) if status else deliveries


def delivery_of(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery, endpoint=endpoint, pk=delivery_id)
