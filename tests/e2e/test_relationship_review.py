"""The manager's keep-or-drop pages in a real browser: the dashboard's liability columns and
risk-versus-value chart, the review queue in priority order, and a client's value, at desktop
(1366×900), tablet (800×1000) and phone (390×844) width, axe clean."""

import re

import pytest
from playwright.sync_api import expect

from riskreg.accounts.models import User
from tests.e2e.test_dashboard import assert_accessible
from tests.e2e.test_security import log_in
from tests.factories import UserFactory
from tests.recommendations.relationship.test_uncovered_and_review import build_liability_portfolio

SIZES = {
    "desktop": {"width": 1366, "height": 900},
    "tablet": {"width": 800, "height": 1000},
    "phone": {"width": 390, "height": 844},
}


@pytest.mark.django_db(transaction=True)
def test_a_manager_weighs_risk_against_value_and_works_the_review_queue(page, screenshot):
    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    build_liability_portfolio(vcio)

    log_in(page, "morgan")
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    chart = page.get_by_role("group", name="Risk versus value")
    expect(chart).to_be_visible()
    dental = chart.get_by_role(
        "link", name=re.compile(r"^Lakeshore Dental: score \d+, MRR 900.00, uncovered exposure 70.5")
    )
    expect(dental).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("72.5 open risk without a current signature"))).to_be_visible()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"dashboard-{size}")
        assert_accessible(page)
    page.set_viewport_size(SIZES["desktop"])

    page.get_by_text("The chart as a table").click()
    table_rows = page.locator("details table tbody tr")
    expect(table_rows.first).to_contain_text("Lakeshore Dental")
    expect(table_rows.first).to_contain_text("900.00")

    page.get_by_role("link", name="Open the review queue").click()
    expect(page.get_by_role("heading", name="Clients needing a relationship review")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Lakeshore Dental")  # most uncovered exposure, lower score
    expect(rows.nth(2)).to_contain_text("Harbour Logistics")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"review-queue-{size}")
        assert_accessible(page)
    page.set_viewport_size(SIZES["desktop"])

    page.get_by_role("link", name="Back to the dashboard").click()
    dental.dispatch_event("click")
    expect(page.get_by_role("heading", name="Lakeshore Dental")).to_be_visible()
    page.get_by_role("link", name="Edit value of Lakeshore Dental").click()
    expect(page.get_by_role("heading", name="What Lakeshore Dental is worth")).to_be_visible()
    page.get_by_label("Monthly recurring revenue").fill("-3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Ensure this value is greater than or equal to 0.")).to_be_visible()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"value-form-error-{size}")
        assert_accessible(page)
    page.set_viewport_size(SIZES["desktop"])
    page.get_by_label("Monthly recurring revenue").fill("1250.50")
    page.get_by_label("Contract end date").fill("2027-03-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Value of Lakeshore Dental saved.")).to_be_visible()
    section = page.locator("#relationship-heading").locator("xpath=ancestor::section")
    expect(section).to_contain_text("1,250.50")
    expect(section).to_contain_text("2027-03-31")
    expect(section).to_contain_text("Uncovered exposure")
    screenshot(page, "client-page-value")


@pytest.mark.django_db(transaction=True)
def test_a_vcio_sees_the_liability_columns_but_neither_value_nor_chart(page, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    build_liability_portfolio(vcio)

    log_in(page, "vera")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Uncovered exposure")).to_be_visible()
    expect(page.get_by_role("group", name="Risk versus value")).to_have_count(0)
    expect(page.get_by_text("900.00")).to_have_count(0)
    page.set_viewport_size(SIZES["desktop"])
    screenshot(page, "vcio-dashboard-desktop")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_manager_sets_tracked_conditions_and_the_sweep_flags_one_overdue(page, screenshot):
    import datetime

    from django.utils import timezone

    from recommendations.relationship.conditions import relationship_conditions_sweep

    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    build_liability_portfolio(vcio)

    log_in(page, "morgan")
    page.get_by_role("link", name="Record decision for Lakeshore Dental").click()
    page.get_by_label("Continue with conditions").check()
    page.get_by_role("textbox", name="Conditions").fill("Fund MFA this quarter; back up offsite.")
    page.get_by_label("Next review").fill((timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", name="Continue with conditions: Lakeshore Dental")).to_be_visible()
    expect(page.get_by_text("No tracked conditions yet.")).to_be_visible()

    page.locator("#id_what").fill("Fund multi-factor authentication")
    page.locator("#id_owner").select_option(label="Vera Castillo")
    page.locator("#id_due_on").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("MFA").check()
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_text("Condition added.")).to_be_visible()
    page.locator("#id_what").fill("Past")
    page.locator("#id_owner").select_option(label="Vera Castillo")
    page.locator("#id_due_on").fill("2020-01-01")
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_text("Set the due date after today.")).to_be_visible()
    screenshot(page, "conditions-error-desktop")
    assert_accessible(page)

    relationship_conditions_sweep(today=timezone.localdate() + datetime.timedelta(days=31))
    page.reload()
    row = page.get_by_role("row", name=re.compile("Fund multi-factor authentication"))
    expect(row).to_contain_text("Overdue since")
    expect(row).to_contain_text("0 of 1 implemented")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"conditions-{size}")
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.django_db(transaction=True)
def test_a_vcio_raises_a_refused_risk_and_the_refusal_is_basis_changed(page, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    build_liability_portfolio(vcio)

    log_in(page, "vera")
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Harbour Logistics").click()
    page.get_by_role("link", name="Re-assess risk of Control 0").click()
    expect(page.get_by_role("heading", name="Re-assess the risk of “Control 0”")).to_be_visible()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"reassess-{size}")
        assert_accessible(page)
    page.set_viewport_size(SIZES["desktop"])
    page.get_by_label("Impact (1-5)").select_option("5")
    page.get_by_label("Likelihood (1-5)").select_option("5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nothing changed.")).to_be_visible()  # 5 × 5 already

    page.goto(page.url)
    page.get_by_role("link", name="Re-assess risk of Control 1").click()
    page.get_by_label("Likelihood (1-5)").select_option("3")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Re-assess risk of Control 1").click()
    page.get_by_label("Likelihood (1-5)").select_option("5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("the signed refusal no longer covers it")).to_be_visible()
    item = page.locator("li.list-group-item", has_text="Control 1")
    expect(item.get_by_text(re.compile("Basis changed"))).to_be_visible()
    expect(item.get_by_role("link", name="Re-acknowledge Control 1")).to_be_visible()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # Bootstrap's button colour transitions settle before axe reads contrast
        screenshot(page, f"client-basis-changed-{size}")
        assert_accessible(page)
