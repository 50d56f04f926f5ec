"""Dashboard pages, drill-downs, CSV exports and the relationship-decision form."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import PracticeProfile, RelationshipDecision, RiskSnapshot
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.recommendations.dashboard.test_selectors import (
    build_portfolio,
    days,
    make_decision,
    make_request,
    make_software,
)

KINDS = ["lapsed", "due", "unsigned", "review", "overdue-reviews", "no-consent", "clients"]


@pytest.fixture
def portfolio(vcio, outsider, manager):
    return build_portfolio(vcio=vcio, other_vcio=outsider, manager=manager)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def populate(size: int, *, vcio, manager) -> None:
    """`size` clients, each with something in every drill-down list and a trend."""
    PracticeProfile.load()  # exists in any running practice; creating it is not the page's cost
    for index in range(size):
        client = ClientFactory(name=f"Firm {index:03d}", vcio=vcio, risk_score=60 + index % 40, risk_band="high")
        signer = ContactFactory(client=client)
        lapsed = RecommendationFactory(client=client, status="lapsed", valid_until=days(-20))
        RecommendationFactory(client=client, status="refused", valid_until=days(20))
        make_request(client, signer, status="completed", sent_days_ago=200, recommendations=[lapsed])
        make_request(client, signer, status="sent", sent_days_ago=9)
        make_software(client)
        make_decision(client, manager, next_review_on=days(-2))
        for offset in (-60, -30, 0):
            RiskSnapshot.objects.create(client=client, taken_on=days(offset), score=50, band="high", coverage=50)


# The dashboard page


@pytest.mark.django_db
def test_the_dashboard_shows_each_headline_figure_linked_to_its_list(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["headline"].lapsed == 3
    for kind in ["lapsed", "unsigned", "review", "overdue-reviews", "no-consent"]:
        assert f'href="{reverse("register:dashboard_list", args=[kind])}"' in page
    assert f'href="{reverse("register:dashboard_list", args=["due"])}?days=90"' in page
    assert f'href="{reverse("register:dashboard_list", args=["clients"])}?band=critical"' in page
    assert "weighted by its risk score" in page


@pytest.mark.django_db
def test_the_dashboard_ranks_clients_by_score_and_flags_reviews(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard"))

    names = [client.name for client in response.context["rows"]]
    page = response.content.decode()
    assert names == ["Alpha Dental", "Bravo Freight", "Charlie Law", "Foxtrot Farms", "Delta Books"]
    assert page.count("Review needed") == 1  # Alpha; Charlie shows as overdue instead
    assert page.count("Review overdue") == 2
    assert reverse("register:relationship_create", args=[portfolio.alpha.public_id]) in page


@pytest.mark.django_db
def test_a_vcio_dashboard_shows_only_their_own_clients_and_no_decision_links(vcio_client, portfolio):
    response = vcio_client.get(reverse("register:dashboard"))

    page = response.content.decode()
    assert [client.name for client in response.context["rows"]] == ["Alpha Dental", "Charlie Law", "Foxtrot Farms"]
    assert "Bravo Freight" not in page
    assert 'id="id_vcio"' not in page
    assert "/relationship/new/" not in page


@pytest.mark.django_db
def test_filters_and_sorting_stay_in_the_links(manager_client, portfolio, settings):
    settings.RISKREG_PAGE_SIZE = 1

    response = manager_client.get(reverse("register:dashboard"), {"band": "high", "sort": "coverage"})

    page = response.content.decode()
    assert [client.name for client in response.context["rows"]] == ["Bravo Freight"]
    assert "?band=high&amp;sort=coverage&page=2" in page
    assert f'href="{reverse("register:dashboard_list", args=["lapsed"])}?band=high"' in page
    assert f'href="{reverse("register:dashboard_csv")}?band=high&amp;sort=coverage"' in page
    assert f'href="{reverse("register:dashboard")}?band=high&amp;sort=name"' in page


@pytest.mark.django_db
def test_the_vcio_filter_uses_the_username(manager_client, portfolio, outsider):
    response = manager_client.get(reverse("register:dashboard"), {"vcio": outsider.username})

    assert [client.name for client in response.context["rows"]] == ["Bravo Freight", "Delta Books"]


@pytest.mark.django_db
def test_an_unknown_filter_value_is_ignored_not_an_error(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard"), {"band": "purple", "vcio": "nobody", "page": "x"})

    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


@pytest.mark.django_db
def test_a_client_with_snapshots_gets_a_sparkline(manager_client, portfolio):
    for offset, score in [(-60, 40), (0, 80)]:
        RiskSnapshot.objects.create(client=portfolio.alpha, taken_on=days(offset), score=score, band="high", coverage=1)

    page = manager_client.get(reverse("register:dashboard")).content.decode()

    assert '<polyline class="sparkline-line sparkline-up" points="33.3,14.0 100.0,6.0"/>' in page
    assert 'aria-label="Score 40 to 80 over 60 days"' in page
    assert "No history yet" in page  # the other clients


@pytest.mark.django_db
def test_the_dashboard_has_no_inline_styles(manager_client, portfolio):
    page = manager_client.get(reverse("register:dashboard")).content.decode()

    assert "style=" not in page
    assert "<style" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_query_count_does_not_grow_with_clients(
    manager_client, vcio, manager, size, django_assert_max_num_queries
):
    populate(size, vcio=vcio, manager=manager)

    # Ten, one for the risk-versus-value chart only managers see, one for the briefings due.
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("register:dashboard"))

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(size, 25)
    assert all(client.trend for client in response.context["rows"])


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_a_vcio_dashboard_query_count_does_not_grow_with_clients(
    vcio_client, vcio, manager, size, django_assert_max_num_queries
):
    populate(size, vcio=vcio, manager=manager)

    # 9, and 1 for the briefings due (issue 23)
    with django_assert_max_num_queries(10):
        response = vcio_client.get(reverse("register:dashboard"))

    assert response.status_code == 200


# Drill-downs


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", [3, 30])
def test_each_drill_down_query_count_does_not_grow_with_clients(
    manager_client, vcio, manager, kind, size, django_assert_max_num_queries
):
    populate(size, vcio=vcio, manager=manager)

    with django_assert_max_num_queries(5):
        response = manager_client.get(reverse("register:dashboard_list", args=[kind]))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.django_db
def test_the_lapsed_list_shows_client_item_signer_and_days_overdue(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard_list", args=["lapsed"]))

    rows = [[cell.text for cell in row] for row in response.context["rows"]]
    assert rows == [
        ["Delta Books", "Delta lapsed", "Critical", "—", days(-60).isoformat(), "60"],
        ["Alpha Dental", "MFA", "Critical", "Dana Signer", days(-30).isoformat(), "30"],
        ["Alpha Dental", "Backups", "Critical", "—", days(-20).isoformat(), "20"],
    ]
    assert response.context["rows"][0][0].href == reverse("register:client_detail", args=[portfolio.delta.public_id])


@pytest.mark.django_db
def test_the_due_list_follows_its_window(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard_list", args=["due"]), {"days": "60"})

    assert [row[1].text for row in response.context["rows"]] == ["Due in grace", "Due 10", "Due 45"]
    assert [row[-1].text for row in response.context["rows"]] == ["-3", "10", "45"]
    assert "Refusals due within 60 days" in response.content.decode()


@pytest.mark.django_db
def test_a_drill_down_keeps_the_dashboard_filters(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard_list", args=["lapsed"]), {"industry": "retail"})

    assert [row[1].text for row in response.context["rows"]] == ["Delta lapsed"]
    assert "Industry: Retail and hospitality" in response.content.decode()


@pytest.mark.django_db
def test_a_vcio_drill_down_lists_only_their_clients(vcio_client, portfolio):
    response = vcio_client.get(reverse("register:dashboard_list", args=["unsigned"]))

    assert [row[0].text for row in response.context["rows"]] == ["Alpha Dental"]
    assert "Action" not in [header for header, _ in response.context["headers"]]


@pytest.mark.django_db
def test_the_review_list_offers_managers_a_decision_link(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard_list", args=["review"]))

    assert [row[0].text for row in response.context["rows"]] == ["Alpha Dental", "Charlie Law"]
    assert response.context["rows"][0][-1].href == reverse(
        "register:relationship_create", args=[portfolio.alpha.public_id]
    )


@pytest.mark.django_db
def test_an_unknown_drill_down_is_not_found(manager_client):
    assert manager_client.get(reverse("register:dashboard_list", args=["secrets"])).status_code == 404
    assert manager_client.get(reverse("register:dashboard_list_csv", args=["secrets"])).status_code == 404


@pytest.mark.django_db
def test_the_dashboard_requires_a_login(client):
    response = client.get(reverse("register:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# CSV exports


@pytest.mark.django_db
def test_the_portfolio_csv_streams_the_filtered_table(manager_client, portfolio):
    response = manager_client.get(reverse("register:dashboard_csv"), {"band": "high"})

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="riskreg-portfolio-')
    assert rows[0][:8] == ["Client", "Industry", "Service tier", "Status", "vCIO", "Score", "Band", "Coverage %"]
    assert [row[0] for row in rows[1:]] == ["Bravo Freight", "Charlie Law"]
    charlie = dict(zip(rows[0], rows[2], strict=True))
    assert charlie["Last decision"] == "Continue"
    assert charlie["Next review"] == days(-5).isoformat()
    assert (charlie["Review needed"], charlie["Review overdue"]) == ("yes", "yes")


@pytest.mark.django_db
def test_the_lapsed_csv_lists_every_row_without_the_page_links(manager_client, portfolio, settings):
    settings.RISKREG_PAGE_SIZE = 1

    rows = csv_rows(manager_client.get(reverse("register:dashboard_list_csv", args=["lapsed"])))

    assert rows == [
        ["Client", "Recommendation", "Risk level", "Signer", "Valid until", "Days overdue"],
        ["Delta Books", "Delta lapsed", "Critical", "", days(-60).isoformat(), "60"],
        ["Alpha Dental", "MFA", "Critical", "Dana Signer", days(-30).isoformat(), "30"],
        ["Alpha Dental", "Backups", "Critical", "", days(-20).isoformat(), "20"],
    ]


@pytest.mark.django_db
def test_the_review_csv_has_no_action_column(manager_client, portfolio):
    rows = csv_rows(manager_client.get(reverse("register:dashboard_list_csv", args=["review"])))

    assert "Action" not in rows[0]
    assert [row[0] for row in rows[1:]] == ["Alpha Dental", "Charlie Law"]


@pytest.mark.django_db
def test_a_client_name_cannot_run_as_a_spreadsheet_formula(manager_client, manager):
    ClientFactory(name='=HYPERLINK("http://evil.example")', risk_score=10)

    rows = csv_rows(manager_client.get(reverse("register:dashboard_csv")))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.django_db
def test_a_vcio_csv_holds_only_their_clients(vcio_client, portfolio):
    rows = csv_rows(vcio_client.get(reverse("register:dashboard_csv")))

    assert [row[0] for row in rows[1:]] == ["Alpha Dental", "Charlie Law", "Foxtrot Farms"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [None, *KINDS])
@pytest.mark.parametrize("size", [3, 30])
def test_each_csv_export_query_count_does_not_grow_with_clients(
    manager_client, vcio, manager, kind, size, django_assert_max_num_queries
):
    populate(size, vcio=vcio, manager=manager)
    url = reverse("register:dashboard_list_csv", args=[kind]) if kind else reverse("register:dashboard_csv")

    with django_assert_max_num_queries(4):
        rows = csv_rows(manager_client.get(url))

    assert len(rows) == size + 1


# Relationship decisions


def decision_url(client) -> str:
    return reverse("register:relationship_create", args=[client.public_id])


@pytest.mark.django_db
def test_a_manager_records_a_decision_with_conditions(manager_client, client_record, manager):
    response = manager_client.post(
        decision_url(client_record),
        {"outcome": "conditions", "conditions": "Enable MFA by June.", "next_review_on": days(90).isoformat()},
    )

    decision = RelationshipDecision.objects.get()
    assert response.status_code == 302
    # On to the decision's page, to add each condition as a tracked item.
    assert response["Location"] == reverse("relationship:decision_conditions", args=[decision.public_id])
    assert (decision.client, decision.manager, decision.outcome) == (client_record, manager, "conditions")
    assert decision.next_review_on == days(90)
    assert AuditEvent.objects.filter(event_type="relationship.decided", scope=client_record.scope).count() == 1


@pytest.mark.django_db
def test_offboarding_from_the_form_marks_the_client_offboarding(manager_client, client_record):
    manager_client.post(decision_url(client_record), {"outcome": "offboard", "next_review_on": days(30).isoformat()})

    client_record.refresh_from_db()
    assert client_record.status == "offboarding"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "conditions", "conditions": " ", "next_review_on": 30}, "State the conditions"),
        ({"outcome": "continue", "next_review_on": -1}, "after today"),
        ({"outcome": "continue", "next_review_on": 0}, "after today"),
        ({"outcome": "continue"}, "This field is required"),
        ({"outcome": "stay-forever", "next_review_on": 30}, "Select a valid choice"),
    ],
)
def test_an_invalid_decision_shows_the_error_and_changes_nothing(manager_client, client_record, data, message):
    if "next_review_on" in data:
        data = {**data, "next_review_on": days(data["next_review_on"]).isoformat()}

    response = manager_client.post(decision_url(client_record), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RelationshipDecision.objects.exists()
    assert not AuditEvent.objects.filter(event_type="relationship.decided").exists()
    client_record.refresh_from_db()
    assert client_record.status == "active"


@pytest.mark.django_db
def test_a_vcio_may_not_record_a_decision_on_their_own_client(vcio_client, client_record):
    assert vcio_client.get(decision_url(client_record)).status_code == 403
    response = vcio_client.post(decision_url(client_record), {"outcome": "offboard", "next_review_on": "2099-01-01"})

    assert response.status_code == 403
    assert not RelationshipDecision.objects.exists()


@pytest.mark.django_db
def test_an_outsider_gets_not_found_for_another_vcios_client(outsider_client, client_record):
    assert outsider_client.get(decision_url(client_record)).status_code == 404
    assert outsider_client.post(decision_url(client_record), {"outcome": "continue"}).status_code == 404


@pytest.mark.django_db
def test_the_decision_form_shows_where_the_client_stands(manager_client, client_record):
    response = manager_client.get(decision_url(client_record))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Relationship decision for Harbourview Clinic" in page
    assert "No relationship decision recorded yet." in page


@pytest.mark.django_db
def test_the_client_page_lists_decision_history_and_flags_a_needed_review(manager_client, client_record, manager):
    client_record.risk_score = 70
    client_record.save()
    make_decision(client_record, manager, decided_on=days(-200), next_review_on=days(-100), outcome="conditions")

    page = manager_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert "Review overdue" in page
    assert "Conditions: Turn on MFA within 30 days." in page
    assert decision_url(client_record) in page


@pytest.mark.django_db
def test_a_vcio_sees_the_history_but_no_decision_button(vcio_client, client_record, manager):
    make_decision(client_record, manager, next_review_on=days(60))

    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert f"next review {days(60).isoformat()}" in page
    assert decision_url(client_record) not in page


@pytest.mark.django_db
def test_the_client_page_query_count_does_not_grow_with_decisions(manager_client, client_record, manager):
    """Relative, not absolute: other sections of the page pin their own queries."""
    url = reverse("register:client_detail", args=[client_record.public_id])
    make_decision(client_record, manager, decided_on=days(-400), next_review_on=days(-300))
    manager_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        manager_client.get(url)
    for index in range(11):
        make_decision(client_record, manager, decided_on=days(-399 + index), next_review_on=days(30 + index))

    with CaptureQueriesContext(connection) as twelve:
        response = manager_client.get(url)

    assert len(response.context["relationship"].decisions) == 12
    assert len(twelve.captured_queries) == len(one.captured_queries)


# Landing and navigation


@pytest.mark.django_db
def test_managers_land_on_the_dashboard_and_vcios_on_their_clients(manager_client, vcio, client):
    assert manager_client.get("/")["Location"] == reverse("register:dashboard")
    client.force_login(vcio)
    assert client.get("/")["Location"] == reverse("clients:list")


@pytest.mark.django_db
def test_the_home_page_sends_a_visitor_to_log_in_and_back(client):
    assert client.get("/")["Location"] == reverse("login") + "?next=/"


@pytest.mark.django_db
def test_every_staff_member_has_the_dashboard_in_the_navigation(vcio_client):
    page = vcio_client.get(reverse("clients:list")).content.decode()

    assert f'href="{reverse("register:dashboard")}">Dashboard</a>' in page
