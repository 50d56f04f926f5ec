"""A walk through every main staff page as each role, and every signer step on a phone: axe-core
finds no serious or critical violation, nothing scrolls sideways at 390 px, and no page shows a raw
identifier."""

import re

import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RecommendationFactory, UserFactory
from tests.signing_helpers import latest_code, link_from_mail, send_request

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = (("desktop", DESKTOP), ("phone", PHONE))


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# What a person should never have to read: a database UUID, or an internal actor key such as the
# chain's "signer:cbd1..." (pages name people and documents instead).
RAW_IDENTIFIER = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b(?:signer|user|contact|client|system):[0-9a-f]{4,}",
    re.IGNORECASE,
)


def raw_identifiers(page) -> list[str]:
    """Raw identifiers in the page's visible text."""
    return RAW_IDENTIFIER.findall(page.evaluate("document.body.innerText"))


def walk_portfolio() -> dict:
    vera = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    UserFactory(username="alex", first_name="Alex", last_name="Admin", role=User.Role.ADMIN)
    clinic = ClientFactory(name="Harbourview Family Clinic", vcio=vera, industry="healthcare")
    ContactFactory(client=clinic, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=clinic, reference="MSA-2026-014")
    laptops = RecommendationFactory(
        client=clinic, status="presented", title="Encrypt laptops", likelihood=4, impact=4
    )
    RecommendationFactory(client=clinic, status="draft", title="Patch the firewall")
    ClientFactory(name="Quarry Lane Software", vcio=vera, industry="technology")
    return {"clinic": clinic, "vera": vera, "laptops": laptops}


def _staff_pages(clinic, laptops) -> list[tuple[str, str]]:
    return [
        ("recommendation", f"/recommendations/{laptops.public_id}/"),
        ("client-requests", f"/clients/{clinic.public_id}/?section=requests"),
        ("client-software", f"/clients/{clinic.public_id}/?section=software"),
        ("client-timeline", f"/clients/{clinic.public_id}/?section=timeline"),
        ("send-for-decision", f"/clients/{clinic.public_id}/requests/new/"),
        ("clients", "/clients/"),
        ("clients-no-match", "/clients/?q=zzz"),
        ("client", f"/clients/{clinic.public_id}/"),
        ("client-risk", f"/clients/{clinic.public_id}/risk/"),
        ("client-outbox", f"/clients/{clinic.public_id}/outbox/"),
        ("client-reacknowledge", f"/clients/{clinic.public_id}/reacknowledge/"),
        ("reacknowledgments", "/reacknowledgments/"),
        ("catalog", "/catalog/"),
        ("dashboard", "/dashboard/"),
        ("practice-settings", "/settings/practice/"),
        ("scoring-help", "/help/scoring/"),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["vera", "morgan", "alex"])
