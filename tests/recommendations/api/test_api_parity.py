"""A write through the API and the same write on the staff pages leave the same audit trail."""

import pytest
from django.urls import reverse

from clients.models import Client, Contact
from recommendations.models import DecisionRequest, Recommendation
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, ControlFactory


def events_of(work) -> list[str]:
    """The audit event types `work` appends, in order."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    work()
    return list(AuditEvent.objects.filter(sequence__gt=last).order_by("sequence").values_list("event_type", flat=True))


@pytest.fixture
def twins(vcio):
    """Two identical clients, one changed through the pages, one through the API."""
    made = []
    for name in ("Page Ltd", "Api Ltd"):
        client = ClientFactory(name=name, vcio=vcio, industry="retail")
        ContactFactory(client=client, name="Signer", email=f"signer@{name[:3].lower()}.example", can_sign=True)
        made.append(client)
    return made


RECOMMENDATION = {
    "title": "Offsite backups",
    "description": "Copy backups off site every night.",
    "why_it_matters": "Ransomware encrypts local backups too.",
    "consequences": "The business cannot recover its data.",
    "likelihood": 4,
    "impact": 5,
}


@pytest.mark.django_db
def test_every_api_write_audits_like_the_page_it_mirrors(vcio_client, vcio_api, twins):
    page, api = twins
    control = ControlFactory(code="TST-BKP")

    writes = {
        "create a client": (
            lambda: vcio_client.post(
                reverse("clients:create"),
                {
                    "name": "New by page",
                    "industry": "legal",
                    "service_tier": "fully_managed",
                    "status": "active",
                    "vcio": vcio_client.session["_auth_user_id"],
                },
            ),
            lambda: vcio_api.post(reverse("api:clients"), {"name": "New by API", "industry": "legal"}),
        ),
        "edit a client": (
            lambda: vcio_client.post(
                reverse("register:client_edit", args=[page.public_id]),
                {
                    "name": page.name,
                    "industry": "healthcare",
                    "service_tier": "fully_managed",
                    "status": "active",
                    "vcio": page.vcio_id,
                    "holds_health_data": "on",
                },
            ),
            lambda: vcio_api.patch(
                reverse("api:client", args=[api.public_id]), {"industry": "healthcare", "holds_health_data": True}
            ),
        ),
        "add a contact": (
            lambda: vcio_client.post(
                reverse("clients:contact_create", args=[page.public_id]),
                {"name": "Ada", "email": "ada@page.example", "can_sign": "on", "is_active": "on"},
            ),
            lambda: vcio_api.post(
                reverse("api:contacts"),
                {"client": str(api.public_id), "name": "Ada", "email": "ada@api.example", "can_sign": True},
            ),
        ),
        "edit a contact": (
            lambda: vcio_client.post(
                reverse("clients:contact_edit", args=[Contact.objects.get(email="ada@page.example").public_id]),
                {"name": "Ada", "title": "Owner", "email": "ada@page.example", "can_sign": "on", "is_active": "on"},
            ),
            lambda: vcio_api.patch(
                reverse("api:contact", args=[Contact.objects.get(email="ada@api.example").public_id]),
                {"title": "Owner"},
            ),
        ),
        "raise a recommendation": (
            lambda: vcio_client.post(
                reverse("register:recommendation_create", args=[page.public_id]) + f"?control={control.code}",
                RECOMMENDATION,
            ),
            lambda: vcio_api.post(
                reverse("api:recommendations"),
                {"client": str(api.public_id), "control": control.code, **RECOMMENDATION},
            ),
        ),
        "edit a recommendation": (
            lambda: vcio_client.post(
                reverse("register:recommendation_edit", args=[page.recommendations.get().public_id]),
                {**RECOMMENDATION, "impact": 4},
            ),
            lambda: vcio_api.patch(
                reverse("api:recommendation", args=[api.recommendations.get().public_id]), {"impact": 4}
            ),
        ),
        "present it": (
            lambda: vcio_client.post(
                reverse("register:recommendation_action", args=[page.recommendations.get().public_id, "present"])
            ),
            lambda: vcio_api.post(
                reverse("api:recommendation_transition", args=[api.recommendations.get().public_id, "present"])
            ),
        ),
        "send it for decision": (
            lambda: vcio_client.post(
                reverse("signing:request_create", args=[page.public_id]),
                {
                    "signatory": page.contacts.get(name="Signer").pk,
                    "recommendations": [page.recommendations.get().pk],
                    "message": "",
                },
            ),
            lambda: vcio_api.post(
                reverse("api:requests"),
                {
                    "client": str(api.public_id),
                    "signatory": str(api.contacts.get(name="Signer").public_id),
                    "recommendations": [str(api.recommendations.get().public_id)],
                },
            ),
        ),
        "revoke the request": (
            lambda: vcio_client.post(
                reverse("signing:request_revoke", args=[DecisionRequest.objects.get(client=page).public_id])
            ),
            lambda: vcio_api.post(
                reverse("api:request_revoke", args=[DecisionRequest.objects.get(client=api).public_id])
            ),
        ),
    }

    for what, (by_page, by_api) in writes.items():
        page_events, api_events = events_of(by_page), events_of(by_api)
        assert page_events, f"{what}: the page wrote no audit event"
        assert page_events == api_events, f"{what}: page {page_events}, API {api_events}"

    assert Client.objects.filter(name__in=["New by page", "New by API"]).count() == 2
    assert set(Recommendation.objects.filter(client__in=twins).values_list("status", flat=True)) == {"presented"}
    assert set(DecisionRequest.objects.filter(client__in=twins).values_list("status", flat=True)) == {"revoked"}
