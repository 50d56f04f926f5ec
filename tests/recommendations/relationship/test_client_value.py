"""What a client is worth: recorded by managers, audited, refused with a message on bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from recommendations.relationship.services import client_value_update
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory


@pytest.fixture
def own_client(vcio):
    return ClientFactory(name="Lakeshore Dental", vcio=vcio)


def url(client) -> str:
    return reverse("relationship:client_value", args=[client.public_id])


@pytest.mark.django_db
def test_a_manager_records_the_value_and_the_change_is_audited(manager_client, own_client):
    response = manager_client.post(
        url(own_client), {"monthly_recurring_revenue": "1250.50", "contract_ends_on": "2027-03-31"}
    )

    assert response.status_code == 302
    own_client.refresh_from_db()
    assert own_client.monthly_recurring_revenue_cents == 125_050
    assert own_client.contract_ends_on == datetime.date(2027, 3, 31)
    assert own_client.monthly_recurring_revenue == "1,250.50"
    event = AuditEvent.objects.get(event_type="client.value_updated")
    assert event.payload == {
        "contract_ends_on": {"from": None, "to": "2027-03-31"},
        "monthly_recurring_revenue_cents": {"from": None, "to": 125_050},
    }
    detail = manager_client.get(reverse("register:client_detail", args=[own_client.public_id])).content.decode()
    assert "1,250.50" in detail and "2027-03-31" in detail


@pytest.mark.django_db
def test_saving_the_same_value_writes_nothing(manager_client, own_client):
    data = {"monthly_recurring_revenue": "99", "contract_ends_on": ""}
    manager_client.post(url(own_client), data)
    manager_client.post(url(own_client), data)

    assert AuditEvent.objects.filter(event_type="client.value_updated").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"monthly_recurring_revenue": "-5"}, "greater than or equal to 0"),
        ({"monthly_recurring_revenue": "lots"}, "Enter a number"),
        ({"monthly_recurring_revenue": "10.555"}, "no more than 2 decimal places"),
        ({"contract_ends_on": "31/31/2027"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(manager_client, own_client, data, message):
    response = manager_client.post(url(own_client), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    own_client.refresh_from_db()
    assert (own_client.monthly_recurring_revenue_cents, own_client.contract_ends_on) == (None, None)
    assert not AuditEvent.objects.filter(event_type="client.value_updated").exists()


@pytest.mark.django_db
def test_a_vcio_neither_sees_nor_sets_the_value(vcio_client, own_client, vcio):
    own_client.monthly_recurring_revenue_cents = 125_050
    own_client.save()

    assert vcio_client.post(url(own_client), {"monthly_recurring_revenue": "1"}).status_code == 403
    detail = vcio_client.get(reverse("register:client_detail", args=[own_client.public_id])).content.decode()
    assert "1,250.50" not in detail and "Monthly recurring revenue" not in detail
    with pytest.raises(PermissionDenied):
        client_value_update(actor=vcio, client=own_client, monthly_recurring_revenue_cents=1, contract_ends_on=None)


@pytest.mark.django_db
def test_another_vcios_client_is_not_found(outsider_client, own_client):
    assert outsider_client.get(url(own_client)).status_code == 404
