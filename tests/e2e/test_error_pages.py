"""The branded error pages in a real browser, on a desktop and a phone: the product's layout, no
Content-Security-Policy violation (the page fixture fails on one), and no serious axe finding."""

import pytest
from playwright.sync_api import expect

from clients.models import PracticeProfile
from tests.e2e.conftest import axe_violations

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_staff_and_the_signer_404_pages_are_branded_on_desktop_and_phone(page, screenshot, device):
    PracticeProfile.objects.filter(pk=PracticeProfile.load().pk).update(
        legal_name="Northwind IT", email="help@northwind.example"
    )
    page.set_viewport_size(VIEWPORTS[device])

    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="RiskReg")).to_be_visible()
    screenshot(page, f"staff-404-{device}")
    assert axe_violations(page) == []

    response = page.goto("/verify/no-such-thing/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Northwind IT")
    expect(page.get_by_role("link", name="help@northwind.example").first).to_be_visible()
    screenshot(page, f"signer-404-{device}")
    assert axe_violations(page) == []
