import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from clients.services import agreement_update
from recommendations import signing
from recommendations.models import Decision, DecisionRequest, Recommendation
from recommendations.services import recommendation_update
from recommendations.signing.signature_image import decode_signature
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.signing_helpers import latest_code, link_from_mail, send_request, signature_data_url, token_from_mail


def signer_evidence(**overrides) -> signing.SignerEvidence:
    values = {
        "typed_name": "Hélène Côté",
        "typed_title": "Chief Executive Officer",
        "signature_png": decode_signature(signature_data_url()),
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone)",
        "signer_timezone": "America/Toronto",
    }
    return signing.SignerEvidence(**{**values, **overrides})


def verify_code(request: DecisionRequest) -> None:
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))


@pytest.mark.django_db
def test_sending_stores_only_a_hash_of_the_link_token(client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    request.refresh_from_db()
    assert token not in request.token_hash
    assert request.token_hash == signing.token_hash(token)
    assert link_from_mail(request).endswith(f"/sign/{token}/")
    assert request.items.count() == 2
    assert AuditEvent.objects.filter(event_type="request.sent", object_id=str(request.public_id)).count() == 1


@pytest.mark.django_db
def test_a_contact_who_cannot_sign_is_refused(client_record, vcio):
    recommendation = RecommendationFactory(client=client_record, status="presented")
    bystander = ContactFactory(client=client_record, can_sign=False)

    with pytest.raises(signing.SigningError, match="authorised signatory"):
        signing.decision_request_send(
            actor=vcio, client=client_record, signatory=bystander, recommendations=[recommendation]
        )

    assert not DecisionRequest.objects.exists()


@pytest.mark.django_db
def test_only_presented_recommendations_can_be_sent(client_record, vcio):
    draft = RecommendationFactory(client=client_record, status="draft")

    with pytest.raises(signing.SigningError, match="awaiting a decision"):
        signing.decision_request_send(
            actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[draft]
        )


@pytest.mark.django_db
def test_a_recommendation_cannot_be_in_two_open_requests(client_record, vcio):
    request, _, recommendations = send_request(client_record, vcio)

    with pytest.raises(signing.SigningError, match="Already waiting"):
        signing.decision_request_send(
            actor=vcio, client=client_record, signatory=request.signatory, recommendations=recommendations[:1]
        )
    assert DecisionRequest.objects.count() == 1


@pytest.mark.django_db
def test_editing_a_bundled_recommendation_voids_the_request(client_record, vcio):
    request, _, recommendations = send_request(client_record, vcio)

    recommendation_update(actor=vcio, recommendation=recommendations[0], data={"title": "Reworded MFA"})

    request.refresh_from_db()
    assert request.status == "voided"
    assert "was edited after sending" in request.close_reason
    assert AuditEvent.objects.filter(event_type="request.voided").count() == 1


@pytest.mark.django_db
def test_editing_only_the_owner_does_not_void_the_request(client_record, vcio):
    request, _, recommendations = send_request(client_record, vcio)

    recommendation_update(actor=vcio, recommendation=recommendations[0], data={"owner": vcio})

    request.refresh_from_db()
    assert request.status == "sent"


@pytest.mark.django_db
def test_resending_kills_the_old_link_and_issues_a_new_one(client_record, vcio):
    request, old_token, _ = send_request(client_record, vcio)

    new_request = signing.decision_request_resend(actor=vcio, request=request)
    new_token = token_from_mail(new_request)

    assert signing.request_for_token(old_token) is None
    assert signing.request_for_token(new_token) == new_request
    assert new_request.replaces == request
    assert list(new_request.items.values_list("recommendation", flat=True)) == list(
        request.items.values_list("recommendation", flat=True)
    )


@pytest.mark.django_db
def test_an_expired_link_finds_nothing(client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    with time_machine.travel(request.expires_at + datetime.timedelta(seconds=1)):
        assert signing.request_for_token(token) is None


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_request_and_alert_the_vcio(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    signing.signing_code_send(request=request)
    right = latest_code(request)
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(4):
        with pytest.raises(signing.SigningError, match="not right"):
            signing.signing_code_verify(request=request, code=wrong)
    with pytest.raises(signing.SigningError, match="locked"):
        signing.signing_code_verify(request=request, code=wrong)

    request.refresh_from_db()
    assert request.status == "locked"
    assert request.code_verified_at is None
    assert OutboundEmail.objects.filter(kind="request_locked", to=[vcio.email]).count() == 1
    with pytest.raises(signing.SigningError, match="locked"):
        signing.signing_code_verify(request=request, code=right)


@pytest.mark.django_db
def test_a_code_expires_after_ten_minutes(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    signing.signing_code_send(request=request)
    code = latest_code(request)

    with (
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)),
        pytest.raises(signing.SigningError, match="expired"),
    ):
        signing.signing_code_verify(request=request, code=code)


@pytest.mark.django_db
def test_code_resends_are_limited(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    start = timezone.now()
    for minute in range(signing.MAX_CODE_SENDS):
        with time_machine.travel(start + datetime.timedelta(minutes=minute)):
            signing.signing_code_send(request=request)

    with (
        time_machine.travel(start + datetime.timedelta(minutes=10)),
        pytest.raises(signing.SigningError, match="Too many codes"),
    ):
        signing.signing_code_send(request=request)


@pytest.mark.django_db
def test_completing_records_every_decision_with_its_evidence(client_record, vcio):
    request, _, (mfa, backups) = send_request(client_record, vcio)
    verify_code(request)
    items = {item.recommendation_id: item.pk for item in request.items.all()}

    signing.decision_request_complete(
        request=request,
        choices=[
            signing.ItemChoice(items[mfa.pk], "refuse", "Too disruptive for clinic staff"),
            signing.ItemChoice(items[backups.pk], "accept", ""),
        ],
        evidence=signer_evidence(),
    )

    request.refresh_from_db()
    mfa.refresh_from_db()
    backups.refresh_from_db()
    refusal = Decision.objects.get(item__recommendation=mfa)
    assert request.status == "completed"
    assert mfa.status == "refused" and backups.status == "accepted"
    # critical (5 x 5) refusals default to a 90-day cadence
    assert refusal.valid_until == timezone.localdate() + datetime.timedelta(days=90)
    assert mfa.valid_until == refusal.valid_until
    assert request.signature.typed_name == "Hélène Côté"
    assert request.signature.ip_address == "203.0.113.7"
    assert request.signature.consent_version == signing.DISCLOSURE_VERSION
    assert len(request.signature.signature_sha256) == 64
    events = list(AuditEvent.objects.filter(object_id=str(request.public_id)).values_list("event_type", flat=True))
    assert events == ["request.sent", "request.code_sent", "request.code_verified", "request.signed"]
    assert verify_chain().intact


@pytest.mark.django_db
def test_an_agreement_cadence_overrides_the_practice_cadence(client_record, vcio):
    agreement_update(actor=vcio, agreement=client_record.agreements.get(), data={"refusal_cadence_days": 30})
    request, _, (mfa, backups) = send_request(client_record, vcio)
    verify_code(request)

    signing.decision_request_complete(
        request=request,
        choices=[signing.ItemChoice(item.pk, "refuse", "Budget") for item in request.items.all()],
        evidence=signer_evidence(),
    )

    mfa.refresh_from_db()
    assert mfa.valid_until == timezone.localdate() + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_a_refusal_without_a_reason_changes_nothing(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    verify_code(request)
    events_before = AuditEvent.objects.count()

    with pytest.raises(signing.SigningError, match="reason"):
        signing.decision_request_complete(
            request=request,
            choices=[signing.ItemChoice(item.pk, "refuse", "  ") for item in request.items.all()],
            evidence=signer_evidence(),
        )

    request.refresh_from_db()
    assert request.status == "sent"
    assert not Decision.objects.exists()
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"presented"}
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_request_cannot_be_signed_twice(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    verify_code(request)
    choices = [signing.ItemChoice(item.pk, "accept", "") for item in request.items.all()]
    signing.decision_request_complete(request=request, choices=choices, evidence=signer_evidence())

    with pytest.raises(signing.SigningError, match="no longer be signed"):
        signing.decision_request_complete(request=request, choices=choices, evidence=signer_evidence())

    assert Decision.objects.count() == 2


def _client_with_presented(name: str) -> tuple:
    client = ClientFactory(name=name)
    signatory = ContactFactory(client=client, email=f"ceo@{name.split()[0].lower()}.example")
    recommendation = RecommendationFactory(client=client, status="presented", title=f"MFA at {name}")
    return client, signatory, recommendation


@pytest.mark.django_db
def test_several_requests_sent_at_once_each_get_their_own_link_email_and_audit_event(vcio):
    first, second = _client_with_presented("Alder Dental"), _client_with_presented("Birch Legal")

    sent = signing.decision_requests_send(
        actor=vcio, sends=[signing.Send(client, signatory, [item]) for client, signatory, item in (first, second)]
    )

    assert [request.client for request in sent] == [first[0], second[0]]
    for request, (_, signatory, item) in zip(sent, (first, second), strict=True):
        assert signing.request_for_token(token_from_mail(request)) == request
        assert list(request.items.values_list("recommendation", flat=True)) == [item.pk]
        assert OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link").to == [signatory.email]
    assert AuditEvent.objects.filter(event_type="request.sent").count() == 2
    assert verify_chain().intact


@pytest.mark.django_db
def test_one_bad_send_among_several_sends_none_of_them(vcio):
    first, second = _client_with_presented("Alder Dental"), _client_with_presented("Birch Legal")
    # The second send offers the first client's recommendation to the second client's signatory.
    sends = [signing.Send(first[0], first[1], [first[2]]), signing.Send(second[0], second[1], [first[2]])]

    with pytest.raises(signing.SigningError, match="Only this client's recommendations"):
        signing.decision_requests_send(actor=vcio, sends=sends)

    assert not DecisionRequest.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(event_type="request.sent").exists()


@pytest.mark.django_db
def test_sending_locks_the_clients_rows_before_their_recommendations(vcio):
    # The lock order of every write about a client (lock_client): a signer completing an open
    # request locks the client first, so a send taking the recommendations first could deadlock.
    first, second = _client_with_presented("Alder Dental"), _client_with_presented("Birch Legal")
    sends = [signing.Send(first[0], first[1], [first[2]]), signing.Send(second[0], second[1], [second[2]])]

    with CaptureQueriesContext(connection) as queries:
        signing.decision_requests_send(actor=vcio, sends=sends)

    tables = [re.search(r'FROM "(\w+)"', query["sql"]) for query in queries.captured_queries]
    first_client_read = next(i for i, table in enumerate(tables) if table and table[1] == "clients_client")
    first_recommendation_read = next(
        i for i, table in enumerate(tables) if table and table[1] == "recommendations_recommendation"
    )
    lock = queries.captured_queries[first_client_read]["sql"]
    assert first_client_read < first_recommendation_read
    assert f"IN ({first[0].pk}, {second[0].pk})" in lock or f"IN ({second[0].pk}, {first[0].pk})" in lock
    if connection.features.has_select_for_update:
        assert lock.endswith("FOR UPDATE")


@pytest.mark.django_db
def test_a_recommendation_that_does_not_exist_cannot_be_sent(client_record, vcio):
    ghost = RecommendationFactory.build(client=client_record, status="presented", pk=999_999)

    with pytest.raises(signing.SigningError, match="Only this client's recommendations"):
        signing.decision_request_send(
            actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[ghost]
        )

    assert not DecisionRequest.objects.exists()


@pytest.mark.parametrize("name", ["Hélène Côté", "Zbigniew Łukasiewicz", "Ана Петрова", "Jo"])
def test_a_typed_signature_draws_every_name_as_a_storable_picture(name):
    from recommendations.signing.signature_image import clean_signature_png, ink_pixels, render_typed_signature

    png = render_typed_signature(name)

    stored = clean_signature_png(png)  # passes the same checks as a drawing
    with Image.open(io.BytesIO(stored)) as image:
        assert ink_pixels(image) > 200


def test_a_letter_the_handwriting_font_lacks_is_still_drawn():
    from recommendations.signing.signature_image import ink_pixels, render_typed_signature

    # Dancing Script has no Ł or Cyrillic: without the plain fallback these would be blank.
    for name in ("Łł", "Ан"):
        with Image.open(io.BytesIO(render_typed_signature(name))) as image:
            assert ink_pixels(image) > 100, name


def test_an_empty_typed_name_cannot_be_a_signature():
    from django.core.exceptions import ValidationError

    from recommendations.signing.signature_image import render_typed_signature

    with pytest.raises(ValidationError, match="Type your full name"):
        render_typed_signature("   ")
