import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Control, Recommendation
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.signing_helpers import latest_code, link_from_mail, send_request

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


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


def draw_signature(page) -> None:
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step, (dx, dy) in enumerate([(0.2, 0.2), (0.35, 0.75), (0.5, 0.3), (0.7, 0.8), (0.9, 0.35)]):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy, steps=8 + step)
    page.mouse.up()


SIGNERS = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": DESKTOP},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(SIGNERS))
def test_a_signer_accepts_backups_and_refuses_mfa(page, browser, live_server, screenshot, device):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio, industry="healthcare")
    ContactFactory(client=client, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-014")
    mfa = _present(client, "IAM-MFA")
    backups = _present(client, "BCK-OFFSITE")

    page.set_viewport_size(DESKTOP)
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
    signer_context = browser.new_context(base_url=live_server.url, **SIGNERS[device])
    signer = signer_context.new_page()
    signer_errors: list[str] = []
    signer.on("console", lambda message: message.type == "error" and signer_errors.append(message.text))
    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    expect(signer.get_by_role("heading", name="Hello Hélène Côté,")).to_be_visible()
    expect(signer.get_by_role("heading", name="Our service agreement (MSA-2026-014, version 1)")).to_be_visible()
    screenshot(signer, "signer-request-page")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Email me a code").click()
    expect(signer.get_by_text("We emailed a 6-digit code")).to_be_visible()
    code = latest_code(request)
    signer.get_by_label("6-digit code from your email").fill(code)
    screenshot(signer, "signer-code")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Confirm code").click()

    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()
    # The name is the signatory's, filled in; someone else's name is refused.
    expect(signer.get_by_label("Your full name")).to_have_value("Hélène Côté")
    _decide(signer, mfa.title, backups.title)
    signer.get_by_label("Your full name").fill("Dana Whitfield")
    draw_signature(signer)
    signer.get_by_role("button", name="Sign and submit").click()
    refusal = signer.get_by_text("does not match the person this request is addressed to, Hélène Côté")
    expect(refusal).to_be_visible()
    signer.get_by_label("Your full name").scroll_into_view_if_needed()
    screenshot(signer, "signer-name-refused")
    assert axe_violations(signer) == []
    mfa.refresh_from_db()
    assert mfa.status == "presented"

    signer.get_by_label("Your full name").fill("helene  cote")
    _decide(signer, mfa.title, backups.title)
    draw_signature(signer)
    screenshot(signer, "signer-decide-and-sign")
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
    page.get_by_role("link", name=re.compile("^Timeline")).click()
    expect(page.get_by_text("(signed as “helene  cote”)")).to_be_visible()
    expect(page.get_by_text("Hélène Côté (signatory)").first).to_be_visible()
    screenshot(page, "staff-client-after-signing")

    # The staff see what was emailed, with the link and the code withheld, on a desktop and a phone.
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(f"/clients/{client.public_id}/outbox/")
        expect(page.get_by_role("link", name=re.compile("one-time signing code"))).to_be_visible()
        assert code not in page.locator("table").inner_text()
        screenshot(page, f"staff-outbox-{width}")
        page.get_by_role("link", name=re.compile("Your decision is needed")).click()
        expect(page.get_by_text("[personal signing link — withheld]").first).to_be_visible()
        screenshot(page, f"staff-link-email-{width}")
        assert axe_violations(page) == []
        page.goto(f"/clients/{client.public_id}/outbox/")
        page.get_by_role("link", name=re.compile("one-time signing code")).click()
        expect(page.get_by_text("[one-time code — withheld]").first).to_be_visible()
        assert code not in page.content()
        screenshot(page, f"staff-code-email-{width}")
    assert page.console_errors == []


def _decide(signer, refused: str, accepted: str) -> None:
    signer.locator("fieldset", has_text=accepted).get_by_role("radio", name="Accept").check()
    refused_item = signer.locator("fieldset", has_text=refused)
    refused_item.get_by_role("radio", name="Refuse").check()
    refused_item.get_by_label("Reason for refusing").fill("Staff find the phone prompts too disruptive this quarter.")
    signer.get_by_label("I agree to sign electronically").check()
    signer.get_by_label("I confirm the statement above.").check()
    signer.locator("#signature-pad").scroll_into_view_if_needed()


@pytest.mark.django_db(transaction=True)
def test_a_signer_whose_request_changed_after_sending_is_told_a_new_link_is_coming(browser, live_server, screenshot):
    from clients.services import agreement_update

    vcio = UserFactory(username="vera", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio)
    ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    agreement = AgreementFactory(client=client, reference="MSA-2026-014")
    request, _, _ = send_request(client, vcio)
    link = link_from_mail(request).replace("http://localhost:8000", live_server.url)

    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Everything outside the managed scope."})

    for device, options in SIGNERS.items():
        context = browser.new_context(base_url=live_server.url, **options)
        signer = context.new_page()
        response = signer.goto(link)
        assert response.status == 410
        expect(signer.get_by_role("heading", name="This request changed after it was sent")).to_be_visible()
        expect(signer.get_by_text("will send you a new link with the current text")).to_be_visible()
        screenshot(signer, f"signer-voided-{device}")
        assert axe_violations(signer) == []
        context.close()
