"""The practice admin's webhook pages: register (secret shown once), edit, disable, rotate, the log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from riskreg.audit.models import AuditEvent
from riskreg.webhooks import services
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from riskreg.webhooks.signing import endpoint_secret


@pytest.fixture
def admin_client(client, practice_admin):
    client.force_login(practice_admin)
    return client


@pytest.fixture
def endpoint(practice_admin, settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _ = services.endpoint_create(
        actor=practice_admin, data={"url": "http://127.0.0.1:8251/hook", "events": ["request.signed"]}
    )
    return endpoint


@pytest.mark.django_db
def test_registering_an_endpoint_shows_its_secret_once(admin_client, settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    response = admin_client.post(
        reverse("webhooks:endpoint_create"),
        {"url": "http://127.0.0.1:8252/hook", "description": "PSA", "events": ["request.signed", "refusal.lapsed"]},
    )

    endpoint = WebhookEndpoint.objects.get()
    secret = endpoint_secret(endpoint.secret_nonce)
    assert response.status_code == 200
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert endpoint.events == ["refusal.lapsed", "request.signed"]
    detail = admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.public_id]))
    assert secret not in detail.content.decode()
    assert AuditEvent.objects.filter(event_type="webhook.endpoint_created").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://127.0.0.1:8252/hook", "events": ["request.signed"]}, "non-public address"),
        ({"url": "ftp://example.com/hook", "events": ["request.signed"]}, "Only http:// and https://"),
        ({"url": "https://example.com/hook", "events": []}, "This field is required"),
        ({"url": "https://example.com/hook", "events": ["request.teleported"]}, "not one of the available choices"),
    ],
)
def test_a_bad_endpoint_is_refused_with_the_reason_and_nothing_is_saved(admin_client, data, message):
    response = admin_client.post(reverse("webhooks:endpoint_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_editing_changes_the_events_and_writes_one_audit_event(admin_client, endpoint):
    response = admin_client.post(
        reverse("webhooks:endpoint_edit", args=[endpoint.public_id]),
        {"url": endpoint.url, "description": "", "events": ["request.signed", "document.sealed"]},
    )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["document.sealed", "request.signed"]
    assert AuditEvent.objects.filter(event_type="webhook.endpoint_updated").count() == 1


@pytest.mark.django_db
def test_a_new_secret_is_shown_once_and_the_old_one_is_gone(admin_client, endpoint):
    old = endpoint_secret(endpoint.secret_nonce)

    response = admin_client.post(reverse("webhooks:endpoint_rotate", args=[endpoint.public_id]))

    endpoint.refresh_from_db()
    new = endpoint_secret(endpoint.secret_nonce)
    assert new != old
    assert new in response.content.decode() and old not in response.content.decode()


@pytest.mark.django_db
def test_disabling_and_enabling_from_the_page(admin_client, endpoint):
    url = reverse("webhooks:endpoint_toggle", args=[endpoint.public_id])

    admin_client.post(url, {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    response = admin_client.post(url, {"active": "0"}, follow=True)
    assert "already disabled" in response.content.decode()
    admin_client.post(url, {"active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active


@pytest.mark.django_db
def test_the_delivery_log_costs_the_same_queries_for_one_row_or_many(admin_client, endpoint):
    url = reverse("webhooks:endpoint_detail", args=[endpoint.public_id])
    WebhookDelivery.objects.create(endpoint=endpoint, event_type="request.signed", body="{}")
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_type="request.signed", body="{}", status="failed") for _ in range(30)
    )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url + "?status=failed")

    assert len(many) == len(one)
    assert response.content.decode().count('badge text-bg-danger">Failed') == 25


@pytest.mark.django_db
def test_a_failed_delivery_can_be_sent_again_and_others_cannot(
    admin_client, endpoint, django_capture_on_commit_callbacks
):
    failed = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="request.signed", body="{}", status="failed", attempts=8
    )
    delivered = WebhookDelivery.objects.create(endpoint=endpoint, event_type="request.signed", body="{}")
    WebhookDelivery.objects.filter(pk=delivered.pk).update(status="delivered", delivered_at=failed.created_at)

    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(reverse("webhooks:delivery_retry", args=[endpoint.public_id, failed.pk]))
    refused = admin_client.post(
        reverse("webhooks:delivery_retry", args=[endpoint.public_id, delivered.pk]), follow=True
    )

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert len(queued) == 1
    assert "Only a delivery that gave up can be retried" in refused.content.decode()


@pytest.mark.django_db
def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(admin_client, endpoint, practice_admin):
    other, _ = services.endpoint_create(
        actor=practice_admin, data={"url": "http://127.0.0.1:8253/other", "events": ["request.sent"]}
    )
    delivery = WebhookDelivery.objects.create(endpoint=other, event_type="request.sent", body="{}")

    response = admin_client.get(reverse("webhooks:delivery_detail", args=[endpoint.public_id, delivery.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_managers_and_vcios_cannot_open_the_webhook_pages(client, manager, vcio):
    for user in (manager, vcio):
        client.force_login(user)
        assert client.get(reverse("webhooks:endpoint_list")).status_code == 403
