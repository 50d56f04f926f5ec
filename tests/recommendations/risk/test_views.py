import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, PracticeProfile, RiskSnapshot
from recommendations.risk.services import clients_rescore_all
from riskreg.audit.models import AuditEvent
from tests.factories import RecommendationFactory


@pytest.fixture(autouse=True)
def practice(db) -> PracticeProfile:
    profile = PracticeProfile.load()
    profile.mailing_address = "200 Front Street West\nToronto, ON"
    profile.email = "office@msp.example"
    profile.save()
    return profile


def risk_url(client: Client) -> str:
    return reverse("register:client_risk", args=[client.public_id])


def practice_form(**changes) -> dict:
    data = {
        "legal_name": "Northstar Managed IT Inc.",
        "mailing_address": "200 Front Street West\nToronto, ON",
        "email": "office@msp.example",
        "phone": "",
        "website": "",
        "request_valid_days": 14,
        "cadence_critical_days": 90,
        "cadence_high_days": 90,
        "cadence_moderate_days": 180,
        "cadence_low_days": 365,
        "cadence_very_low_days": 365,
        "lapse_grace_days": 14,
        "retention_years": 7,
        "review_threshold_score": 50,
        "review_basis": "score",
        "review_threshold_uncovered": "20",
        "basis_change_reack": "offer",
        "band_moderate_from": 25,
        "band_high_from": 50,
        "band_critical_from": 75,
        "heads_up_days": "30,7,1",
        "request_reminder_days": "3,7",
    }
    return {**data, **changes}


