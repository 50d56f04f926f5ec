import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client, PracticeProfile, RiskSnapshot
from clients.practice_forms import MULTIPLIER_KEYS
from recommendations.models import TRANSITIONS, Recommendation
from recommendations.risk import services as risk_services
from recommendations.risk.scoring import score_client
from recommendations.risk.services import clients_rescore_all, practice_scoring_update, snapshots_take
from recommendations.risk.states import DEFAULT_CONFIG, INDUSTRIES, REGULATED_DATA
from recommendations.risk.trend import trend_chart
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of
from recommendations.services import (
    client_profile_update,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)
from recommendations.tasks import take_daily_risk_snapshots
from tests.factories import ClientFactory, RecommendationFactory

TODAY = datetime.date(2026, 3, 16)
DATA_FLAGS = [
    "holds_health_data",
    "holds_payment_card_data",
    "holds_personal_data",
    "holds_legal_privilege",
    "holds_financial_data",
]


@pytest.fixture(autouse=True)
def practice(db) -> PracticeProfile:
    """A complete practice profile: its service validates the whole row on every save."""
    profile = PracticeProfile.load()
    profile.mailing_address = "200 Front Street West\nToronto, ON"
    profile.email = "office@msp.example"
    profile.save()
    return profile


def fresh_score(client: Client, today: datetime.date | None = None):
    return score_client(
        scoring_items_for_client(client), sensitivity_of(client), today or timezone.localdate(), scoring_config()
    )


def cached(client: Client) -> tuple[int, str, Decimal]:
    client.refresh_from_db()
    return client.risk_score, client.risk_band, client.liability_coverage


def assert_cache_is_fresh(client: Client) -> tuple[int, str, Decimal]:
    score, band, coverage = cached(client)
    fresh = fresh_score(client)
    assert (score, band, coverage) == (fresh.score, fresh.band, Decimal(str(round(fresh.coverage, 1))))
    return score, band, coverage


def rec_data(title: str, likelihood: int, impact: int, **extra) -> dict:
    return {
        "title": title,
        "description": "What it is.",
        "why_it_matters": "Why it matters.",
        "consequences": "What can happen.",
        "likelihood": likelihood,
        "impact": impact,
        **extra,
    }


@pytest.mark.django_db
def test_every_service_that_changes_a_scoring_input_leaves_the_cached_score_equal_to_a_fresh_one(
    client_record, vcio, practice_admin
):
    later = timezone.localdate() + datetime.timedelta(days=90)
    walked_actions: set[str] = set()
    seen: list[tuple[int, str, Decimal]] = []

    def transition(recommendation, action, **kwargs):
        walked_actions.add(action)
        return recommendation_transition(actor=vcio, recommendation=recommendation, action=action, **kwargs)

    def step(label: str) -> None:
        try:
            seen.append(assert_cache_is_fresh(client_record))
        except AssertionError as error:
            raise AssertionError(f"cached score is stale after {label}") from error

    # Each step changes the score, band or coverage, so a service that forgot to rescore shows.
    mfa = recommendation_create(actor=vcio, client=client_record, control=None, data=rec_data("MFA", 4, 4))
    step("recommendation_create")  # a draft: 0, low, 100 %
    mfa = transition(mfa, "present")
    step("present")  # 16 x 1.5 = 24 -> 27
    recommendation_update(actor=vcio, recommendation=mfa, data={"likelihood": 3, "impact": 5})
    step("recommendation_update of likelihood and impact")  # 15 x 1.5 = 22.5 -> 26
    backups = recommendation_create(
        actor=vcio, client=client_record, control=None, data=rec_data("Backups", 3, 3, target_date=later)
    )
    backups = transition(transition(backups, "present"), "defer")
    step("defer")  # (15 + 9) x 1.5 = 36 -> 38
    backups = transition(backups, "present")
    mfa = transition(mfa, "refuse", valid_until=later)
    step("refuse")  # coverage 15 / 24
    backups = transition(backups, "accept")
    step("accept on schedule")  # (15 + 4.5) x 1.5 -> 32, coverage 100 %
    backups = transition(backups, "implement")
    step("implement")  # 15 x 1.5 -> 26
    edr = recommendation_create(actor=vcio, client=client_record, control=None, data=rec_data("EDR", 2, 3))
    edr = transition(edr, "present")
    step("present another")  # (15 + 6) x 1.5 -> 34, coverage 15 / 21
    transition(edr, "withdraw")
    step("withdraw")  # back to 26, 100 %
    dmarc = recommendation_create(actor=vcio, client=client_record, control=None, data=rec_data("DMARC", 4, 5))
    dmarc = transition(transition(dmarc, "present"), "refuse", valid_until=later)
    step("refuse a critical item")  # critical and fully open: at least 50
    dmarc = transition(dmarc, "lapse")
    step("lapse")  # coverage 15 / 35
    transition(dmarc, "accept")
    step("accept after a lapse")  # (15 + 10) x 1.5 = 37.5 -> 39, 100 %
    client_profile_update(actor=vcio, client=client_record, data={"industry": "retail", "holds_health_data": False})
    step("client_profile_update of industry and regulated data")  # 25 x 1 -> 28
    client_profile_update(actor=vcio, client=client_record, data={"holds_legal_privilege": True})
    step("client_profile_update of regulated data")  # 25 x 1.5 -> 39
    practice_scoring_update(actor=practice_admin, data={"multiplier_overrides": {"legal_privilege": 2.5}})
    step("practice_scoring_update of a multiplier")  # 25 x 2.5 = 62.5 -> 57, high
    practice_scoring_update(actor=practice_admin, data={"band_high_from": 30, "band_critical_from": 40})
    step("practice_scoring_update of band limits")  # 57 is now critical

    assert walked_actions == set(TRANSITIONS)
    assert all(before != after for before, after in zip(seen, seen[1:], strict=False)), seen


