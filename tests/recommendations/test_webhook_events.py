"""The register's webhook events, from the services that cause them to a real receiver on 127.0.0.1."""

import pytest
from django.db import transaction
from django.utils import timezone

from clients.software import software_consent_withdraw
from recommendations import reack, signing
from recommendations.models import DecisionRequest, WaiverDocument
from riskreg.webhooks import services as webhooks
from riskreg.webhooks.events import EVENT_TYPES
from riskreg.webhooks.models import WebhookDelivery
from tests.recommendations.reack.test_sweep import refusal
from tests.recommendations.signing.test_consent import casl_practice, make_program, send_consent, sign_consent
from tests.recommendations.signing.test_signing import signer_evidence, verify_code
from tests.signing_helpers import send_request
from tests.webhook_receiver import running_receiver


@pytest.fixture
def receiver(settings, practice_admin):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    with running_receiver() as running:
        _, running.secret = webhooks.endpoint_create(
            actor=practice_admin, data={"url": running.url, "events": sorted(EVENT_TYPES)}
        )
        yield running


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block as a committed transaction: the on-commit tasks (deliveries, the PDF) run after it."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.mark.django_db
def test_sending_and_signing_a_request_send_request_sent_then_signed_then_document_sealed(
    receiver, committed, client_record, vcio
):
    with committed():
        request, token, (mfa, backups) = send_request(client_record, vcio)
    verify_code(request)
    items = {item.recommendation_id: item.pk for item in request.items.all()}
    with committed():
        signing.decision_request_complete(
            request=request,
            choices=[
                signing.ItemChoice(items[mfa.pk], "refuse", "Too disruptive"),
                signing.ItemChoice(items[backups.pk], "accept", ""),
            ],
            evidence=signer_evidence(),
        )

    # Signing a critical refusal also moved the client's band from low: that is an event of its own.
    assert receiver.types() == ["request.sent", "request.signed", "client.rescored", "document.sealed"]
    sent, signed, rescored, sealed = receiver.received()
    assert all(post.signature_ok and post.reference_library_ok for post in receiver.posts)
    assert sent["data"]["request"] == str(request.public_id)
    assert sent["data"]["items"] == [str(mfa.public_id), str(backups.public_id)]
    assert token not in str(receiver.received())
    outcomes = {decision["item"]: decision for decision in signed["data"]["decisions"]}
    assert outcomes[str(mfa.public_id)]["outcome"] == "refuse"
    assert outcomes[str(mfa.public_id)]["valid_until"] is not None
    assert outcomes[str(backups.public_id)]["outcome"] == "accept"
    document = WaiverDocument.objects.get(request=request)
    assert sealed["data"]["document_id"] == document.document_id
    assert sealed["data"]["sha256"] == document.sha256
    client_record.refresh_from_db()
    assert (rescored["data"]["previous_band"], rescored["data"]["band"]) == ("low", client_record.risk_band)
    assert client_record.risk_band != "low"
    # Each event reached the receiver exactly once.
    assert len(receiver.posts) == len(receiver.received())


@pytest.mark.django_db
def test_the_sweep_announces_refusals_due_once_and_lapses_once(receiver, committed, client_record):
    due = refusal(client_record, due_in=0, title="Offsite backups")
    overdue = refusal(client_record, due_in=-15, title="Endpoint detection")

    with committed():
        reack.reack_sweep(today=timezone.localdate())
    with committed():
        reack.reack_sweep(today=timezone.localdate())

    by_type = {}
    for event in receiver.received():
        by_type.setdefault(event["type"], []).append(event["data"])
    assert [data["recommendation"] for data in by_type["refusal.due"]] == [str(due.public_id)]
    assert [data["recommendation"] for data in by_type["refusal.lapsed"]] == [str(overdue.public_id)]
    assert by_type["refusal.lapsed"][0]["title"] == "Endpoint detection"
    reack_request = DecisionRequest.objects.get(purpose="reacknowledgment")
    assert [data["request"] for data in by_type["request.sent"]] == [str(reack_request.public_id)]


@pytest.mark.django_db
def test_withdrawing_consent_sends_consent_withdrawn(receiver, committed, client_record, vcio):
    casl_practice()
    rmm = make_program(client_record, "Atlas RMM agent", allows_remote_access=True, install_status="installed")
    request, _ = send_consent(client_record, vcio, [rmm])
    sign_consent(request, {rmm.pk: "consent_given"})

    with committed():
        software_consent_withdraw(software=rmm, actor=vcio, received_by="phone")

    [withdrawn] = [event for event in receiver.received() if event["type"] == "consent.withdrawn"]
    assert withdrawn["data"]["software"] == str(rmm.public_id)
    assert withdrawn["data"]["received_by"] == "phone"
    assert withdrawn["data"]["client"]["id"] == str(client_record.public_id)


@pytest.mark.django_db
def test_a_failed_business_change_sends_no_event(receiver, committed, client_record, vcio):
    with committed(), pytest.raises(signing.SigningError), transaction.atomic():
        send_request(client_record, vcio)
        raise signing.SigningError("the change failed after the request was written")

    assert not WebhookDelivery.objects.exists()
    assert receiver.posts == []
