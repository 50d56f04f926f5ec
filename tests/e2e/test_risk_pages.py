import datetime
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import PracticeProfile, RiskSnapshot
from recommendations.demo.named import seeded_history
from recommendations.risk.services import clients_rescore_all, snapshots_take
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RecommendationFactory, UserFactory

ITEMS = [
    # title, likelihood, impact, status, days to target date or valid-until
    ("Multi-factor authentication for every account", 4, 5, "presented", None),
    ("Offsite, immutable backups", 3, 5, "refused", 45),
    ("Endpoint detection and response", 4, 4, "lapsed", -20),
    ("Security awareness training", 3, 3, "accepted", 30),
    ("Patch within 14 days", 3, 4, "deferred", None),
    ("Email filtering and DMARC", 4, 3, "implemented", None),
    ("Disk encryption on laptops", 2, 4, "withdrawn", None),
]


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_how_a_clients_score_is_made_and_how_scoring_works(page, screenshot):
    PracticeProfile.objects.update_or_create(id=1, defaults={"mailing_address": "1 Main St", "email": "a@msp.example"})
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    clinic = ClientFactory(name="Harbourview Family Clinic", industry="healthcare", holds_health_data=True, vcio=vcio)
    ContactFactory(client=clinic, name="Hélène Côté")
    AgreementFactory(client=clinic)
    today = timezone.localdate()
    for title, likelihood, impact, status, days in ITEMS:
        when = today + datetime.timedelta(days=days) if days is not None else None
        RecommendationFactory(
            client=clinic,
            title=title,
            likelihood=likelihood,
            impact=impact,
            status=status,
            valid_until=when if status in {"refused", "lapsed"} else None,
            target_date=when if status == "accepted" else None,
        )
    clients_rescore_all()
    clinic.refresh_from_db()
    # A year of the demo seed's made-up history, ending in today's real snapshot.
    RiskSnapshot.objects.bulk_create(
        RiskSnapshot(client=clinic, taken_on=day, score=score, band="high", coverage=coverage)
        for day, score, coverage in seeded_history(
            random.Random(3),
            score=clinic.risk_score,
            coverage=float(clinic.liability_coverage),
            today=today,
            days=365,
        )
    )
    snapshots_take(today=today)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("morgan")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/clients/{clinic.public_id}/")
    page.get_by_role("link", name="See how this score is made").click()

    expect(page.get_by_role("heading", name="How Harbourview Family Clinic’s risk score is made")).to_be_visible()
    expect(page.get_by_role("img", name="Risk score and liability coverage over the last 12 months")).to_be_visible()
    rows = page.locator("table.risk-table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Multi-factor authentication for every account")
    expect(rows.first).to_contain_text("Uncovered: presented, not signed")
    screenshot(page, "client-risk-breakdown")

    page.get_by_text("Not counted (2)").click()
    expect(page.get_by_text("Withdrawn: no longer recommended")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "client-risk-breakdown-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="How the score works").click()
    expect(page.get_by_role("heading", name="How the risk score works")).to_be_visible()
    expect(page.get_by_text("Critical 75 and above")).to_be_visible()
    screenshot(page, "scoring-help")
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_practice_admin_tunes_a_multiplier_and_a_typo_is_refused(page, screenshot):
    PracticeProfile.objects.update_or_create(id=1, defaults={"mailing_address": "1 Main St", "email": "a@msp.example"})
    UserFactory(username="ada", first_name="Ada", last_name="Admin", role=User.Role.ADMIN)
    clinic = ClientFactory(name="Harbourview Family Clinic", industry="healthcare")
    RecommendationFactory(client=clinic, likelihood=4, impact=4, status="presented")
    clients_rescore_all()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Practice").click()
    page.get_by_label("Healthcare", exact=True).fill("20")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Ensure this value is less than or equal to 10.")).to_be_visible()
    screenshot(page, "practice-override-typo")
    assert axe_violations(page) == []

    page.get_by_label("Healthcare", exact=True).fill("2")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Practice profile saved. Every client was rescored.")).to_be_visible()
    clinic.refresh_from_db()
    assert clinic.risk_score == 35  # 16 x 2 = 32: 100 x (1 - e^(-32/75)) = 34.7
    assert page.console_errors == []