@pytest.mark.django_db
def test_rescore_clients_runs_the_same_number_of_queries_however_many_recommendations():
    clients = ClientFactory.create_batch(3)
    for client in clients:
        RecommendationFactory(client=client)

    def rescore_and_count() -> int:
        Client.objects.update(risk_score=0, risk_band="low", liability_coverage=100)
        with CaptureQueriesContext(connection) as queries:
            assert clients_rescore_all() == 3
        return len(queries)

    few = rescore_and_count()
    for client in clients:
        for status in ["presented", "refused", "accepted", "implemented", "deferred", "lapsed"] * 5:
            RecommendationFactory(client=client, status=status, likelihood=3, impact=3)
    many = rescore_and_count()

    assert Recommendation.objects.count() == 3 * 31
    # One batch: read the clients and their recommendations, then lock, write and stamp them in a
    # transaction of its own (savepoint pair here), and the practice's scoring settings once.
    assert many == few <= 9
    for client in clients:
        assert cached(client)[0] > 0
        assert_cache_is_fresh(client)


@pytest.mark.django_db
def test_the_rescore_clients_command_fixes_stale_scores_and_reports_count_and_time():
    stale = ClientFactory(industry="healthcare")
    RecommendationFactory(client=stale, likelihood=5, impact=5, status="presented")
    Client.objects.filter(pk=stale.pk).update(risk_score=3, risk_band="low", liability_coverage=100)
    out = StringIO()

    call_command("rescore_clients", stdout=out)

    # 25 x 1.5 = 37.5: 100 x (1 - e^(-0.5)) = 39, raised to 50 by the open critical item; nothing signed.
    assert cached(stale) == (50, "high", Decimal("0.0"))
    assert_cache_is_fresh(stale)
    assert "Rescored 1 clients in" in out.getvalue()


@pytest.mark.django_db
def test_the_rescore_clients_command_reports_progress_after_each_batch(monkeypatch):
    monkeypatch.setattr(risk_services, "BATCH_SIZE", 2)
    ClientFactory.create_batch(5)
    out = StringIO()

    call_command("rescore_clients", stdout=out)

    progress = [line.split(" clients")[0].strip() for line in out.getvalue().splitlines() if "rescored (" in line]
    assert progress == ["2 of 5", "4 of 5", "5 of 5"]
    assert "Rescored 5 clients in" in out.getvalue()