def text_of(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.fixture
def scored_client(client_record):
    """Harbourview (healthcare, health data: x1.5) with one item in each interesting state."""
    today = timezone.localdate()
    RecommendationFactory(client=client_record, title="Phishing-resistant MFA", likelihood=4, impact=5)
    RecommendationFactory(
        client=client_record,
        title="Offsite backups",
        likelihood=3,
        impact=4,
        status="refused",
        valid_until=today + datetime.timedelta(days=30),
    )
    RecommendationFactory(
        client=client_record,
        title="Disk encryption",
        likelihood=2,
        impact=4,
        status="accepted",
        target_date=today + datetime.timedelta(days=10),
    )
    RecommendationFactory(client=client_record, title="Email filtering", likelihood=4, impact=4, status="implemented")
    clients_rescore_all()
    client_record.refresh_from_db()
    return client_record


@pytest.mark.django_db
def test_the_breakdown_explains_score_multiplier_and_every_item_by_contribution(vcio_client, scored_client):
    response = vcio_client.get(risk_url(scored_client))

    assert response.status_code == 200
    page = text_of(response)
    # open exposure 20 + 12 + 8 x 0.5 = 36; x 1.5 = 54: 100 x (1 - e^(-54/75)) = 51.3 -> 51, high
    assert "Risk score 51 High" in page
    # covered: the current refusal (12) and the on-schedule acceptance (4) of 36
    assert "Liability coverage 44.4 %" in page
    assert "Industry: Healthcare: ×1.5 (applies)" in page
    assert "Holds health information: ×1.5" in page
    assert "Open exposure 36 × 1.5 = 54" in page
    rows = re.findall(r"<tr>\s*<td><a href=\"/recommendations/[0-9a-f-]+/\">([^<]+)</a>", response.content.decode())
    assert rows == ["Phishing-resistant MFA", "Offsite backups", "Disk encryption"]
    assert "4 × 5 = 20 1 20 Uncovered: presented, not signed 55.6 %" in page
    assert "3 × 4 = 12 1 12 Covered: signed refusal, still current 33.3 %" in page
    assert "2 × 4 = 8 0.5 4 Covered: accepted, on schedule 11.1 %" in page
    assert "Presented but not yet signed by the client" in page
    assert "Not counted (1)" in page
    assert "Implemented, so it adds no exposure." in page
    assert reverse("register:scoring_help") in response.content.decode()


@pytest.mark.django_db
def test_the_breakdown_draws_the_last_twelve_months_as_inline_svg_without_inline_styles(vcio_client, scored_client):
    today = timezone.localdate()
    RiskSnapshot.objects.bulk_create(
        RiskSnapshot(
            client=scored_client,
            taken_on=today - datetime.timedelta(days=n),
            score=40 + n % 20,
            band="moderate",
            coverage=50,
        )
        for n in range(0, 400, 5)
    )

    response = vcio_client.get(risk_url(scored_client))

    html = response.content.decode()
    assert '<svg class="trend-chart"' in html
    points = re.search(r'<polyline class="trend-score" points="([^"]+)"', html).group(1).split()
    assert len(points) == 73  # one every 5 days inside the last 365, older ones left out
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_a_client_without_history_says_so_instead_of_an_empty_chart(vcio_client, scored_client):
    response = vcio_client.get(risk_url(scored_client))

    assert "No history yet" in text_of(response)
    assert "trend-chart" not in response.content.decode()


@pytest.mark.django_db
def test_the_client_page_links_to_its_score_breakdown(vcio_client, scored_client):
    response = vcio_client.get(reverse("register:client_detail", args=[scored_client.public_id]))

    assert f'href="{risk_url(scored_client)}">See how this score is made' in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_vcio_gets_404_for_someone_elses_breakdown(outsider_client, scored_client):
    assert outsider_client.get(risk_url(scored_client)).status_code == 404


@pytest.mark.django_db
def test_a_manager_sees_any_breakdown_and_anonymous_visitors_are_sent_to_log_in(client, manager, scored_client):
    response = client.get(risk_url(scored_client))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(reverse("register:scoring_help")).status_code == 302

    client.force_login(manager)
    assert client.get(risk_url(scored_client)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("items", [1, 40])
def test_the_breakdown_query_count_does_not_grow_with_items_or_history(
    vcio_client, client_record, items, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(items):
        RecommendationFactory(client=client_record, likelihood=1 + n % 5, impact=1 + n % 3, status="presented")
    RiskSnapshot.objects.bulk_create(
        RiskSnapshot(
            client=client_record, taken_on=today - datetime.timedelta(days=n), score=30, band="moderate", coverage=0
        )
        for n in range(items * 5)
    )

    with django_assert_max_num_queries(6):
        response = vcio_client.get(risk_url(client_record))

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_scoring_help_page_shows_the_practices_live_settings(vcio_client, practice):
    practice.band_moderate_from, practice.band_high_from, practice.band_critical_from = 20, 45, 70
    practice.multiplier_overrides = {"healthcare": 1.75}
    practice.cadence_critical_days = 60
    practice.save()

    response = vcio_client.get(reverse("register:scoring_help"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Low below 20" in page
    assert "Moderate 20 to 44" in page
    assert "Critical 70 and above" in page
    assert "Healthcare ×1.75" in page
    assert "Health information ×1.5" in page
    assert "Critical 60 days" in page
    assert "÷ 75" in page
    # A signed critical refusal at a retailer: 25 x 1 = 25 -> 28, raised to the floor of 50, covered.
    assert "25 × 1 = 25; 100 × (1 − e^(−25 ÷ 75)) ≈ 28, raised to 50 because a critical item is fully open 50" in page


@pytest.mark.django_db
def test_saving_scoring_settings_rescores_every_client(client, practice_admin, scored_client):
    client.force_login(practice_admin)

    response = client.post(
        reverse("register:practice_profile"), practice_form(multiplier_healthcare="2", multiplier_health="2")
    )

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    scored_client.refresh_from_db()
    # 36 x 2 = 72: 100 x (1 - e^(-72/75)) = 61.7 -> 62
    assert scored_client.risk_score == 62
    assert PracticeProfile.load().multiplier_overrides == {"healthcare": 2.0, "health": 2.0}
    assert AuditEvent.objects.filter(event_type="practice.updated").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"multiplier_personal": "0"}, "Ensure this value is greater than or equal to 0.1"),
        ({"multiplier_personal": "-1.2"}, "Ensure this value is greater than or equal to 0.1"),
        ({"multiplier_personal": "high"}, "Enter a number."),
        ({"multiplier_healthcare": "11"}, "Ensure this value is less than or equal to 10"),
        ({"heads_up_days": "thirty"}, "Enter whole numbers of days separated by commas"),
        ({"heads_up_days": ""}, "This field is required."),
        ({"request_reminder_days": "3,0"}, "Each number of days must be from 1 to 365."),
        ({"request_reminder_days": "3,400"}, "Each number of days must be from 1 to 365."),
        ({"band_high_from": 80}, "Band limits must rise"),
    ],
)
def test_bad_scoring_settings_are_rejected_with_a_message_and_nothing_is_saved(
    client, practice_admin, scored_client, changes, message
):
    client.force_login(practice_admin)
    score_before = scored_client.risk_score

    response = client.post(reverse("register:practice_profile"), practice_form(legal_name="Renamed IT", **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    profile = PracticeProfile.load()
    assert (profile.legal_name, profile.multiplier_overrides, profile.band_high_from) == ("Your MSP Ltd.", {}, 50)
    assert not AuditEvent.objects.filter(event_type="practice.updated").exists()
    scored_client.refresh_from_db()
    assert scored_client.risk_score == score_before


@pytest.mark.django_db
def test_only_practice_admins_change_scoring_settings(client, vcio, manager):
    for user in (vcio, manager):
        client.force_login(user)
        response = client.post(reverse("register:practice_profile"), practice_form(band_high_from=40))
        assert response.status_code == 403
    assert PracticeProfile.load().band_high_from == 50


@pytest.mark.django_db
def test_practice_settings_save_the_heads_up_and_reminder_days_the_sweep_uses(client, practice_admin):
    from recommendations.reack.core import ladder_of

    client.force_login(practice_admin)

    response = client.post(
        reverse("register:practice_profile"), practice_form(heads_up_days="14, 60 ,3", request_reminder_days="5,2")
    )

    assert response.status_code == 302
    profile = PracticeProfile.load()
    assert (profile.heads_up_days, profile.request_reminder_days) == ("60,14,3", "2,5")
    assert ladder_of(profile).heads_up == (3, 14, 60) and ladder_of(profile).reminders == (2, 5)


@pytest.mark.django_db
def test_a_blank_multiplier_goes_back_to_the_default(client, practice_admin):
    practice = PracticeProfile.load()
    practice.multiplier_overrides = {"healthcare": 1.75, "personal": 1.2}
    practice.save()
    client.force_login(practice_admin)

    client.post(reverse("register:practice_profile"), practice_form(multiplier_personal="1.2"))

    assert PracticeProfile.load().multiplier_overrides == {"personal": 1.2}


@pytest.mark.django_db
def test_the_practice_settings_page_groups_real_fields_with_plain_labels(client, practice_admin):
    practice = PracticeProfile.load()
    practice.multiplier_overrides = {"healthcare": 1.75}
    practice.save()
    client.force_login(practice_admin)

    page = client.get(reverse("register:practice_profile")).content.decode()

    legends = ("Letterhead and contact details", "Re-acknowledgment reminders", "Sensitivity multipliers by industry")
    for legend in legends:
        assert f">{legend}</legend>" in page
    assert "Heads-up before a refusal expires (days)" in page and 'value="30,7,1"' in page
    assert 'name="multiplier_healthcare"' in page and 'value="1.75"' in page
    assert 'placeholder="1.5"' in page  # the built-in default for an unset multiplier
    assert "Multiplier overrides" not in page and "multiplier_overrides" not in page
