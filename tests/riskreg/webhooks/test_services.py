"""Webhooks: the SSRF guard, signed delivery to a real receiver on 127.0.0.1, retries with backoff,
exactly-once claims, and disabling an endpoint that keeps failing."""

import datetime
import socket
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from recommendations import services as recommendation_services
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.webhooks import services
from riskreg.webhooks.deliveries import deliveries_due, webhook_deliver
from riskreg.webhooks.destinations import UnsafeDestination, check_url
from riskreg.webhooks.events import EVENT_TYPES
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from riskreg.webhooks.signing import signature, signature_valid
from riskreg.webhooks.tasks import retry_due_webhooks
from tests.factories import ClientFactory, RecommendationFactory
from tests.webhook_receiver import running_receiver

ALL_EVENTS = sorted(EVENT_TYPES)


@pytest.fixture
def private_allowed(settings):
    """The operator's switch the tests turn on: the receiver listens on 127.0.0.1."""
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def receiver(private_allowed, practice_admin):
    with running_receiver() as running:
        endpoint, running.secret = services.endpoint_create(
            actor=practice_admin, data={"url": running.url, "events": ALL_EVENTS, "description": "test receiver"}
        )
        running.endpoint = endpoint
        yield running


@pytest.fixture
def enqueue(django_capture_on_commit_callbacks):
    """Queue one event in a committed transaction: its delivery task runs (eagerly) after commit."""

    def queue(event_type: str = "request.sent", *, post: bool = True, **data) -> None:
        with django_capture_on_commit_callbacks(execute=post), transaction.atomic():
            services.webhook_enqueue(event_type=event_type, data=data or {"request": "r-1"}, scope="client:test")

    return queue


def travel_past_next_attempt():
    due = WebhookDelivery.objects.exclude(next_attempt_at=None).order_by("next_attempt_at").first().next_attempt_at
    return time_machine.travel(due + datetime.timedelta(seconds=1), tick=False)


# --- where webhooks may go -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused_by_default(url, settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = False

    with pytest.raises(UnsafeDestination, match="non-public address"):
        check_url(url)


@pytest.mark.django_db
def test_an_endpoint_at_127_0_0_1_is_refused_by_default_and_nothing_is_saved(practice_admin, settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = False

    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            actor=practice_admin, data={"url": "http://127.0.0.1:8250/hook", "events": ["request.signed"]}
        )

    assert "RISKREG_WEBHOOK_ALLOW_PRIVATE" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_host_name_is_judged_by_every_address_it_resolves_to(settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = False
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443)),
    ]

    with mock.patch("socket.getaddrinfo", return_value=answers), pytest.raises(UnsafeDestination, match="10.0.0.5"):
        check_url("https://hooks.example.com/riskreg")


def test_a_public_address_is_allowed_and_the_request_goes_to_the_address_checked(settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = False
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]

    with mock.patch("socket.getaddrinfo", return_value=answers):
        destination = check_url("https://hooks.example.com/riskreg?team=ops")

    assert (destination.host, destination.address, destination.port, destination.target) == (
        "hooks.example.com",
        "93.184.215.14",
        443,
        "/riskreg?team=ops",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("https://user:secret@example.com/hook", "no user name or password"),
        ("https:///hook", "no host name"),
        ("https://example.com:99999/hook", "port"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
    ],
)
def test_urls_that_are_not_plain_http_or_https_are_refused_with_the_reason(url, message, private_allowed):
    with pytest.raises(UnsafeDestination, match=message):
        check_url(url)


@pytest.mark.django_db
def test_a_delivery_checks_the_address_again_and_posts_nothing_to_a_private_one(receiver, settings, enqueue):
    # Saved while allowed; the operator then turns private addresses off (or the DNS answer changed).
    enqueue(post=False)
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = False

    delivery = WebhookDelivery.objects.get()
    outcome = webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert outcome.status == "retry"
    assert "non-public address" in delivery.last_error
    assert receiver.posts == []


# --- signing -------------------------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body_and_rejects_any_change():
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    header = signature(secret=secret, message_id="msg_1", timestamp=1_700_000_000, body=b'{"a":1}')

    def valid(**changes) -> bool:
        values = {"message_id": "msg_1", "timestamp": "1700000000", "body": b'{"a":1}', "header": header} | changes
        return signature_valid(secret=secret, now=1_700_000_010, **values)

    assert valid()
    assert not valid(body=b'{"a":2}')
    assert not valid(message_id="msg_2")
    assert not valid(timestamp="1700000001")
    assert not signature_valid(
        secret=secret, message_id="msg_1", timestamp="1700000000", body=b'{"a":1}', header=header, now=1_700_001_000
    )


