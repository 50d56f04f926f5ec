"""States judged when they are read, a catch-up sweep when a worker starts, and the send form
offering only what can be sent."""

import datetime

import pytest
import time_machine
from celery.signals import worker_ready
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from recommendations import signing
from recommendations.models import DecisionRequest
from recommendations.tasks import last_sweep_day
from tests.factories import RecommendationFactory
from tests.signing_helpers import send_request

UTC = datetime.UTC


def _expire_link(request: DecisionRequest) -> None:
    """The link's expiry passes; the sweep that would mark it has not run."""
    DecisionRequest.objects.filter(pk=request.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=15), expires_at=timezone.now() - datetime.timedelta(days=1)
    )


@pytest.mark.django_db
def test_a_request_whose_link_expired_shows_as_expired_before_the_sweep(vcio_client, client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    _expire_link(request)

    client_url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=requests"
    client_page = vcio_client.get(client_url).content.decode()
    detail = vcio_client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()

    request.refresh_from_db()
    assert request.status == "sent"  # nothing was written by reading
    assert "<td>Expired" in client_page and "<td>Sent" not in client_page
    assert ">Expired</span>" in detail and "Its link expired on" in detail
    assert "Revoke link" not in detail


@pytest.mark.django_db
def test_an_open_request_still_shows_as_sent(vcio_client, client_record, vcio):
    request, _, _ = send_request(client_record, vcio)

    detail = vcio_client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()

    assert ">Sent</span>" in detail and "Revoke link" in detail


@pytest.mark.django_db
def test_a_worker_starting_catches_up_the_sweep_it_missed(client_record, vcio, celery_eager):
    request, _, _ = send_request(client_record, vcio)
    _expire_link(request)

    worker_ready.send(sender=None)

    request.refresh_from_db()
    assert request.status == "expired"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime.datetime(2027, 3, 10, 5, 59, tzinfo=UTC), datetime.date(2027, 3, 9)),
        (datetime.datetime(2027, 3, 10, 6, 0, tzinfo=UTC), datetime.date(2027, 3, 10)),
        (datetime.datetime(2027, 3, 10, 23, 0, tzinfo=UTC), datetime.date(2027, 3, 10)),
    ],
)
@override_settings(RISKREG_SWEEP_HOUR=6)
def test_the_catch_up_sweeps_the_last_day_whose_sweep_hour_has_passed(now, expected):
    assert last_sweep_day(now) == expected


@pytest.mark.django_db
def test_the_send_form_does_not_offer_items_already_in_an_open_request(vcio_client, client_record, vcio):
    request, _, (mfa, backups) = send_request(client_record, vcio)
    fresh = RecommendationFactory(client=client_record, status="presented", title="Encrypt laptops")

    response = vcio_client.get(reverse("signing:request_create", args=[client_record.public_id]))

    form = response.context["form"]
    assert list(form.fields["recommendations"].queryset) == [fresh]
    page = response.content.decode()
    assert "Already in an open request (2)" in page
    assert reverse("signing:request_detail", args=[request.public_id]) in page


@pytest.mark.django_db
def test_the_send_form_says_why_when_everything_is_already_in_a_request(vcio_client, client_record, vcio):
    send_request(client_record, vcio)

    page = vcio_client.get(reverse("signing:request_create", args=[client_record.public_id])).content.decode()

    assert "already in an open request" in page
    assert "Send signing link" not in page


@pytest.mark.django_db
def test_an_item_of_an_expired_link_can_be_sent_again_before_the_sweep(vcio_client, client_record, vcio):
    old, _, (mfa, backups) = send_request(client_record, vcio)
    _expire_link(old)
    signatory = client_record.contacts.get(can_sign=True)

    response = vcio_client.post(
        reverse("signing:request_create", args=[client_record.public_id]),
        {"signatory": signatory.pk, "recommendations": [mfa.pk], "message": ""},
    )

    assert response.status_code == 302
    new = DecisionRequest.objects.exclude(pk=old.pk).get()
    assert list(new.items.values_list("recommendation", flat=True)) == [mfa.pk]


@pytest.mark.django_db
def test_posting_an_item_already_in_an_open_request_changes_nothing(vcio_client, client_record, vcio):
    _, _, (mfa, _) = send_request(client_record, vcio)
    signatory = client_record.contacts.get(can_sign=True)

    response = vcio_client.post(
        reverse("signing:request_create", args=[client_record.public_id]),
        {"signatory": signatory.pk, "recommendations": [mfa.pk], "message": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert DecisionRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_send_form_denies_an_outsider(outsider_client, client_record):
    response = outsider_client.get(reverse("signing:request_create", args=[client_record.public_id]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_an_expired_link_frees_its_items_for_the_sending_service(client_record, vcio):
    old, _, recommendations = send_request(client_record, vcio)
    with time_machine.travel(old.expires_at + datetime.timedelta(minutes=1)):
        new = signing.decision_request_send(
            actor=vcio, client=client_record, signatory=old.signatory, recommendations=recommendations
        )

    assert new.items.count() == 2
