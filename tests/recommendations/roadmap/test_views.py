import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from recommendations.models import Recommendation
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, RecommendationFactory

NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
Status = Recommendation.Status


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


def roadmap_url(client):
    return reverse("roadmap:client", args=[client.public_id])


def move_url(item):
    return reverse("roadmap:move", args=[item.public_id])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_the_roadmap_page_shows_quarters_items_and_budget(vcio_client, client_record):
    RecommendationFactory(
        client=client_record,
        title="Offsite backups",
        target_quarter=datetime.date(2026, 4, 1),
        one_time_cost_cents=4800_00,
    )
    RecommendationFactory(
        client=client_record,
        title="EDR everywhere",
        status=Status.REFUSED,
        valid_until=datetime.date(2026, 5, 2),
        target_quarter=datetime.date(2026, 4, 1),
    )

    response = vcio_client.get(roadmap_url(client_record))

    assert response.status_code == 200
    page = response.content.decode()
    assert "FY2026 Q2" in page and "Offsite backups" in page and "4,800.00" in page
    assert "EDR everywhere" in page and "valid until 2026-05-02" in page


@pytest.mark.django_db
def test_the_roadmap_page_is_the_vcios_own(outsider_client, client_record):
    assert outsider_client.get(roadmap_url(client_record)).status_code == 404
    assert outsider_client.get(reverse("roadmap:client_csv", args=[client_record.public_id])).status_code == 404


@pytest.mark.django_db
def test_the_roadmap_page_needs_a_login(client, client_record):
    response = client.get(roadmap_url(client_record))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_roadmap_page_costs_the_same_queries_for_3_or_30_items(
    vcio_client, client_record, django_assert_max_num_queries
):
    def measure(count: int) -> int:
        RecommendationFactory.create_batch(count, client=client_record, target_quarter=datetime.date(2026, 4, 1))
        with django_assert_max_num_queries(100) as captured:
            assert vcio_client.get(roadmap_url(client_record)).status_code == 200
        return len(captured)

    few, many = measure(3), measure(27)

    assert few == many
    assert many <= 8


@pytest.mark.django_db
def test_a_move_without_javascript_redirects_back_with_a_message(vcio_client, client_record):
    item = RecommendationFactory(client=client_record, target_quarter=None)

    response = vcio_client.post(move_url(item), {"quarter": "2026-07-01"}, follow=True)

    item.refresh_from_db()
    assert item.target_quarter == datetime.date(2026, 7, 1)
    assert response.redirect_chain[-1][0] == roadmap_url(client_record)
    assert "moved to FY2026 Q3" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="recommendation.scheduled").count() == 1


