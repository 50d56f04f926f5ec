import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Control, Recommendation
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.signing_helpers import latest_code, link_from_mail

PHONE = {"width": 390, "height": 844}


def _present(client, code: str) -> Recommendation:
    control = Control.objects.get(code=code)
    return Recommendation.objects.create(
        client=client,
        control=control,
        title=control.title,
        description=control.description,
        why_it_matters=control.why_it_matters,
        consequences=control.consequences,
        likelihood=control.default_likelihood,
        impact=control.default_impact,
        status="presented",
    )


def _draw_signature(page) -> None:
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step, (dx, dy) in enumerate([(0.2, 0.2), (0.35, 0.75), (0.5, 0.3), (0.7, 0.8), (0.9, 0.35)]):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy, steps=8 + step)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_a_signer_accepts_backups_and_refuses_mfa_from_a_phone(page, browser, live_server, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio, industry="healthcare")
    ContactFactory(client=client, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-014")
    mfa = _present(client, "IAM-MFA")
    backups = _present(client, "BCK-OFFSITE")

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("link", name="Send for decision").click()
    page.get_by_label(re.compile("Multi-factor authentication")).check()
    page.get_by_label(re.compile("Offsite")).check()
    screenshot(page, "staff-send-for-decision")
    page.get_by_role("button", name="Send signing link").click()
    expect(page.get_by_text("Signing link emailed to Hélène Côté")).to_be_visible()
    screenshot(page, "staff-request-sent")

    request = mfa.request_items.get().request
    signer_context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    signer = signer_context.new_page()
    signer_errors: list[str] = []
    signer.on("console", lambda message: message.type == "error" and signer_errors.append(message.text))
    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    expect(signer.get_by_role("heading", name="Hello Hélène Côté,")).to_be_visible()
    screenshot(signer, "signer-request-page")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Email me a code").click()
    expect(signer.get_by_text("We emailed a 6-digit code")).to_be_visible()
    signer.get_by_label("6-digit code from your email").fill(latest_code(request))
    screenshot(signer, "signer-code")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Confirm code").click()

    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()
    mfa_item = signer.locator("fieldset", has_text=mfa.title)
    backups_item = signer.locator("fieldset", has_text=backups.title)
    backups_item.get_by_role("radio", name="Accept").check()
    mfa_item.get_by_role("radio", name="Refuse").check()
    mfa_item.get_by_label("Reason for refusing").fill("Staff find the phone prompts too disruptive this quarter.")
    signer.get_by_label("I agree to sign electronically").check()
    signer.get_by_label("I confirm the statement above.").check()
    signer.get_by_label("Your full name").fill("Hélène Côté")
    signer.locator("#signature-pad").scroll_into_view_if_needed()
    _draw_signature(signer)
    screenshot(signer, "signer-decide-and-sign")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Sign and submit").click()
    expect(signer.get_by_role("heading", name="Thank you — your decision is recorded")).to_be_visible()
    screenshot(signer, "signer-done")
    assert signer_errors == []
    signer_context.close()

    mfa.refresh_from_db()
    backups.refresh_from_db()
    assert (mfa.status, backups.status) == ("refused", "accepted")
    page.goto(f"/clients/{client.public_id}/")
    expect(page.get_by_text(f"refusal valid until {mfa.valid_until}")).to_be_visible()
    expect(page.get_by_role("heading", name="Accepted (1)")).to_be_visible()
    screenshot(page, "staff-client-after-signing")
