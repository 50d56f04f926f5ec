"""The offboarding notice letter in a real browser: a manager records an offboard decision, issues
the letter, reviews the sealed PDF, confirms and sends it; the client page shows the sending.
Desktop (1366×900) and phone (390×844), axe clean, no horizontal scroll."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import OffboardingLetterSending, WaiverDocument
from riskreg.accounts.models import User
from riskreg.mail.models import OutboundEmail
from tests.e2e.test_dashboard import assert_accessible
from tests.e2e.test_security import log_in
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.documents.test_pipeline import sign_request

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def look_at_every_size(page, screenshot, step: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"{step}-{size}")
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], f"{step} scrolls at {size}"
    page.set_viewport_size(SIZES["desktop"])


def in_days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.mark.django_db(transaction=True)
def test_a_manager_issues_reviews_and_sends_the_offboarding_notice(page, screenshot):
    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio)
    ContactFactory(client=client, name="Hélène Côté", title="Executive Director", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-001")
    sign_request(client, vcio)  # MFA refused with a stated reason; committed, so its waiver is sealed

    log_in(page, "morgan")
    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("link", name="Record decision").click()
    page.get_by_label("Offboard").check()
    page.get_by_label("Next review").fill(in_days(60))
    page.get_by_role("button", name="Record decision").click()

    page.get_by_role("link", name="Issue the notice letter").click()
    expect(page.get_by_role("heading", name="Offboarding notice for Harbourview Clinic")).to_be_visible()
    expect(page.get_by_label("Addressed to")).to_contain_text("Hélène Côté, Executive Director")
    page.get_by_label("Service ends on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_text("Set the day service ends to a date after today.")).to_be_visible()
    look_at_every_size(page, screenshot, "issue-error")

    page.get_by_label("Service ends on").fill(in_days(45))
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_text("Review the sealed PDF, then send it.")).to_be_visible()
    expect(page.get_by_role("link", name="Download the sealed PDF")).to_be_visible()
    expect(page.get_by_text("Not sent yet.")).to_be_visible()
    look_at_every_size(page, screenshot, "letter")

    page.get_by_role("link", name="Send to Hélène Côté…").click()
    expect(page.get_by_role("heading", name="Send the offboarding notice?")).to_be_visible()
    expect(page.get_by_text("helene@harbourview.example")).to_be_visible()
    assert not OffboardingLetterSending.objects.exists()
    look_at_every_size(page, screenshot, "send-confirm")

    page.get_by_role("button", name="Send the letter").click()
    expect(page.get_by_text("emailed to Hélène Côté.")).to_be_visible()
    expect(page.locator("#sent-heading").locator("xpath=..")).to_contain_text("helene@harbourview.example")
    look_at_every_size(page, screenshot, "letter-sent")

    page.get_by_role("link", name="Harbourview Clinic").first.click()
    section = page.locator("#offboarding")
    expect(section).to_contain_text("Sent")
    expect(section).to_contain_text("Hélène Côté <helene@harbourview.example>")
    expect(section.get_by_role("link", name="Download the sealed PDF")).to_be_visible()
    look_at_every_size(page, screenshot, "client-page")

    document = WaiverDocument.objects.get(kind="offboarding")
    assert OutboundEmail.objects.get(kind="offboarding_letter").attachments[0]["path"] == document.file.name
    assert page.console_errors == []