@pytest.mark.django_db
def test_a_move_with_htmx_answers_with_the_board_alone(vcio_client, client_record):
    item = RecommendationFactory(client=client_record, title="Offsite backups", target_quarter=None)

    response = vcio_client.post(move_url(item), {"quarter": "2026-04-01"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="roadmap-board">') and "<html" not in page
    assert "“Offsite backups” moved to FY2026 Q2." in page


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["2031-01-01", "2025-01-01", "not-a-date", "2026-04-31"])
def test_a_move_to_a_quarter_not_offered_changes_nothing(vcio_client, client_record, quarter):
    item = RecommendationFactory(client=client_record, target_quarter=datetime.date(2026, 4, 1))

    response = vcio_client.post(move_url(item), {"quarter": quarter}, HTTP_HX_REQUEST="true")

    item.refresh_from_db()
    assert response.status_code == 200 and "Choose one of the quarters offered" in response.content.decode()
    assert item.target_quarter == datetime.date(2026, 4, 1)
    assert not AuditEvent.objects.filter(event_type="recommendation.scheduled").exists()


@pytest.mark.django_db
def test_moving_a_refused_item_is_refused_with_a_message(vcio_client, client_record):
    item = RecommendationFactory(
        client=client_record, status=Status.REFUSED, valid_until=datetime.date(2026, 6, 1), target_quarter=None
    )

    response = vcio_client.post(move_url(item), {"quarter": "2026-04-01"}, follow=True)

    item.refresh_from_db()
    assert item.target_quarter is None
    assert "cannot be moved" in response.content.decode()


@pytest.mark.django_db
def test_another_vcios_item_cannot_be_moved(outsider_client, client_record):
    item = RecommendationFactory(client=client_record, target_quarter=None)

    response = outsider_client.post(move_url(item), {"quarter": "2026-04-01"})

    item.refresh_from_db()
    assert response.status_code == 404 and item.target_quarter is None


@pytest.mark.django_db
def test_a_move_is_a_post(vcio_client, client_record):
    item = RecommendationFactory(client=client_record)

    assert vcio_client.get(move_url(item)).status_code == 405


@pytest.mark.django_db
def test_the_fiscal_year_form_sets_the_start_month_and_refuses_a_bad_one(vcio_client, client_record):
    url = reverse("roadmap:fiscal_year", args=[client_record.public_id])

    bad = vcio_client.post(url, {"start_month": "13"}, follow=True)
    client_record.refresh_from_db()
    assert client_record.fiscal_year_start_month == 1 and "January to December" in bad.content.decode()

    vcio_client.post(url, {"start_month": "7"})
    client_record.refresh_from_db()
    assert client_record.fiscal_year_start_month == 7


@pytest.mark.django_db
def test_the_client_csv_lists_every_item_with_exact_money(vcio_client, client_record):
    RecommendationFactory(
        client=client_record,
        title="=HYPERLINK(evil)",
        target_quarter=datetime.date(2026, 4, 1),
        one_time_cost_cents=1234_56,
        recurring_monthly_cost_cents=10_01,
        priority=1,
    )

    rows = csv_rows(vcio_client.get(reverse("roadmap:client_csv", args=[client_record.public_id])))

    header, [row] = rows[0], rows[1:]
    record = dict(zip(header, row, strict=True))
    assert record["Fiscal quarter"] == "FY2026 Q2" and record["Quarter starts"] == "2026-04-01"
    assert record["Recommendation"] == "'=HYPERLINK(evil)", "a formula is written as text"
    assert (record["One-time cost"], record["Recurring monthly cost"], record["Annualised cost"]) == (
        "1234.56",
        "10.01",
        "1354.68",
    )
    assert (record["Priority"], record["In budget"]) == ("High", "yes")


@pytest.mark.django_db
def test_the_pipeline_is_not_for_vcios(vcio_client):
    assert vcio_client.get(reverse("roadmap:pipeline")).status_code == 403
    assert vcio_client.get(reverse("roadmap:pipeline_csv")).status_code == 403


@pytest.mark.django_db
def test_the_pipeline_page_says_when_nothing_is_planned(manager_client):
    assert (
        "No work is planned in the coming quarters yet"
        in manager_client.get(reverse("roadmap:pipeline")).content.decode()
    )


@pytest.mark.django_db
def test_the_pipeline_page_and_csv_show_each_quarters_budget(
    manager_client, client_record, django_assert_max_num_queries
):
    other = ClientFactory(name="Northwind Legal")
    for client in (client_record, other):
        RecommendationFactory.create_batch(
            3, client=client, target_quarter=datetime.date(2026, 4, 1), one_time_cost_cents=100_00
        )

    with django_assert_max_num_queries(6):
        page = manager_client.get(reverse("roadmap:pipeline")).content.decode()
    rows = csv_rows(manager_client.get(reverse("roadmap:pipeline_csv")))

    assert "600.00" in page
    assert rows[1:] == [
        ["Harbourview Clinic", "2026 Q2", "2026-04-01", "3", "300.00", "0.00", "300.00"],
        ["Northwind Legal", "2026 Q2", "2026-04-01", "3", "300.00", "0.00", "300.00"],
    ]
