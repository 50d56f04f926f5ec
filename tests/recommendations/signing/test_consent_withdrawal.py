"""Withdrawing install consent: from the signatory's link, or recorded by staff; both alert the vCIO."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import Software
from clients.software import software_consent_withdraw
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import AgreementFactory
from tests.recommendations.signing.test_consent import (
    PRACTICE,
    casl_practice,
    make_program,
    send_consent,
    sign_consent,
    withdrawal_link,
)

NOT_VALID = "This link is not valid"


@pytest.fixture
def consented(client_record, vcio):
    """An installed RMM agent the signatory consented to, and its withdrawal link (a path)."""
    casl_practice()
    rmm = make_program(client_record, "Atlas RMM agent", allows_remote_access=True, install_status="installed")
    request, _ = send_consent(client_record, vcio, [rmm])
    sign_consent(request, {rmm.pk: "consent_given"})
    link = withdrawal_link(OutboundEmail.objects.get(kind="consent_request"), rmm)
    return rmm, "/" + link.split("/", 3)[3]


def _alerts() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="consent_withdrawn"))


def _assert_no_personal_data(event: AuditEvent) -> None:
    text = f"{event.summary} {event.payload}"
    assert "Hélène" not in text and "helene@" not in text


@pytest.mark.django_db
def test_the_link_shows_what_will_be_withdrawn_and_changes_nothing_on_get(client, consented):
    rmm, path = consented

    page = client.get(path).content.decode()

    assert "Withdraw your consent to Atlas RMM agent" in page
    assert rmm.publisher in page and "will uninstall the program" in page
    assert Software.objects.get(pk=rmm.pk).consent_status == "given"
    assert _alerts() == []


@pytest.mark.django_db
def test_withdrawing_from_the_link_records_it_and_alerts_the_vcio(client, consented, vcio):
    rmm, path = consented

    response = client.post(path)

    assert response.status_code == 200
    assert "Your consent is withdrawn" in response.content.decode()
    rmm.refresh_from_db()
    assert rmm.consent_status == "withdrawn" and rmm.consent_changed_at is not None
    assert rmm.withdrawal_tokens.filter(used_at__isnull=True).count() == 0
    (alert,) = _alerts()
    assert alert.to == [vcio.email] and "uninstall" in alert.subject and "Atlas RMM agent" in alert.body_text
    event = AuditEvent.objects.get(event_type="software.consent_withdrawn")
    assert event.payload["received_by"] == "link" and event.actor_label.startswith("link:")
    _assert_no_personal_data(event)


@pytest.mark.django_db
def test_a_used_link_says_so_and_withdraws_nothing_twice(client, consented):
    _, path = consented
    client.post(path)

    again = client.post(path)

    assert "Consent already withdrawn" in again.content.decode()
    assert len(_alerts()) == 1
    assert AuditEvent.objects.filter(event_type="software.consent_withdrawn").count() == 1


@pytest.mark.django_db
def test_a_bad_token_gets_the_neutral_page(client, consented):
    _, path = consented

    for token in ("0" * 64, "nonsense", "x" * 300):
        response = client.post(reverse("clients:withdraw", args=[token]))
        assert response.status_code == 404
        assert NOT_VALID in response.content.decode()
    assert Software.objects.get().consent_status == "given"


@pytest.mark.django_db
def test_a_link_before_consent_is_given_has_nothing_to_withdraw(client, client_record, vcio):
    casl_practice()
    rmm = make_program(client_record, "Atlas RMM agent")
    send_consent(client_record, vcio, [rmm])
    path = "/" + withdrawal_link(OutboundEmail.objects.get(kind="consent_request"), rmm).split("/", 3)[3]

    response = client.post(path)

    assert "There is no consent to withdraw" in response.content.decode()
    assert Software.objects.get().consent_status == "requested"
    assert _alerts() == []


@pytest.mark.django_db
def test_the_public_page_names_the_practice_to_contact(client, consented):
    _, path = consented

    page = client.get(path).content.decode()

    assert PRACTICE["legal_name"] in page and PRACTICE["email"] in page


@pytest.mark.django_db
def test_staff_record_a_withdrawal_received_by_phone(vcio_client, consented, vcio):
    rmm, _ = consented
    url = reverse("clients:software_withdraw", args=[rmm.public_id])

    page = vcio_client.get(url).content.decode()
    response = vcio_client.post(url, {"received_by": "phone"})

    assert "Record withdrawal of consent: Atlas RMM agent" in page
    assert response.status_code == 302
    rmm.refresh_from_db()
    assert rmm.consent_status == "withdrawn"
    (alert,) = _alerts()
    assert alert.to == [vcio.email]
    event = AuditEvent.objects.get(event_type="software.consent_withdrawn")
    assert event.actor == vcio and event.payload["received_by"] == "phone"
    _assert_no_personal_data(event)
    # The signatory's link is dead too: the consent it was for is gone.
    assert rmm.withdrawal_tokens.filter(used_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_staff_withdrawal_needs_to_say_how_it_was_received(vcio_client, consented):
    rmm, _ = consented

    response = vcio_client.post(reverse("clients:software_withdraw", args=[rmm.public_id]), {"received_by": "pigeon"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Software.objects.get(pk=rmm.pk).consent_status == "given"


@pytest.mark.django_db
def test_an_outsider_cannot_record_a_withdrawal(outsider_client, consented):
    rmm, _ = consented

    response = outsider_client.post(
        reverse("clients:software_withdraw", args=[rmm.public_id]), {"received_by": "email"}
    )

    assert response.status_code == 404
    assert Software.objects.get(pk=rmm.pk).consent_status == "given"


@pytest.mark.django_db
def test_withdrawing_consent_given_by_agreement_releases_the_agreement(client_record, vcio):
    agreement = AgreementFactory(client=client_record, reference="MSA-CONSENT", has_software_consent_clause=True)
    agreement.signed_file.name = "agreements/msa.pdf"
    agreement.save()
    edr = make_program(client_record, "Sentinel EDR", install_status="installed")
    Software.objects.filter(pk=edr.pk).update(consent_by_agreement=agreement)

    software_consent_withdraw(software=edr, actor=vcio, received_by="letter")

    edr.refresh_from_db()
    assert edr.consent_status == "withdrawn" and edr.consent_by_agreement is None
    event = AuditEvent.objects.get(event_type="software.consent_withdrawn")
    assert event.payload["agreement_released"] == str(agreement.public_id)


@pytest.mark.django_db
def test_nothing_to_withdraw_is_refused(client_record, vcio):
    planned = make_program(client_record, "Atlas RMM agent")

    with pytest.raises(ValidationError, match="no current consent"):
        software_consent_withdraw(software=planned, actor=vcio, received_by="email")

    assert _alerts() == []