@pytest.mark.django_db
def test_a_snapshot_re_run_on_the_same_day_creates_no_duplicates_and_changes_nothing():
    first, second = ClientFactory.create_batch(2)
    RecommendationFactory(client=first, likelihood=4, impact=4, status="presented")
    RecommendationFactory(client=first, likelihood=2, impact=2, status="refused")

    assert snapshots_take(today=TODAY) == 2
    before = list(RiskSnapshot.objects.values_list("client_id", "taken_on", "score", "coverage", "components"))
    RecommendationFactory(client=first, likelihood=5, impact=5, status="presented")
    assert snapshots_take(today=TODAY) == 0

    assert list(RiskSnapshot.objects.values_list("client_id", "taken_on", "score", "coverage", "components")) == before
    assert snapshots_take(today=TODAY + datetime.timedelta(days=1)) == 2
    assert RiskSnapshot.objects.count() == 4


@pytest.mark.django_db
def test_a_snapshot_records_the_score_and_its_components():
    client = ClientFactory(industry="legal")
    RecommendationFactory(client=client, likelihood=4, impact=4, status="presented")
    RecommendationFactory(
        client=client, likelihood=3, impact=3, status="refused", valid_until=TODAY + datetime.timedelta(days=30)
    )
    RecommendationFactory(client=client, likelihood=2, impact=2, status="implemented")

    snapshots_take(today=TODAY)

    snapshot = RiskSnapshot.objects.get(client=client)
    # open exposure 16 + 9 = 25, x 1.5 = 37.5: 100 x (1 - e^(-0.5)) = 39.3 -> 39; covered 9/25 = 36 %
    assert (snapshot.taken_on, snapshot.score, snapshot.band, snapshot.coverage) == (
        TODAY,
        39,
        "moderate",
        Decimal("36.0"),
    )
    assert snapshot.total_exposure == 25
    assert snapshot.multiplier == 1.5
    assert snapshot.components == {
        "total_exposure": 25.0,
        "covered_exposure": 9.0,
        "uncovered_exposure": 24.0,  # the unsigned 16 x 1.5
        "multiplier": 1.5,
        "counts": {"covered_refusal": 1, "uncovered_unsigned": 1},
    }


@pytest.mark.django_db
def test_a_snapshot_refreshes_scores_that_drifted_with_time_and_skips_former_clients():
    client = ClientFactory()
    RecommendationFactory(
        client=client, likelihood=4, impact=4, status="refused", valid_until=TODAY + datetime.timedelta(days=5)
    )
    former = ClientFactory(status="former")
    snapshots_take(today=TODAY)
    assert cached(client)[2] == Decimal("100.0")

    snapshots_take(today=TODAY + datetime.timedelta(days=6))

    # The signed refusal expired with nobody touching it: coverage drops in the cache and the snapshot.
    assert cached(client)[2] == Decimal("0.0")
    assert RiskSnapshot.objects.get(client=client, taken_on=TODAY + datetime.timedelta(days=6)).coverage == 0
    assert not RiskSnapshot.objects.filter(client=former).exists()


@pytest.mark.django_db
def test_the_daily_task_takes_todays_snapshots_and_beat_schedules_it():
    ClientFactory.create_batch(2)

    assert take_daily_risk_snapshots.apply().get() == 2

    assert set(RiskSnapshot.objects.values_list("taken_on", flat=True)) == {timezone.localdate()}
    entry = settings.CELERY_BEAT_SCHEDULE["daily-risk-snapshot"]
    assert entry["task"] == take_daily_risk_snapshots.name
    assert take_daily_risk_snapshots.acks_late


@pytest.mark.django_db
def test_scoring_config_honours_the_practices_overrides_and_band_limits():
    PracticeProfile.objects.filter(id=1).update(
        multiplier_overrides={"healthcare": 2.0, "personal": 1.25},
        band_moderate_from=20,
        band_high_from=40,
        band_critical_from=60,
    )

    config = scoring_config()

    assert config.industry_multipliers["healthcare"] == 2.0
    assert config.data_multipliers["personal"] == 1.25
    assert config.industry_multipliers["legal"] == DEFAULT_CONFIG.industry_multipliers["legal"]
    assert config.data_multipliers["health"] == DEFAULT_CONFIG.data_multipliers["health"]
    assert config.band_limits == (20, 40, 60)


@pytest.mark.django_db
def test_scoring_config_refuses_an_override_for_something_it_does_not_know():
    PracticeProfile.objects.filter(id=1).update(multiplier_overrides={"helthcare": 2.0})

    with pytest.raises(ValueError, match="helthcare"):
        scoring_config()


