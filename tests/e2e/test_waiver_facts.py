"""The signer reads who recommended each item, when it was first presented and what it costs,
and finds the provider's contact details under the e-sign disclosure (issue 21, item 11); at
phone and desktop width, axe-clean, without sideways scrolling."""

import datetime

import pytest
from playwright.sync_api import expect

from recommendations import signing
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.e2e.test_walk import sideways_overflow
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.signing.test_consent import casl_practice
from tests.recommendations.signing.test_snapshots import presented
from tests.signing_helpers import latest_code, link_from_mail

DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
PRESENTED_ON = datetime.datetime(2026, 3, 3, 15, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(DEVICES))
def test_the_signer_sees_the_advisor_the_first_presented_day_the_cost_and_the_providers_contacts(
    browser, live_server, screenshot, device
):
    casl_practice()
    vera = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    clinic = ClientFactory(name="Harbourview Family Clinic", vcio=vera, industry="healthcare")
    ContactFactory(client=clinic, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=clinic, reference="MSA-2026-014")
    recommendations = [
        presented(clinic, vera, on=PRESENTED_ON, title="Multi-factor authentication", one_time_cost_cents=120000),
        presented(clinic, vera, on=PRESENTED_ON, title="Offsite backups", recurring_monthly_cost_cents=4500),
    ]
    request = signing.decision_request_send(
        actor=vera, client=clinic, signatory=clinic.contacts.get(), recommendations=recommendations
    )
    context = browser.new_context(base_url=live_server.url, **DEVICES[device])
    signer = context.new_page()
    errors: list[str] = []
    signer.on("console", lambda message: message.type == "error" and errors.append(message.text))

    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    first = signer.get_by_role("article").filter(has_text="Multi-factor authentication")
    expect(first.get_by_text("Recommended by")).to_be_visible()
    expect(first.get_by_text("Vera Castillo")).to_be_visible()
    expect(first.get_by_text("3 March 2026")).to_be_visible()
    expect(first.get_by_text("1,200.00")).to_be_visible()
    second = signer.get_by_role("article").filter(has_text="Offsite backups")
    expect(second.get_by_text("45.00 per month")).to_be_visible()
    screenshot(signer, f"reading-page-{device}")
    assert axe_violations(signer) == []
    assert sideways_overflow(signer) == 0

    signer.get_by_role("button", name="Email me a code").click()
    signer.get_by_label("6-digit code from your email").fill(latest_code(request))
    signer.get_by_role("button", name="Confirm code").click()
    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()
    signer.get_by_text("Read the full text of this recommendation").first.click()
    contact = signer.locator("#provider-contact")
    expect(contact).to_contain_text("Northwind Managed IT Inc.")
    expect(contact).to_contain_text("consent@northwind.example")
    expect(contact).to_contain_text("+1 416 555 0100")
    contact.scroll_into_view_if_needed()
    screenshot(signer, f"decide-disclosure-contact-{device}")
    assert axe_violations(signer) == []
    assert sideways_overflow(signer) == 0
    assert errors == []
    context.close()