# --- delivery ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_reaches_the_receiver_once_with_a_signature_both_checks_accept(receiver, enqueue):
    enqueue("request.signed", request="abc")
    # The task ran after commit (eager in tests): one POST.
    [post] = receiver.posts

    assert post.signature_ok and post.reference_library_ok
    assert post.headers["content-type"] == "application/json"
    assert post.headers["riskreg-event"] == "request.signed"
    assert post.payload["type"] == "request.signed" and post.payload["data"] == {"request": "abc"}
    assert post.payload["id"] == post.event_id
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert receiver.types() == ["request.signed"]


@pytest.mark.django_db
def test_nothing_is_written_or_posted_when_the_business_transaction_rolls_back(
    receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.webhook_enqueue(event_type="request.sent", data={"request": "abc"})
        raise RuntimeError("the change failed")

    assert not WebhookDelivery.objects.exists()
    assert receiver.posts == []


@pytest.mark.django_db
def test_a_receiver_that_answers_500_then_200_receives_the_event_once(receiver, enqueue):
    receiver.script = [500]
    enqueue("request.signed", request="r-500")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()

    # Not due yet: the sweep leaves it alone.
    assert retry_due_webhooks() == 0
    with travel_past_next_attempt():
        assert retry_due_webhooks() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert [post.status for post in receiver.posts] == [500, 200]
    assert receiver.posts[0].event_id == receiver.posts[1].event_id
    assert receiver.posts[0].body == receiver.posts[1].body
    assert receiver.types() == ["request.signed"]


@pytest.mark.django_db
def test_a_redelivered_task_or_a_second_sweep_posts_nothing_again(receiver, enqueue):
    enqueue()
    delivery = WebhookDelivery.objects.get()

    again = webhook_deliver(delivery_id=delivery.pk)

    assert again.status == "skipped"
    assert len(receiver.posts) == 1
    assert retry_due_webhooks() == 0


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over_once_it_is_stale(receiver, enqueue):
    enqueue()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=timezone.now())

    assert webhook_deliver(delivery_id=delivery.pk).status == "skipped"
    with time_machine.travel(timezone.now() + services.stale_claim_after() + datetime.timedelta(seconds=1)):
        assert deliveries_due(now=timezone.now()) == [delivery.pk]
        assert webhook_deliver(delivery_id=delivery.pk).status == "delivered"

    assert [post.event_id for post in receiver.posts] == [str(delivery.event_id)] * 2


@pytest.mark.django_db
def test_failed_attempts_back_off_and_a_delivery_gives_up_after_the_last(receiver, enqueue):
    receiver.script = [503] * services.MAX_ATTEMPTS
    enqueue()
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _ in range(services.MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds() / 60))
        with travel_past_next_attempt():
            retry_due_webhooks()

    delivery.refresh_from_db()
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", services.MAX_ATTEMPTS, None)


@pytest.mark.django_db
def test_an_endpoint_failing_through_a_whole_delivery_is_disabled_and_the_admins_are_emailed(
    receiver, practice_admin, enqueue
):
    receiver.script = [500] * services.MAX_ATTEMPTS
    enqueue()
    for _ in range(services.MAX_ATTEMPTS - 1):
        with travel_past_next_attempt():
            retry_due_webhooks()

    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active
    assert "8 failed attempts in a row" in endpoint.disabled_reason
    email = OutboundEmail.objects.get(kind="webhook_disabled")
    assert email.to == [practice_admin.email]
    assert endpoint.url in email.subject
    assert AuditEvent.objects.filter(event_type="webhook.endpoint_disabled").count() == 1
    # Disabled: new events are not queued for it.
    enqueue()
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db
def test_a_success_in_between_keeps_the_endpoint_enabled(receiver, enqueue):
    receiver.script = [500] * (services.MAX_ATTEMPTS - 1)
    enqueue(request="first")
    enqueue(request="second")  # answered 500 too, until the script runs out
    for _ in range(services.MAX_ATTEMPTS):
        if not WebhookDelivery.objects.exclude(next_attempt_at=None).exists():
            break
        with travel_past_next_attempt():
            retry_due_webhooks()

    assert WebhookEndpoint.objects.get().is_active
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


@pytest.mark.django_db
def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(private_allowed, practice_admin, settings, enqueue):
    settings.RISKREG_WEBHOOK_TIMEOUT = 1
    with running_receiver(stall_first=2.5) as slow:
        endpoint, slow.secret = services.endpoint_create(
            actor=practice_admin, data={"url": slow.url, "events": ["request.sent"]}
        )
        enqueue()
        delivery = WebhookDelivery.objects.get()

    assert delivery.status == "pending"
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error.lower() or "TimeoutError" in delivery.last_error


