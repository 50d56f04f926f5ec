import csv
import io
import re

import pytest
from playwright.sync_api import expect

from clients.models import RelationshipDecision, RiskSnapshot
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory
from tests.recommendations.dashboard.test_selectors import build_portfolio, days


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.django_db(transaction=True)
def test_a_manager_filters_drills_down_decides_and_exports(page, screenshot):
    manager = UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    other = UserFactory(username="victor", first_name="Victor", last_name="Nakamura", role=User.Role.VCIO)
    portfolio = build_portfolio(vcio=vcio, other_vcio=other, manager=manager)
    for client, scores in [(portfolio.alpha, [52, 61, 70, 80]), (portfolio.bravo, [75, 70, 62, 60])]:
        for offset, score in zip([-85, -60, -30, 0], scores, strict=True):
            RiskSnapshot.objects.create(client=client, taken_on=days(offset), score=score, band="high", coverage=50)

    page.goto("/")
    page.get_by_label("Username").fill("morgan")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Bravo Freight")
    expect(page.get_by_role("img", name="Score 52 to 80 over 85 days")).to_be_visible()
    screenshot(page, "dashboard-desktop")
    assert_accessible(page)

    page.get_by_label("Risk band", exact=True).select_option("critical")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"band=critical"))
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(2)  # header + Alpha
    expect(table).to_contain_text("Alpha Dental")
    expect(table).to_contain_text("Review needed")
    screenshot(page, "dashboard-critical")

    page.get_by_role("link", name="2 no longer signed for").click()
    expect(page.get_by_role("heading", name="Lapsed refusals")).to_be_visible()
    expect(page.get_by_text("Risk band: Critical")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Dana Signer")
    expect(rows.nth(1)).to_contain_text("30")
    screenshot(page, "lapsed-drill-down")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("riskreg-lapsed-")
    lines = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert lines[0] == ["Client", "Recommendation", "Risk level", "Signer", "Valid until", "Days overdue"]
    assert [line[1] for line in lines[1:]] == ["MFA", "Backups"]

    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(re.compile(r"band=critical"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    portfolio_csv = download_info.value.path().read_text(encoding="utf-8")
    assert "Alpha Dental" in portfolio_csv
    assert "Bravo Freight" not in portfolio_csv

    page.get_by_role("link", name="Record decision for Alpha Dental").click()
    expect(page.get_by_role("heading", name="Relationship decision for Alpha Dental")).to_be_visible()
    page.get_by_label("Continue with conditions").check()
    page.get_by_label("Next review").fill(days(-1).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("State the conditions the client must meet.")).to_be_visible()
    expect(page.get_by_text("Set the next review to a date after today.")).to_be_visible()
    screenshot(page, "decision-errors")
    assert_accessible(page)
    assert not RelationshipDecision.objects.filter(client=portfolio.alpha).exists()

    page.get_by_label("Conditions", exact=True).fill(
        "Enable MFA for every account within 60 days; quarterly backup restore test."
    )
    page.get_by_label("Next review").fill(days(90).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded for Alpha Dental")).to_be_visible()
    # A decision with conditions leads on to its page, to track each condition.
    expect(page.get_by_role("heading", name="Continue with conditions: Alpha Dental")).to_be_visible()
    page.get_by_role("link", name="Alpha Dental").click()
    expect(page.get_by_role("region", name="Relationship")).to_contain_text("Continue with conditions")
    screenshot(page, "client-with-decision")
    decision = RelationshipDecision.objects.get(client=portfolio.alpha)
    assert (decision.outcome, decision.manager, decision.next_review_on) == ("conditions", manager, days(90))

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("table")).not_to_contain_text("Review needed")
    expect(page.get_by_role("table")).to_contain_text("Continue with conditions")

    page.set_viewport_size({"width": 800, "height": 1000})
    page.reload()
    screenshot(page, "dashboard-tablet")
    assert_accessible(page)
    page.goto("/dashboard/due/?days=90")
    expect(page.get_by_role("heading", name="Refusals due within 90 days")).to_be_visible()
    screenshot(page, "due-tablet")
    assert_accessible(page)
    page.goto(f"/clients/{portfolio.charlie.public_id}/relationship/new/")
    screenshot(page, "decision-form-tablet")
    assert_accessible(page)
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_vcio_sees_only_their_own_portfolio(page, screenshot):
    manager = UserFactory(username="morgan", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    other = UserFactory(username="victor", role=User.Role.VCIO)
    build_portfolio(vcio=vcio, other_vcio=other, manager=manager)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_text("Your active and offboarding clients")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Alpha Dental")
    expect(page.get_by_role("table")).not_to_contain_text("Bravo Freight")
    expect(page.get_by_label("vCIO")).to_have_count(0)
    screenshot(page, "vcio-dashboard")
    assert_accessible(page)
