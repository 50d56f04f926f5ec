import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.models import Recommendation
from recommendations.roadmap.quarters import next_quarter, quarter_of
from riskreg.accounts.models import User
from riskreg.audit.models import AuditEvent
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.factories import ClientFactory, RecommendationFactory, UserFactory

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def plan(vcio):
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio, fiscal_year_start_month=2)
    current = quarter_of(timezone.localdate(), 2)
    following = next_quarter(current, 2)
    RecommendationFactory(
        client=client,
        title="Offsite immutable backups",
        target_quarter=current.start,
        one_time_cost_cents=4800_00,
        recurring_monthly_cost_cents=150_00,
        priority=1,
    )
    RecommendationFactory(
        client=client, title="Security awareness training", target_quarter=following.start, one_time_cost_cents=1200_00
    )
    RecommendationFactory(client=client, title="Disk encryption", target_quarter=None, likelihood=3, impact=3)
    RecommendationFactory(
        client=client,
        title="EDR on every endpoint",
        status=Recommendation.Status.REFUSED,
        valid_until=timezone.localdate() + timezone.timedelta(days=40),
        target_quarter=current.start,
    )
    return client, current, following


@pytest.mark.django_db(transaction=True)
def test_a_vcio_plans_the_roadmap_with_htmx_and_exports_it(page, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client, current, following = plan(vcio)
    page.set_viewport_size(DESKTOP)
    log_in(page, "vera")

    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("link", name="Roadmap").click()
    expect(page.get_by_role("heading", name="Roadmap and budget")).to_be_visible()
    current_column = page.get_by_role("region", name=current.label)
    expect(current_column).to_contain_text("Offsite immutable backups")
    expect(current_column).to_contain_text("4,800.00")
    expect(current_column).to_contain_text("EDR on every endpoint")
    expect(current_column).to_contain_text("Refused")
    screenshot(page, "roadmap-desktop")
    assert_accessible(page)

    url = page.url
    page.get_by_label("Move “Disk encryption” to").select_option(following.key)
    page.locator("form", has=page.get_by_label("Move “Disk encryption” to")).get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_have_text(f"“Disk encryption” moved to {following.label}.")
    expect(page.get_by_role("region", name=following.label)).to_contain_text("Disk encryption")
    assert page.url == url, "htmx swapped the board in place"
    assert AuditEvent.objects.filter(event_type="recommendation.scheduled").count() == 1
    screenshot(page, "roadmap-after-move")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    exported = download_info.value.path().read_text(encoding="utf-8")
    assert "Disk encryption" in exported and following.label in exported

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("heading", name="Roadmap and budget")).to_be_visible()
    screenshot(page, "roadmap-phone")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_move_works_without_javascript(browser, live_server, screenshot):
    vcio = UserFactory(username="vera", role=User.Role.VCIO)
    client, current, following = plan(vcio)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        log_in(page, "vera")
        page.goto(f"/clients/{client.public_id}/roadmap/")
        page.get_by_label("Move “Offsite immutable backups” to").select_option("")
        form = page.locator("form", has=page.get_by_label("Move “Offsite immutable backups” to"))
        form.get_by_role("button", name="Move").click()
        expect(page).to_have_url(re.compile(rf"/clients/{client.public_id}/roadmap/$"))
        expect(page.get_by_role("alert")).to_contain_text("“Offsite immutable backups” moved to not scheduled.")
        expect(page.get_by_role("region", name="Not scheduled")).to_contain_text("Offsite immutable backups")
        screenshot(page, "roadmap-no-js-after-move")
    finally:
        context.close()
    assert Recommendation.objects.get(title="Offsite immutable backups").target_quarter is None


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_budget_pipeline(page, screenshot):
    UserFactory(username="morgan", role=User.Role.MANAGER)
    page.set_viewport_size(DESKTOP)
    log_in(page, "morgan")
    page.goto("/roadmap/pipeline/")
    expect(page.get_by_text("No work is planned in the coming quarters yet")).to_be_visible()
    screenshot(page, "pipeline-empty")
    assert_accessible(page)

    vcio = UserFactory(username="vera", role=User.Role.VCIO)
    plan(vcio)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Budget pipeline").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("4,800.00")
    expect(table).to_contain_text("1,200.00")
    screenshot(page, "pipeline-desktop")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.reload()
    screenshot(page, "pipeline-phone")
    assert_accessible(page)
