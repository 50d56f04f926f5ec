"""Reads for clients. A vCIO sees only the clients assigned to them; anyone else gets a 404."""

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from clients.models import Client, Contact, ServiceAgreement


def clients_visible_to(user: Any) -> QuerySet[Client]:
    clients = Client.objects.all()
    if not user.sees_all_clients:
        clients = clients.filter(vcio=user)
    return clients


def client_for_user(*, user: Any, public_id: UUID) -> Client:
    return get_object_or_404(clients_visible_to(user).select_related("vcio"), public_id=public_id)


def client_list(
    *, user: Any, search: str = "", status: str = "", industry: str = "", band: str = ""
) -> QuerySet[Client]:
    clients = clients_visible_to(user).select_related("vcio")
    if search:
        clients = clients.filter(Q(name__icontains=search) | Q(contacts__name__icontains=search)).distinct()
    if status:
        clients = clients.filter(status=status)
    if industry:
        clients = clients.filter(industry=industry)
    if band:
        clients = clients.filter(risk_band=band)
    return clients.order_by("-risk_score", "name")


def contact_for_user(*, user: Any, public_id: UUID) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("client").filter(client__in=clients_visible_to(user)), public_id=public_id
    )


def agreement_for_user(*, user: Any, public_id: UUID) -> ServiceAgreement:
    return get_object_or_404(
        ServiceAgreement.objects.select_related("client").filter(client__in=clients_visible_to(user)),
        public_id=public_id,
    )


def current_agreement(client: Client) -> ServiceAgreement | None:
    return client.agreements.order_by("-effective_date").first()