def test_every_staff_page_passes_axe_and_fits_a_phone(page, screenshot, username):
    data = walk_portfolio()
    log_in(page, username)
    # A failed log-in would leave every page below on the log-in form, which passes the checks.
    expect(page.get_by_role("button", name="Log out")).to_be_attached()
    problems = []
    for name, path in _staff_pages(data["clinic"], data["laptops"]):
        for width, size in WIDTHS:
            page.set_viewport_size(size)
            response = page.goto(path)
            if response.status == 403:  # not this role's page; the browser logs the 403 itself
                page.console_errors.clear()
                continue
            assert response.status == 200, path
            screenshot(page, f"{name}-{width}")
            problems += [f"{path} at {width}: {violation}" for violation in axe_violations(page)]
            if width == "phone" and sideways_overflow(page) > 0:
                problems.append(f"{path} scrolls sideways by {sideways_overflow(page)} px at 390 px")
            problems += [f"{path} shows the raw identifier {raw}" for raw in raw_identifiers(page)]
    assert problems == [], "\n".join(problems)
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_every_signer_step_passes_axe_on_a_phone(browser, live_server, screenshot):
    from tests.e2e.test_signing_flow import draw_signature

    data = walk_portfolio()
    request, _, recommendations = send_request(data["clinic"], data["vera"], titles=("Offsite backups",))
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    signer = context.new_page()
    problems: list[str] = []

    def check(step: str) -> None:
        screenshot(signer, f"signer-{step}")
        problems.extend(f"{step}: {violation}" for violation in axe_violations(signer))
        if sideways_overflow(signer) > 0:
            problems.append(f"{step} scrolls sideways")
        problems.extend(f"{step} shows the raw identifier {raw}" for raw in raw_identifiers(signer))

    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    check("start")
    signer.get_by_role("button", name="Email me a code").click()
    expect(signer.get_by_text("We emailed a 6-digit code")).to_be_visible()
    check("code")
    signer.get_by_label("6-digit code from your email").fill(latest_code(request))
    signer.get_by_role("button", name="Confirm code").click()
    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()
    check("decide")
    signer.get_by_role("button", name="Sign and submit").click()
    consent_error = signer.get_by_text("You must agree to sign electronically")
    expect(consent_error).to_be_visible()
    check("decide-errors")
    signer.locator("fieldset", has_text="Offsite backups").get_by_role("radio", name="Accept").check()
    signer.get_by_label("I agree to sign electronically").check()
    # A fixed mistake stops being reported at once, not only after the next submit.
    expect(consent_error).to_have_count(0)
    expect(signer.get_by_label("I agree to sign electronically")).not_to_have_class(re.compile("is-invalid"))
    signer.get_by_label("I confirm the statement above.").check()
    expect(signer.get_by_text("Tick to confirm the statement.")).to_have_count(0)
    signer.locator("#signature-pad").scroll_into_view_if_needed()
    draw_signature(signer)
    signer.get_by_role("button", name="Sign and submit").click()
    expect(signer.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    check("done")
    # The link again, in the browser that signed: the signed copy, not a dead end.
    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    expect(signer.get_by_text("You already signed this request on")).to_be_visible()
    expect(signer.get_by_role("link", name="Download your signed copy (PDF)")).to_be_visible()
    check("link-reopened")
    context.close()
    assert Recommendation.objects.get(pk=recommendations[0].pk).status == "accepted"
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_a_signer_locked_out_is_told_the_next_step_on_a_phone(browser, live_server, screenshot):
    data = walk_portfolio()
    request, _, _ = send_request(data["clinic"], data["vera"], titles=("Offsite backups",))
    link = link_from_mail(request).replace("http://localhost:8000", live_server.url)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    signer = context.new_page()
    signer.goto(link)
    signer.get_by_role("button", name="Email me a code").click()
    wrong = "000000" if latest_code(request) != "000000" else "111111"
    for _ in range(5):
        signer.get_by_label("6-digit code from your email").fill(wrong)
        signer.get_by_role("button", name="Confirm code").click()
    expect(signer.get_by_role("heading", name="This request is locked")).to_be_visible()

    signer.goto(link)
    expect(signer.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(signer.get_by_text("helene@harbourview.example")).to_be_visible()
    screenshot(signer, "signer-locked-link-reopened")
    assert axe_violations(signer) == []
    assert sideways_overflow(signer) == 0
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_signer_signs_with_the_keyboard_alone_by_adopting_their_typed_name(browser, live_server, screenshot, device):
    data = walk_portfolio()
    request, _, (backups,) = send_request(data["clinic"], data["vera"], titles=("Offsite backups",))
    size = PHONE if device == "phone" else DESKTOP
    context = browser.new_context(base_url=live_server.url, viewport=size)
    signer = context.new_page()
    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    signer.get_by_role("button", name="Email me a code").press("Enter")
    signer.get_by_label("6-digit code from your email").fill(latest_code(request))
    signer.get_by_label("6-digit code from your email").press("Enter")
    expect(signer.get_by_role("heading", name="Decide and sign")).to_be_visible()

    # The whole text of the item, one keypress away.
    summary = signer.get_by_text("Read the full text of this recommendation")
    summary.focus()
    signer.keyboard.press("Enter")
    expect(signer.get_by_text("What can happen without it")).to_be_visible()
    signer.get_by_role("radio", name="Accept").focus()
    signer.keyboard.press("Space")
    signer.get_by_label("I agree to sign electronically").focus()
    signer.keyboard.press("Space")
    signer.get_by_label("I confirm the statement above.").focus()
    signer.keyboard.press("Space")
    typed = signer.get_by_role("radio", name="Use my typed name as my signature")
    typed.focus()
    signer.keyboard.press("Space")
    expect(signer.locator("#signature-pad")).to_be_hidden()
    expect(signer.locator("#typed-signature-preview")).to_have_text("Hélène Côté")
    # Radio buttons are thumb-sized.
    assert signer.get_by_role("radio", name="Accept").bounding_box()["width"] >= 20
    signer.locator("#signature-typed").scroll_into_view_if_needed()
    screenshot(signer, f"decide-typed-signature-{device}")
    assert axe_violations(signer) == []
    assert sideways_overflow(signer) == 0
    signer.get_by_role("button", name="Sign and submit").focus()
    signer.keyboard.press("Enter")

    expect(signer.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    screenshot(signer, f"done-{device}")
    context.close()
    request.refresh_from_db()
    assert request.status == "completed"
    assert request.signature.method == "typed"
