"""The page of one recommendation, and the client page's sections and timeline in words."""

import re

import pytest
from django.urls import reverse

from recommendations import selectors
from recommendations.models import WaiverDocument
from recommendations.services import recommendation_transition
from riskreg.audit.models import AuditEvent
from tests.factories import RecommendationFactory
from tests.recommendations.documents.test_pipeline import REASON, sign_request


def page_url(recommendation) -> str:
    return reverse("register:recommendation_detail", args=[recommendation.public_id])


@pytest.fixture
def signed(client_record, vcio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    request.refresh_from_db()
    return request


@pytest.mark.django_db
def test_the_page_gathers_texts_history_decisions_and_the_covering_waiver(vcio_client, signed):
    refused = signed.items.get(position=1).recommendation
    document = WaiverDocument.objects.get(request=signed)

    page = vcio_client.get(page_url(refused)).content.decode()

    assert f"<h1 class=\"h3 mb-1\">{refused.title}</h1>" in page
    assert refused.description in page and refused.consequences in page
    assert "Decision: <strong>Refused</strong>" in page and REASON in page
    assert document.document_id in page
    assert reverse("signing:document_download", args=[document.public_id]) in page
    assert reverse("signing:request_detail", args=[signed.public_id]) in page
    # The history names the signatory in words, never their identifier.
    assert "Hélène Côté (signatory)" in page
    assert "signer:" not in page


@pytest.mark.django_db
def test_an_accepted_item_needs_no_waiver(vcio_client, signed):
    accepted = signed.items.get(position=2).recommendation

    page = vcio_client.get(page_url(accepted)).content.decode()

    assert "Decision: <strong>Accepted</strong>" in page
    assert "None needed: the client has not refused it." in page


@pytest.mark.django_db
def test_the_page_offers_the_actions_its_status_allows(vcio_client, vcio, client_record):
    draft = RecommendationFactory(client=client_record, status="draft")
    page = vcio_client.get(page_url(draft)).content.decode()
    assert reverse("register:recommendation_action", args=[draft.public_id, "present"]) in page
    assert "Send for decision" not in page

    recommendation_transition(actor=vcio, recommendation=draft, action="present")
    page = vcio_client.get(page_url(draft)).content.decode()
    assert reverse("register:recommendation_confirm", args=[draft.public_id, "defer"]) in page
    assert f"?r={draft.pk}" in page
    assert "Presented to the client" in page or "presented to the client" in page


@pytest.mark.django_db
def test_an_outsider_cannot_open_another_vcios_recommendation(outsider_client, client_record):
    recommendation = RecommendationFactory(client=client_record)

    assert outsider_client.get(page_url(recommendation)).status_code == 404


@pytest.mark.django_db
def test_an_unknown_recommendation_is_not_found(vcio_client):
    assert vcio_client.get("/recommendations/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_the_page_query_count_does_not_grow_with_its_history(
    vcio_client, vcio, client_record, django_assert_max_num_queries
):
    recommendation = RecommendationFactory(client=client_record, status="draft")
    for _ in range(5):
        recommendation_transition(actor=vcio, recommendation=recommendation, action="present")
        recommendation_transition(actor=vcio, recommendation=recommendation, action="defer")

    with django_assert_max_num_queries(9):
        response = vcio_client.get(page_url(recommendation))

    assert response.content.decode().count("deferred") >= 5


@pytest.mark.django_db
def test_the_client_page_lists_titles_as_links_to_their_page(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="presented")

    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert f'href="{page_url(recommendation)}"' in page


@pytest.mark.django_db
def test_the_client_page_shows_one_section_at_a_time_with_counts(vcio_client, signed, client_record):
    url = reverse("register:client_detail", args=[client_record.public_id])

    default = vcio_client.get(url).content.decode()
    requests = vcio_client.get(url, {"section": "requests"}).content.decode()
    unknown = vcio_client.get(url, {"section": "<script>"})

    requests_heading = '<h2 class="h5">Signing requests</h2>'
    recommendations_heading = '<h2 class="h5">Recommendations</h2>'
    assert re.search(r"Signing requests <span class=\"badge [^\"]+\">1</span>", default)
    assert requests_heading not in default
    assert requests_heading in requests and recommendations_heading not in requests
    assert unknown.status_code == 200 and recommendations_heading in unknown.content.decode()


@pytest.mark.django_db
def test_the_timeline_is_paginated_and_written_in_words(vcio_client, signed, client_record, vcio):
    for _ in range(15):
        RecommendationFactory(client=client_record, status="draft")
        recommendation_transition(
            actor=vcio, recommendation=client_record.recommendations.latest("pk"), action="present"
        )
    url = reverse("register:client_detail", args=[client_record.public_id])
    total = AuditEvent.objects.filter(scope=client_record.scope).count()

    first = vcio_client.get(url, {"section": "timeline"}).content.decode()
    last = vcio_client.get(url, {"section": "timeline", "page": "999"}).content.decode()

    assert total > selectors.TIMELINE_PAGE_SIZE
    assert first.count("<li><time") == selectors.TIMELINE_PAGE_SIZE
    assert "?section=timeline&page=2" in first
    assert last.count("<li><time") == total - selectors.TIMELINE_PAGE_SIZE * (total // selectors.TIMELINE_PAGE_SIZE)
    assert "Hélène Côté (signatory)" in first + last
    assert "signer:" not in first + last and "user:" not in first + last


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("signer:7f1c0d2e-0000-4000-8000-000000000001", "Hélène Côté (signatory)"),
        ("signer:unknown", "The signatory (signatory)"),
        ("system", "RiskReg (automatic)"),
        ("system:reack-sweep", "RiskReg (re-acknowledgment sweep)"),
        ("user:12:vera", "vera"),
        ("link:7f1c0d2e-0000-4000-8000-000000000009", "The contact, with their withdrawal link"),
        ("command:import_csv", "An administrator (command line)"),
        ("something-new:abc", "RiskReg"),
    ],
)
def test_every_actor_label_reads_as_words(label, words):
    signers = {"7f1c0d2e-0000-4000-8000-000000000001": "Hélène Côté"}

    assert selectors.actor_name(label, signers) == words