@pytest.mark.django_db
def test_a_practice_scoring_change_rescores_every_client_and_other_changes_do_not(practice_admin):
    clinic = ClientFactory(industry="healthcare")
    shop = ClientFactory(industry="retail")
    for client in (clinic, shop):
        RecommendationFactory(client=client, likelihood=4, impact=4, status="presented")
    clients_rescore_all()
    assert cached(clinic)[:2] == (27, "moderate")  # 16 x 1.5 = 24: 100 x (1 - e^(-24/75)) = 27.4
    scored_at = Client.objects.get(pk=shop.pk).scored_at

    practice_scoring_update(actor=practice_admin, data={"legal_name": "Northstar IT"})
    assert Client.objects.get(pk=shop.pk).scored_at == scored_at

    changed = practice_scoring_update(
        actor=practice_admin, data={"multiplier_overrides": {"healthcare": 3.0}, "band_moderate_from": 15}
    )

    assert changed == ["band_moderate_from", "multiplier_overrides"]
    assert cached(clinic)[:2] == (47, "moderate")  # 16 x 3 = 48: 100 x (1 - e^(-48/75)) = 47.3
    assert cached(shop)[:2] == (19, "moderate")  # 16 x 1 = 16: 19.2, moderate from 15 now
    assert_cache_is_fresh(clinic)
    assert_cache_is_fresh(shop)


def test_the_trend_chart_places_points_on_a_twelve_month_axis():
    series = [
        (TODAY - datetime.timedelta(days=365), 80, Decimal("10.0")),
        (TODAY, 20, Decimal("90.0")),
    ]

    chart = trend_chart(series, today=TODAY, config=DEFAULT_CONFIG)

    # Plot spans x 34..946 and y 10..214; score 80 sits at 10 + 0.2 x 204, score 20 at 10 + 0.8 x 204.
    assert chart.score_points == "34.0,50.8 946.0,173.2"
    assert chart.coverage_points == "34.0,193.6 946.0,30.4"
    assert [band.band for band in chart.bands] == ["low", "moderate", "high", "critical"]
    assert [tick.label for tick in chart.y_ticks] == ["0", "25", "50", "75", "100"]
    assert [tick.label for tick in chart.x_ticks][:2] == ["Apr 2025", "May"]
    assert [tick.label for tick in chart.x_ticks][-3:] == ["Jan 2026", "Feb", "Mar"]
    assert len(chart.x_ticks) == 12
    assert chart.summary == "Risk score from 80 on 2025-03-16 to 20 on 2026-03-16; lowest 20, highest 80."
    assert trend_chart([], today=TODAY, config=DEFAULT_CONFIG) is None


@pytest.mark.django_db
def test_seed_demo_backfills_months_of_history_once(tmp_path):
    out = StringIO()
    call_command("seed_demo", "--clients", "2", "--recommendations", "4", stdout=out)

    today = timezone.localdate()
    for client in Client.objects.all():
        days = list(client.snapshots.order_by("taken_on").values_list("taken_on", flat=True))
        assert len(days) == 183
        assert days[0] == today - datetime.timedelta(days=182)
        assert days[-1] == today
        latest = client.snapshots.get(taken_on=today)
        assert latest.score == client.risk_score
    count = RiskSnapshot.objects.count()
    assert "Backfilled 182 days of risk history for 2 clients." in out.getvalue()

    call_command("seed_demo", "--clients", "2", "--recommendations", "4", stdout=StringIO())

    assert RiskSnapshot.objects.count() == count


def test_the_practice_form_accepts_overrides_for_exactly_what_the_model_scores():
    assert sorted(MULTIPLIER_KEYS) == sorted([*INDUSTRIES, *REGULATED_DATA])
    assert set(Client(**{flag: True for flag in DATA_FLAGS}).regulated_data) == set(REGULATED_DATA)


@pytest.mark.django_db
def test_seed_demo_gives_the_first_client_a_software_register_once():
    from clients.models import Software

    call_command("seed_demo", "--clients", "1", "--recommendations", "2", stdout=StringIO())
    call_command("seed_demo", "--clients", "1", "--recommendations", "2", stdout=StringIO())

    register = dict(Software.objects.values_list("name", "consent_status"))
    assert register == {
        "Atlas RMM agent": "given",
        "SentinelEdge EDR": "refused",
        "Helpline remote support": "none",
    }
    assert Software.objects.get(name="Atlas RMM agent").install_status == "installed"
