import hashlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import Briefing
from riskreg.accounts.models import User
from riskreg.mail.models import OutboundEmail
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RecommendationFactory, UserFactory

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.django_db(transaction=True)
def test_a_vcio_previews_issues_and_sends_a_briefing(page, screenshot):
    UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    vcio = User.objects.get(username="vera")
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio)
    ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example", can_sign=True)
    ContactFactory(client=client, name="Omar Office", email="omar@harbourview.example", can_sign=False)
    AgreementFactory(client=client)
    RecommendationFactory(client=client, title="Offsite immutable backups", status="presented")
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("navigation", name="Sections of this client").get_by_role("link", name="Risk briefings").click()
    expect(page.get_by_text("No briefing issued yet.")).to_be_visible()
    page.get_by_role("link", name="Prepare a briefing").click()
    expect(page.get_by_role("heading", name="Risk briefing for Harbourview Clinic")).to_be_visible()
    page.get_by_label("Personal note").fill("Thank you for a good quarter. Backups are next.")
    screenshot(page, "prepare-desktop")
    assert_accessible(page)

    with page.expect_response(lambda response: response.url.endswith("/briefing/preview.pdf")) as preview:
        page.get_by_role("button", name="Preview PDF").click()
    assert preview.value.headers["content-type"] == "application/pdf"
    page.wait_for_timeout(1500)
    screenshot(page, "preview-in-browser")
    assert not Briefing.objects.exists(), "a preview keeps nothing"

    page.goto(f"/clients/{client.public_id}/briefing/")
    expect(page.get_by_label("Personal note")).to_have_attribute("maxlength", "1500")
    page.get_by_label("Personal note").fill("Thank you for a good quarter. Backups are next.")
    page.get_by_role("button", name="Issue briefing").click()
    briefing = Briefing.objects.get()
    expect(page.get_by_role("heading", name=f"Briefing {briefing.document_id}")).to_be_visible()
    expect(page.get_by_text(briefing.sha256)).to_be_visible()
    expect(page.get_by_label("Hélène Côté (Chief Executive Officer) — helene@harbourview.example")).to_be_checked()
    screenshot(page, "issued-desktop")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert hashlib.sha256(download.value.path().read_bytes()).hexdigest() == briefing.sha256

    page.get_by_label("Hélène Côté (Chief Executive Officer) — helene@harbourview.example").uncheck()
    page.get_by_role("button", name="Email the briefing").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one contact")
    page.get_by_label("Omar Office (Chief Executive Officer) — omar@harbourview.example").check()
    page.get_by_role("button", name="Email the briefing").click()
    expect(page.get_by_text("Briefing emailed to Omar Office.")).to_be_visible()
    assert list(OutboundEmail.objects.filter(kind="briefing").values_list("to", flat=True)) == [
        ["omar@harbourview.example"]
    ]
    page.set_viewport_size(PHONE)
    screenshot(page, "sent-phone")
    assert_accessible(page)

    page.goto(f"/clients/{client.public_id}/briefing/")
    screenshot(page, "prepare-phone")
    assert_accessible(page)
    page.goto(f"/clients/{client.public_id}/?section=briefings")
    expect(page.get_by_role("link", name=briefing.document_id)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_vcio_schedules_the_next_briefing_and_sees_it_due(page, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio)
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/clients/{client.public_id}/briefing/")
    page.get_by_label("Meet every").select_option("6")
    due = timezone.localdate() + timezone.timedelta(days=12)
    page.get_by_label("Next briefing due").fill(due.isoformat())
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("Briefing schedule saved.")).to_be_visible()
    client.refresh_from_db()
    assert (client.briefing_cadence_months, client.briefing_due_on) == (6, due)
    screenshot(page, "schedule-saved")
    assert_accessible(page)

    page.goto("/dashboard/")
    section = page.get_by_role("region", name="Risk briefings due in the next 30 days")
    expect(section).to_contain_text("Harbourview Clinic")
    expect(section).to_contain_text(due.isoformat())
    screenshot(page, "dashboard-due")
    assert_accessible(page)

    page.goto("/reacknowledgments/")
    expect(page.get_by_role("region", name="Risk briefings due in the next 30 days")).to_contain_text(
        "Harbourview Clinic"
    )
    page.set_viewport_size(PHONE)
    screenshot(page, "reack-due-phone")
    assert_accessible(page)
