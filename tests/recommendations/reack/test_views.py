"""Staff pages for re-acknowledgment: the portfolio list, the client section and "send now"."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recommendations import reack
from recommendations.models import DecisionRequest, ReackStep
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.recommendations.reack.test_sweep import refuse_through_signing

DAY = datetime.timedelta(days=1)
LIST = reverse("register:reack")


def refusal(client, *, due_in: int, status: str = "refused", title: str = ""):
    return RecommendationFactory(
        client=client,
        status=status,
        title=title or f"Refusal due in {due_in} days",
        valid_until=timezone.localdate() + due_in * DAY,
    )


def listed(response) -> list[str]:
    return [row.recommendation.title for row in response.context["rows"]]


def send_url(client) -> str:
    return reverse("register:reack_send", args=[client.public_id])


# The portfolio page


@pytest.mark.django_db
def test_coming_due_lists_refusals_inside_the_chosen_window(vcio_client, client_record):
    refusal(client_record, due_in=10, title="Soon")
    refusal(client_record, due_in=45, title="Later")
    refusal(client_record, due_in=0, title="Today")

    thirty = vcio_client.get(LIST)
    sixty = vcio_client.get(LIST, {"tab": "due", "days": "60"})

    assert listed(thirty) == ["Soon"]
    assert listed(sixty) == ["Soon", "Later"]
    assert sixty.context["window"] == 60


@pytest.mark.django_db
def test_awaiting_lists_refusals_due_and_those_with_a_request_out(vcio_client, client_record, vcio):
    refusal(client_record, due_in=-3, title="Overdue")
    early = refusal(client_record, due_in=20, title="Sent early")
    refusal(client_record, due_in=20, title="Not yet")
    reack.reack_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[early]
    )

    response = vcio_client.get(LIST, {"tab": "awaiting"})
    due = vcio_client.get(LIST, {"tab": "due"})

    assert listed(response) == ["Overdue", "Sent early"]
    assert listed(due) == ["Not yet"]
    assert "Request sent" in response.content.decode()
    assert response.context["tabs"][1][2] == 2


@pytest.mark.django_db
def test_lapsed_lists_lapsed_refusals(vcio_client, client_record):
    refusal(client_record, due_in=-40, status="lapsed", title="Gone stale")
    refusal(client_record, due_in=-3, title="Still in grace")

    response = vcio_client.get(LIST, {"tab": "lapsed"})

    assert listed(response) == ["Gone stale"]
    assert "badge text-bg-danger" in response.content.decode()


@pytest.mark.django_db
def test_a_vcio_sees_only_their_own_clients_and_a_manager_sees_all(vcio_client, client_record, outsider, manager):
    refusal(client_record, due_in=5, title="Mine")
    refusal(ClientFactory(vcio=outsider, name="Someone Else Inc"), due_in=5, title="Not mine")
    manager_browser = Client()
    manager_browser.force_login(manager)

    assert listed(vcio_client.get(LIST)) == ["Mine"]
    assert sorted(listed(manager_browser.get(LIST))) == ["Mine", "Not mine"]


@pytest.mark.django_db
def test_the_list_shows_each_rows_progress_from_the_ledger(vcio_client, client_record):
    item = refusal(client_record, due_in=7)
    reack.reack_sweep(today=timezone.localdate())

    page = vcio_client.get(LIST).content.decode()

    assert ReackStep.objects.get(recommendation=item).step == "heads_up_7"
    assert "Heads-up 7 days before" in page
    assert "Hélène Côté" in page


@pytest.mark.django_db
def test_unknown_tab_and_window_fall_back_to_the_defaults(vcio_client, client_record):
    refusal(client_record, due_in=10, title="Soon")

    response = vcio_client.get(LIST, {"tab": "<script>", "days": "999", "page": "x"})

    assert response.status_code == 200
    assert response.context["tab"] == "due" and response.context["window"] == 30
    assert listed(response) == ["Soon"]


@pytest.mark.django_db
def test_the_list_paginates(vcio_client, client_record, settings):
    settings.RISKREG_PAGE_SIZE = 5
    for index in range(7):
        refusal(client_record, due_in=index + 1)

    first = vcio_client.get(LIST)
    second = vcio_client.get(LIST, {"tab": "due", "days": "30", "page": "2"})

    assert len(first.context["rows"]) == 5 and len(second.context["rows"]) == 2
    assert 'href="?tab=due&amp;days=30&page=2"' in first.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 30])
def test_the_list_query_count_does_not_grow_with_rows(vcio_client, client_record, size, django_assert_max_num_queries):
    for index in range(size):
        refusal(client_record, due_in=index % 25 + 1)
        ContactFactory(client=client_record)

    with django_assert_max_num_queries(7):
        response = vcio_client.get(LIST)

    assert len(response.context["rows"]) == min(size, 25)


@pytest.mark.django_db
def test_the_list_needs_a_login(client):
    response = client.get(LIST)

    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_the_navigation_links_to_the_list(vcio_client):
    assert f'href="{LIST}"' in vcio_client.get(reverse("clients:list")).content.decode()


# The client page


@pytest.mark.django_db
def test_the_client_page_shows_refusals_and_their_progress(vcio_client, client_record):
    refusal(client_record, due_in=1, title="Due tomorrow")
    refusal(client_record, due_in=-20, status="lapsed", title="Lapsed item")
    reack.reack_sweep(today=timezone.localdate())

    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id]) + "?section=reack")
    page = page.content.decode()

    assert "Re-acknowledgment" in page
    assert "Heads-up 1 day before" in page
    assert "(in 1 day)" in page and "(20 days ago)" in page
    assert send_url(client_record) in page


@pytest.mark.django_db
def test_the_client_page_has_no_section_without_refusals(vcio_client, client_record):
    url = reverse("register:client_detail", args=[client_record.public_id])
    page = vcio_client.get(url + "?section=reack").content.decode()

    assert "?section=reack" not in vcio_client.get(url).content.decode()  # no tab either

    assert send_url(client_record) not in page


@pytest.mark.django_db
def test_the_client_page_lists_the_riskiest_first_and_refusals_soonest_first(vcio_client, client_record):
    RecommendationFactory(client=client_record, title="Beta", likelihood=2, impact=2)
    RecommendationFactory(client=client_record, title="Alpha", likelihood=2, impact=2)
    RecommendationFactory(client=client_record, title="Zulu", likelihood=5, impact=5)
    refusal(client_record, due_in=30, title="Later")
    refusal(client_record, due_in=5, title="Soon B")
    refusal(client_record, due_in=5, title="Soon A")

    response = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id]))

    groups = response.context["groups"]
    assert list(groups) == ["presented", "refused"]
    assert [r.title for r in groups["presented"]] == ["Zulu", "Alpha", "Beta"]
    assert [r.title for r in groups["refused"]] == ["Later", "Soon A", "Soon B"]
    assert [row.recommendation.title for row in response.context["reack_rows"]] == ["Soon A", "Soon B", "Later"]


def detail_queries(browser, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("register:client_detail", args=[client.public_id]) + "?section=reack")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_client_page_query_count_does_not_grow_with_refusals(vcio_client, client_record):
    refusal(client_record, due_in=-5)
    few = detail_queries(vcio_client, client_record)
    for index in range(20):
        refusal(client_record, due_in=index - 20, status="lapsed" if index % 3 == 0 else "refused")
        ContactFactory(client=client_record)
    reack.reack_sweep(today=timezone.localdate())

    many = detail_queries(vcio_client, client_record)

    assert many == few


# Sending now


@pytest.mark.django_db
def test_the_send_page_preselects_the_refusals_and_their_signatory(vcio_client, client_record):
    first = refusal(client_record, due_in=12, title="Backups")
    second = refusal(client_record, due_in=40, title="EDR")
    in_flight = refusal(client_record, due_in=3, title="Already out")
    reack.reack_request_send(
        actor=None, client=client_record, signatory=client_record.contacts.get(), recommendations=[in_flight]
    )

    response = vcio_client.get(send_url(client_record))

    form = response.context["form"]
    assert set(form.initial["recommendations"]) == {first.pk, second.pk}
    assert form.initial["signatory"] == client_record.contacts.get().pk
    assert "Already out" not in response.content.decode()
    assert "Send re-acknowledgment now" in response.content.decode()


@pytest.mark.django_db
def test_sending_now_emails_a_link_and_records_the_step(vcio_client, client_record, vcio):
    item = refusal(client_record, due_in=12)
    signatory = client_record.contacts.get()

    response = vcio_client.post(send_url(client_record), {"signatory": signatory.pk, "recommendations": [item.pk]})

    request = DecisionRequest.objects.get(purpose="reacknowledgment")
    assert response.status_code == 302
    assert response["Location"] == reverse("signing:request_detail", args=[request.public_id])
    assert request.created_by == vcio and request.signatory == signatory
    assert ReackStep.objects.get(recommendation=item, cycle=item.valid_until, step="reack_request").request == request
    assert OutboundEmail.objects.filter(kind="decision_request", to=[signatory.email]).exists()


@pytest.mark.django_db
def test_sending_nothing_is_refused_and_changes_nothing(vcio_client, client_record):
    refusal(client_record, due_in=12)

    response = vcio_client.post(send_url(client_record), {"signatory": client_record.contacts.get().pk})

    assert response.status_code == 200
    assert response.context["form"].errors["recommendations"]
    assert not DecisionRequest.objects.exists() and not ReackStep.objects.exists()


@pytest.mark.django_db
def test_another_clients_refusal_cannot_be_slipped_in(vcio_client, client_record, vcio):
    other = refusal(ClientFactory(vcio=vcio, name="Other Co"), due_in=5)

    response = vcio_client.post(
        send_url(client_record), {"signatory": client_record.contacts.get().pk, "recommendations": [other.pk]}
    )

    assert response.status_code == 200 and response.context["form"].errors["recommendations"]
    assert not DecisionRequest.objects.exists()


@pytest.mark.django_db
def test_a_signatory_who_left_is_not_preselected_and_the_page_says_so(vcio_client, client_record, vcio):
    refuse_through_signing(client_record, vcio)
    ContactFactory(client=client_record, name="Zed Backup", email="zed@harbourview.example")
    client_record.contacts.filter(email="helene@harbourview.example").update(is_active=False)

    response = vcio_client.get(send_url(client_record))

    assert response.context["form"].initial["signatory"] is None
    assert response.context["gone_signatory"].name == "Hélène Côté"
    assert "Hélène Côté, who signed these refusals, can no longer sign" in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_cannot_open_or_use_the_send_page(outsider_client, client_record):
    item = refusal(client_record, due_in=5)

    get = outsider_client.get(send_url(client_record))
    post = outsider_client.post(
        send_url(client_record), {"signatory": client_record.contacts.get().pk, "recommendations": [item.pk]}
    )

    assert get.status_code == 404 and post.status_code == 404
    assert not DecisionRequest.objects.exists()
