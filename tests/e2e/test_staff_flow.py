import pytest
from playwright.sync_api import expect

from recommendations.models import Recommendation
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import ClientFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_vcio_creates_a_client_raises_a_recommendation_and_presents_it(page, screenshot):
    UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    screenshot(page, "login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("No clients yet")).to_be_visible()
    screenshot(page, "empty-client-list")

    page.get_by_role("link", name="Add your first client").click()
    page.get_by_label("Name").fill("Harbourview Family Clinic")
    page.get_by_label("Industry").select_option("healthcare")
    page.get_by_label("Health information").check()
    screenshot(page, "new-client-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Harbourview Family Clinic")).to_be_visible()
    expect(page.get_by_text("No recommendations for Harbourview Family Clinic yet.")).to_be_visible()
    screenshot(page, "new-client-detail")

    page.get_by_role("link", name="Raise one from the catalog").click()
    page.get_by_label("Start from catalog control").select_option("IAM-MFA")
    page.get_by_role("button", name="Use this control").click()
    expect(page.locator("#id_title")).not_to_have_value("")
    page.get_by_label("Impact").select_option("5")
    screenshot(page, "recommendation-from-catalog")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("saved as a draft")).to_be_visible()

    page.get_by_role("button", name="Present").click()
    expect(page.get_by_text("presented to the client.")).to_be_visible()
    expect(page.get_by_role("heading", name="Presented (1)")).to_be_visible()
    screenshot(page, "recommendation-presented")

    recommendation = Recommendation.objects.get()
    assert recommendation.status == "presented"
    assert recommendation.control.code == "IAM-MFA"
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_staff_read_the_agreement_version_a_request_quoted(page, screenshot):
    from clients.services import agreement_update
    from tests.factories import AgreementFactory, ContactFactory
    from tests.signing_helpers import send_request

    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Family Clinic", vcio=vcio)
    ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    agreement = AgreementFactory(client=client, reference="MSA-2026-014")
    request, _, _ = send_request(client, vcio)
    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Everything outside the managed scope."})

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    for width, size in (("desktop", {"width": 1366, "height": 900}), ("phone", {"width": 390, "height": 844})):
        page.set_viewport_size(size)
        page.goto(f"/requests/{request.public_id}/")
        expect(page.get_by_text("This request was voided")).to_be_visible()
        screenshot(page, f"request-voided-{width}")
        page.get_by_role("link", name="service agreement MSA-2026-014, version 1").click()
        expect(page.get_by_role("heading", name="Service agreement MSA-2026-014 — version 1")).to_be_visible()
        expect(page.get_by_text("Superseded")).to_be_visible()
        expect(page.get_by_text("Losses arising from recommendations the client declined")).to_be_visible()
        screenshot(page, f"agreement-version-1-{width}")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Version 2").click()
        expect(page.get_by_text("Everything outside the managed scope.")).to_be_visible()
        screenshot(page, f"agreement-version-2-{width}")
    assert page.console_errors == []
