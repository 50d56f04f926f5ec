import re

import pytest
from playwright.sync_api import expect

from clients.models import Software
from recommendations.models import DecisionRequest
from riskreg.accounts.models import User
from riskreg.mail.models import OutboundEmail
from tests.e2e.conftest import axe_violations
from tests.e2e.test_signing_flow import PHONE, draw_signature
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.signing.test_consent import casl_practice
from tests.signing_helpers import WITHDRAWAL_LINK, delivered, latest_code, link_from_mail


def _local(url: str, live_server) -> str:
    return re.sub(r"^https?://[^/]+", live_server.url, url)


@pytest.mark.django_db(transaction=True)
def test_a_signer_consents_to_an_rmm_agent_and_later_withdraws(page, browser, live_server, screenshot):
    casl_practice()
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio, industry="healthcare")
    ContactFactory(client=client, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-014")

    # Staff record the agent as installed: the client page flags the missing consent.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/clients/{client.public_id}/?section=software")
    page.get_by_role("link", name="Add software").click()
    page.get_by_label("Name").fill("Atlas RMM agent")
    page.get_by_label("Publisher").fill("Atlas Software Corp.")
    page.get_by_label("Function and purpose").fill(
        "Monitors the health of every workstation and server, installs security updates, and lets our help desk "
        "fix problems remotely."
    )
    for capability in (
        "Collects personal information",
        "Changes settings or data",
        "Communicates with other systems",
        "Allows remote access",
    ):
        page.get_by_label(capability).check()
    page.get_by_label("Install status").select_option("installed")
    screenshot(page, "staff-add-software")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="1 program installed without consent")).to_be_visible()
    expect(page.locator("#software").get_by_text("Installed without consent")).to_be_visible()
    page.locator("#software").scroll_into_view_if_needed()
    screenshot(page, "staff-client-flagged")

    # Staff ask for consent through the signing flow.
    page.get_by_role("link", name="Ask for consent").click()
    page.get_by_label(re.compile("Atlas RMM agent")).check()
    screenshot(page, "staff-ask-for-consent")
    page.get_by_role("button", name="Send consent request").click()
    expect(page.get_by_text("Consent request emailed to Hélène Côté")).to_be_visible()
    screenshot(page, "staff-consent-request-sent")

    # The signatory reads the disclosures on a phone, confirms the code and gives consent.
    request = DecisionRequest.objects.get(purpose="software_consent")
    signer_context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    signer = signer_context.new_page()
    signer_errors: list[str] = []
    signer.on("console", lambda message: message.type == "error" and signer_errors.append(message.text))
    signer.goto(_local(link_from_mail(request), live_server))
    expect(signer.get_by_role("heading", name="Hello Hélène Côté,")).to_be_visible()
    for heading in ("Why we ask", "Who is asking", "Your right to withdraw"):
        expect(signer.get_by_role("heading", name=heading)).to_be_visible()
    expect(signer.get_by_text("Allows remote access", exact=True)).to_be_visible()
    screenshot(signer, "signer-consent-request")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Email me a code").click()
    signer.get_by_label("6-digit code from your email").fill(latest_code(request))
    signer.get_by_role("button", name="Confirm code").click()
    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()
    signer.locator("fieldset", has_text="Atlas RMM agent").get_by_role("radio", name="Give consent").check()
    signer.get_by_label("I agree to sign electronically").check()
    signer.get_by_label("I confirm the statement above.").check()
    signer.get_by_label("Your full name").fill("Hélène Côté")
    signer.locator("#signature-pad").scroll_into_view_if_needed()
    draw_signature(signer)
    screenshot(signer, "signer-give-consent")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Sign and submit").click()
    expect(signer.get_by_role("heading", name="Thank you — your decision is recorded")).to_be_visible()
    expect(signer.get_by_text("You can withdraw this consent at any time", exact=False)).to_be_visible()
    screenshot(signer, "signer-consent-recorded")

    assert Software.objects.get().consent_status == "given"
    page.goto(f"/clients/{client.public_id}/?section=software")
    expect(page.get_by_role("link", name=re.compile("installed without consent"))).to_have_count(0)
    page.locator("#software").scroll_into_view_if_needed()
    screenshot(page, "staff-client-consent-given")

    # Later the signatory withdraws with the link from the email that brought the signed copy.
    signed_copy = OutboundEmail.objects.get(kind="signed_document", idempotency_key__endswith=":document:signer")
    withdraw_url = WITHDRAWAL_LINK.search(delivered(signed_copy).body).group(1)
    signer.goto(_local(withdraw_url, live_server))
    expect(signer.get_by_role("heading", name="Withdraw your consent to Atlas RMM agent")).to_be_visible()
    screenshot(signer, "signer-withdraw-confirm")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Withdraw consent to Atlas RMM agent").click()
    expect(signer.get_by_role("heading", name="Your consent is withdrawn")).to_be_visible()
    screenshot(signer, "signer-withdrawn")
    assert signer_errors == []
    signer_context.close()

    assert Software.objects.get().consent_status == "withdrawn"
    alert = OutboundEmail.objects.get(kind="consent_withdrawn")
    assert alert.to == [vcio.email] and "uninstall" in alert.subject
    page.goto(f"/clients/{client.public_id}/?section=software")
    expect(page.get_by_role("link", name="1 program installed without consent")).to_be_visible()
    expect(page.locator("#software").get_by_text("Withdrawn")).to_be_visible()
    page.locator("#software").scroll_into_view_if_needed()
    screenshot(page, "staff-client-after-withdrawal")
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_staff_record_a_withdrawal_then_export_and_erase_the_signatory(page, live_server, screenshot):
    from clients.models import Contact
    from recommendations.documents import services as document_services
    from recommendations.privacy import services as privacy
    from tests.recommendations.privacy.test_privacy import sign_for as sign
    from tests.signing_helpers import send_request

    casl_practice()
    UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    vcio = User.objects.get(username="vera")
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio, industry="healthcare")
    contact = ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-014")
    Software.objects.create(
        client=client,
        name="Sentinel EDR",
        publisher="Sentinel Labs",
        function_and_purpose="Detects and stops malware.",
        install_status="installed",
        consent_status="given",
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/clients/{client.public_id}/?section=software")
    page.get_by_role("link", name="Record withdrawal").click()
    expect(page.get_by_role("heading", name="Record withdrawal of consent: Sentinel EDR")).to_be_visible()
    page.get_by_label("Telephone").check()
    screenshot(page, "staff-record-withdrawal")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.get_by_text("recorded as withdrawn; the vCIO has been alerted")).to_be_visible()
    expect(page.get_by_role("link", name="1 program installed without consent")).to_be_visible()

    page.get_by_role("link", name="Export data").click()
    expect(page.get_by_role("heading", name="Export the personal data of Hélène Côté")).to_be_visible()
    screenshot(page, "staff-export-confirm")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export (JSON)").click()
    assert download.value.suggested_filename == f"contact-{contact.public_id}.json"

    signed, _, _ = send_request(client, vcio, titles=("Multi-factor authentication",))
    sign(signed)
    document = document_services.request_document_create(request_id=signed.pk)
    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("link", name="Erase").click()
    expect(page.get_by_role("heading", name="Erase the personal data of Hélène Côté")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(document.document_id))).to_be_visible()
    screenshot(page, "staff-erase-confirm")
    page.get_by_role("button", name="Erase Hélène Côté's personal data").click()
    expect(page.get_by_text("The contact's personal data was erased. 1 signed record is kept")).to_be_visible()
    screenshot(page, "staff-client-after-erasure")
    assert Contact.objects.get(pk=contact.pk).name == privacy.ERASED_NAME
    assert page.console_errors == []

    response = page.goto("/withdraw/not-a-real-token/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    screenshot(page, "withdraw-link-not-valid")
