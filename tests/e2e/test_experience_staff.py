"""Staff pages fixed for issue 21, at desktop and phone width: the send form with items already in
a request, the CASL confirmation before marking an unconsented program installed."""

import pytest
from playwright.sync_api import expect

from clients.models import Software
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.e2e.test_walk import WIDTHS, sideways_overflow, walk_portfolio
from tests.factories import RecommendationFactory
from tests.signing_helpers import send_request


@pytest.mark.django_db(transaction=True)
def test_the_send_form_lists_items_already_in_an_open_request(page, screenshot):
    data = walk_portfolio()
    clinic = data["clinic"]
    send_request(clinic, data["vera"], titles=("Offsite backups",))
    RecommendationFactory(client=clinic, status="presented", title="Patch the VPN appliance")
    log_in(page, "vera")
    for width, size in WIDTHS:
        page.set_viewport_size(size)
        page.goto(f"/clients/{clinic.public_id}/requests/new/")
        expect(page.get_by_role("heading", name="Already in an open request (1)")).to_be_visible()
        expect(page.get_by_label("Offsite backups (Critical risk)")).to_have_count(0)
        expect(page.get_by_label("Patch the VPN appliance", exact=False)).to_be_visible()
        screenshot(page, f"send-for-decision-{width}")
        assert axe_violations(page) == []
        assert sideways_overflow(page) == 0
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_marking_a_refused_program_installed_asks_first(page, screenshot):
    data = walk_portfolio()
    clinic = data["clinic"]
    software = Software.objects.create(
        client=clinic,
        name="SentinelEdge EDR",
        publisher="SentinelEdge Inc.",
        function_and_purpose="EDR",
        consent_status="refused",
    )
    log_in(page, "vera")
    for width, size in WIDTHS:
        page.set_viewport_size(size)
        page.goto(f"/clients/{clinic.public_id}/?section=software")
        page.get_by_role("link", name="Mark installed…").click()
        expect(page.get_by_role("heading", name="SentinelEdge EDR has no consent in force")).to_be_visible()
        screenshot(page, f"casl-confirm-{width}")
        assert axe_violations(page) == []
        assert sideways_overflow(page) == 0
    page.get_by_role("button", name="It is installed: record it").click()
    expect(page.get_by_text("SentinelEdge EDR marked installed.")).to_be_visible()
    software.refresh_from_db()
    assert software.install_status == "installed"
    assert page.console_errors == []