@pytest.mark.django_db
def test_a_redirect_is_not_followed(receiver, enqueue):
    receiver.script = [302]
    enqueue()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.last_error == "HTTP 302 (redirects are not followed)"
    assert len(receiver.posts) == 1


@pytest.mark.django_db
def test_only_active_endpoints_subscribed_to_the_event_get_it(private_allowed, practice_admin, enqueue):
    with running_receiver() as signed_only, running_receiver() as off:
        _, signed_only.secret = services.endpoint_create(
            actor=practice_admin, data={"url": signed_only.url, "events": ["request.signed"]}
        )
        disabled, _ = services.endpoint_create(actor=practice_admin, data={"url": off.url, "events": ALL_EVENTS})
        services.endpoint_set_active(actor=practice_admin, endpoint=disabled, active=False)

        enqueue("request.sent")
        enqueue("request.signed")

        assert [post.payload["type"] for post in signed_only.posts] == ["request.signed"]
        assert off.posts == []


def test_an_unknown_event_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown webhook event types"):
        services.webhook_enqueue_many([services.WebhookEvent("request.teleported", {})])


@pytest.mark.django_db
def test_enabling_again_lets_the_waiting_deliveries_go_out(receiver, practice_admin):
    services.endpoint_set_active(actor=practice_admin, endpoint=receiver.endpoint, active=False)
    endpoint = WebhookEndpoint.objects.get()
    # Queued while active for another endpoint state: simulate deliveries left from before it was disabled.
    WebhookDelivery.objects.create(endpoint=endpoint, event_type="request.sent", body='{"type":"request.sent"}')
    assert retry_due_webhooks() == 0

    services.endpoint_set_active(actor=practice_admin, endpoint=endpoint, active=True)
    assert retry_due_webhooks() == 1

    assert WebhookDelivery.objects.get().status == "delivered"
    assert (
        AuditEvent.objects.filter(event_type__in=["webhook.endpoint_disabled", "webhook.endpoint_enabled"]).count() == 2
    )


@pytest.mark.django_db
def test_a_new_secret_signs_from_now_on_and_the_old_one_stops_verifying(receiver, practice_admin, enqueue):
    old_secret = receiver.secret
    receiver.secret = services.endpoint_rotate_secret(actor=practice_admin, endpoint=receiver.endpoint)
    enqueue()

    [post] = receiver.posts
    assert post.signature_ok
    assert old_secret != receiver.secret
    receiver.secret = old_secret
    assert not receiver.signature_valid(post.headers, post.body)


@pytest.mark.django_db
def test_the_secret_is_not_stored_and_depends_on_the_server_key(receiver, settings):
    endpoint = WebhookEndpoint.objects.get()
    row = " ".join(str(value) for value in WebhookEndpoint.objects.values().get().values())

    assert receiver.secret not in row
    settings.SECRET_KEY = "another-server-key-entirely-0123456789-abcdefghijklmnop"
    from riskreg.webhooks.signing import endpoint_secret

    assert endpoint_secret(endpoint.secret_nonce) != receiver.secret


@pytest.mark.django_db
def test_a_test_event_goes_to_one_endpoint_whatever_it_subscribes_to(
    private_allowed, practice_admin, django_capture_on_commit_callbacks
):
    with running_receiver() as receiver:
        endpoint, receiver.secret = services.endpoint_create(
            actor=practice_admin, data={"url": receiver.url, "events": ["refusal.lapsed"]}
        )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            services.endpoint_ping(actor=practice_admin, endpoint=endpoint)

    [post] = receiver.posts
    assert post.payload["type"] == "ping" and post.signature_ok


# --- the business events ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_client_rescored_is_sent_when_the_band_changes_and_not_when_only_the_score_moves(
    receiver, vcio, django_capture_on_commit_callbacks
):
    client = ClientFactory(vcio=vcio)

    def rescore() -> None:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            recommendation_services.client_rescore(client=client)

    rescore()  # nothing open: stays low
    RecommendationFactory(client=client, status="presented", likelihood=5, impact=5)
    rescore()  # one critical item: the band moves
    RecommendationFactory(client=client, status="presented", likelihood=1, impact=2)
    rescore()  # the score moves within the band

    events = receiver.received()
    assert [event["type"] for event in events] == ["client.rescored"]
    data = events[0]["data"]
    assert data["client"] == {"id": str(client.public_id), "name": client.name}
    assert (data["previous_band"], data["band"]) == ("low", client.risk_band)
    assert data["band"] in {"high", "critical"}
