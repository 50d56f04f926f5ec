"""With Redis (broker and cache) refused or black-holed, a signer still signs through the pages,
staff still send for decision, and no request waits on Redis; the emails and the sealed PDF
follow through the sweeps once Redis is back (SPEC section 9)."""

import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from recommendations.models import DecisionRequest, WaiverDocument
from recommendations.tasks import render_missing_documents
from riskreg.mail.models import OutboundEmail
from riskreg.mail.tasks import retry_unsent_emails
from riskreg.publish import broker_retry_now
from tests.factories import RecommendationFactory
from tests.faults import failed_redis, redis_cache
from tests.signing_helpers import latest_code, refusal_form, token_from_mail

SLOWEST_ANSWER = 2.0


@pytest.fixture(params=["refused", "black-holed"])
def redis_down(request, settings, celery_eager):
    """Broker and cache both on a Redis that is down; yields a function that brings it back."""
    app = celery_eager

    def drop_cached_connections() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url, app.conf.broker_transport_options
    with failed_redis(request.param) as url:
        settings.CACHES = redis_cache(url, settings.REDIS_CLIENT_OPTIONS)
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        # As the settings configure them when REDIS_URL is set.
        app.conf.broker_transport_options = {**settings.REDIS_CLIENT_OPTIONS, **settings.BROKER_PUBLISH_OPTIONS}
        drop_cached_connections()

        def back() -> None:
            app.conf.broker_url, app.conf.broker_transport_options = saved
            app.conf.task_always_eager = True
            drop_cached_connections()
            settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
            # As if the processes' pause after a failed publish (BROKER_RETRY_SECONDS) had passed.
            broker_retry_now()

        yield back
    back()


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < SLOWEST_ANSWER, f"{args[0]} took {elapsed:.2f} s"
    return response


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_staff_send_and_the_signer_signs_and_the_pdf_and_emails_follow(
    redis_down, client_record, vcio, client
):
    recommendation = RecommendationFactory(client=client_record, title="Multi-factor authentication")
    signatory = client_record.contacts.get(can_sign=True)
    client.force_login(vcio)

    sent = timed(
        client.post,
        reverse("signing:request_create", args=[client_record.public_id]),
        {"signatory": signatory.pk, "recommendations": [recommendation.pk], "message": ""},
    )
    assert sent.status_code == 302
    request = DecisionRequest.objects.get()
    client.logout()
    # The link email waits in the outbox for the broker; here the test hands it to the mail
    # server as the worker does, and the signer starts while Redis is still down.
    assert OutboundEmail.objects.get(kind="decision_request").status == OutboundEmail.Status.PENDING
    token = token_from_mail(request)

    assert timed(client.get, reverse("sign:start", args=[token])).status_code == 200
    assert timed(client.post, reverse("sign:send_code", args=[token])).status_code == 302
    # The signer waits on the page for the code: with the broker down, the web process sends it
    # itself instead of leaving it to the retry sweep, which needs the broker too.
    assert OutboundEmail.objects.get(kind="signing_code").status == OutboundEmail.Status.SENT
    verified = timed(client.post, reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    assert verified.status_code == 302
    assert timed(client.get, reverse("sign:decide", args=[token])).status_code == 200
    [item] = request.items.all()
    signed = timed(
        client.post,
        reverse("sign:decide", args=[token]),
        refusal_form(item.pk, typed_name=signatory.name, reason="Not this year"),
    )
    assert signed.status_code == 302
    done = timed(client.get, signed.url)
    assert done.status_code == 200
    assert "redis" not in done.content.decode().lower()
    request.refresh_from_db()
    assert request.status == DecisionRequest.Status.COMPLETED
    assert not WaiverDocument.objects.exists()
    assert not OutboundEmail.objects.filter(kind="signed_document").exists()
    # Only the link and the code went out; the signed copy waits for the document.
    assert len(mail.outbox) == 2

    redis_down()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=5)):
        render_missing_documents.delay()
        retry_unsent_emails.delay()

    document = WaiverDocument.objects.get(request=request)
    assert document.sealed
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    signer_copy = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:document:signer")
    assert signer_copy.to == [signatory.email]
    assert any(message.attachments for message in mail.outbox if signatory.email in message.to)
