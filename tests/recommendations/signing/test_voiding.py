"""A change to any live row a request's signer is shown voids the open request (SPEC section 8)."""

import pytest
from django.urls import reverse

from clients.services import agreement_create, agreement_update, client_update, practice_profile_update
from recommendations.services import control_update, recommendation_update
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, ControlFactory
from tests.recommendations.signing.test_consent import casl_practice, make_program, send_consent
from tests.signing_helpers import send_request


def _status(request) -> str:
    request.refresh_from_db()
    return request.status


@pytest.mark.django_db
def test_editing_the_agreement_after_sending_voids_the_request_and_the_signer_sees_why(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    agreement_update(actor=vcio, agreement=client_record.agreements.get(), data={"exclusions": "Nothing is excluded."})

    assert _status(request) == "voided"
    assert request.close_reason == "service agreement MSA-2026-001 was edited (now version 2)"
    response = client.get(reverse("sign:start", args=[token]))
    page = response.content.decode()
    assert response.status_code == 410
    assert "This request changed after it was sent" in page and "will send you a new link" in page
    assert "service agreement MSA-2026-001 was edited" in page
    event = AuditEvent.objects.get(event_type="request.voided")
    assert event.object_id == str(request.public_id) and event.actor == vcio
    assert verify_chain().intact


@pytest.mark.django_db
def test_a_new_agreement_coming_into_force_voids_the_request(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    terms = {
        field: getattr(client_record.agreements.get(), field)
        for field in ("effective_date", "scope", "responsibilities", "exclusions")
    }

    agreement_create(actor=vcio, client=client_record, data={**terms, "reference": "MSA-2027-001"})

    assert _status(request) == "voided"


@pytest.mark.django_db
def test_editing_the_rationale_voids_the_request(client_record, vcio):
    request, _, (mfa, _) = send_request(client_record, vcio)

    recommendation_update(actor=vcio, recommendation=mfa, data={"rationale": "Your front desk was phished twice."})

    assert _status(request) == "voided"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [{"mailing_address": "1 New Street"}, {"legal_name": "Renamed MSP"}, {"phone": "+1 416 555 0199"}]
)
def test_changing_the_practices_identity_voids_every_open_request(client_record, vcio, change):
    casl_practice()
    request, _, _ = send_request(client_record, vcio)
    other_client = ClientFactory(vcio=vcio)
    ContactFactory(client=other_client)
    other, _, _ = send_request(other_client, vcio)

    practice_profile_update(actor=vcio, data=change)

    assert (_status(request), _status(other)) == ("voided", "voided")


@pytest.mark.django_db
def test_changing_a_practice_setting_signers_are_not_shown_voids_nothing(client_record, vcio):
    casl_practice()
    request, _, _ = send_request(client_record, vcio)

    practice_profile_update(actor=vcio, data={"cadence_low_days": 200})

    assert _status(request) == "sent"


@pytest.mark.django_db
def test_renaming_the_client_voids_its_requests(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)

    client_update(actor=vcio, client=client_record, data={"name": "Harbourview Health"})

    assert _status(request) == "voided"


@pytest.mark.django_db
def test_changing_a_control_code_voids_the_requests_that_show_it(client_record, vcio):
    from tests.factories import RecommendationFactory

    control = ControlFactory(code="IAM-MFA")
    recommendation = RecommendationFactory(client=client_record, control=control, status="presented")
    from recommendations import signing

    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[recommendation]
    )

    control_update(actor=vcio, control=control, data={"code": "IAM-MFA-2"})

    assert _status(request) == "voided"


@pytest.mark.django_db
def test_an_agreement_edit_leaves_consent_requests_open_they_do_not_quote_it(client_record, vcio):
    casl_practice()
    consent, _ = send_consent(client_record, vcio, [make_program(client_record, "Atlas RMM agent")])

    agreement_update(actor=vcio, agreement=client_record.agreements.get(), data={"exclusions": "Nothing."})

    assert _status(consent) == "sent"


@pytest.mark.django_db
def test_a_signed_request_is_never_voided(client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    from recommendations import signing
    from tests.recommendations.signing.test_signing import signer_evidence, verify_code

    verify_code(request)
    signing.decision_request_complete(
        request=request,
        choices=[signing.ItemChoice(item.pk, "accept", "") for item in request.items.all()],
        evidence=signer_evidence(),
    )

    casl_practice()
    agreement_update(actor=vcio, agreement=client_record.agreements.get(), data={"exclusions": "Nothing."})
    practice_profile_update(actor=vcio, data={"legal_name": "Renamed MSP"})

    assert _status(request) == "completed"
