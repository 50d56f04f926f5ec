"""The REST API: what it reads and writes, cursors, updated-since, ETags, and clear 400s."""

import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, RiskSnapshot
from recommendations.models import DecisionRequest, Recommendation
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, ControlFactory, RecommendationFactory
from tests.recommendations.signing.test_signing import signer_evidence, verify_code
from tests.signing_helpers import send_request, token_from_mail

CLIENTS = reverse("api:clients")


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


# --- clients ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_vcio_lists_their_own_clients_and_a_manager_everyone(vcio_api, manager_api, client_record, outsider):
    theirs = ClientFactory(name="Someone else's client", vcio=outsider)

    assert ids(vcio_api.get(CLIENTS)) == [str(client_record.public_id)]
    assert set(ids(manager_api.get(CLIENTS))) == {str(client_record.public_id), str(theirs.public_id)}


@pytest.mark.django_db
def test_a_client_reads_with_score_band_coverage_and_its_external_key(vcio_api, client_record):
    Client.objects.filter(pk=client_record.pk).update(
        risk_score=63,
        risk_band="high",
        liability_coverage=41.5,
        uncovered_exposure=37.5,
        source="autotask",
        external_id="29683412",
    )

    body = vcio_api.get(reverse("api:client", args=[client_record.public_id])).json()

    assert body["name"] == "Harbourview Clinic"
    assert (body["risk_score"], body["risk_band"], body["liability_coverage"]) == (63, "high", 41.5)
    assert body["uncovered_exposure"] == 37.5
    assert (body["source"], body["external_id"], body["vcio"]) == ("autotask", "29683412", "vera")
    assert body["holds_health_data"] is True


@pytest.mark.django_db
def test_the_cursor_walks_every_client_once_and_the_queries_do_not_depend_on_the_page_size(manager_api, vcio):
    for number in range(12):
        ClientFactory(name=f"Client {number:02d}", vcio=vcio)
    seen = []
    url = CLIENTS + "?page_size=5"
    while url:
        page = manager_api.get(url).json()
        seen += [row["name"] for row in page["results"]]
        url = page["next"]

    # The walk above recorded the token's last use, which is written at most once a minute.
    with CaptureQueriesContext(connection) as small:
        manager_api.get(CLIENTS, {"page_size": 2})
    with CaptureQueriesContext(connection) as large:
        manager_api.get(CLIENTS, {"page_size": 200})
    assert sorted(seen) == [f"Client {number:02d}" for number in range(12)]
    assert len(small) == len(large)


@pytest.mark.django_db
def test_updated_since_returns_clients_edited_or_rescored_since(manager_api, vcio):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        _old, rescored = ClientFactory(name="Old", vcio=vcio), ClientFactory(name="Rescored", vcio=vcio)
    ClientFactory(name="New", vcio=vcio)
    Client.objects.filter(pk=rescored.pk).update(scored_at=timezone.now())
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    names = [row["name"] for row in manager_api.get(CLIENTS, {"updated_since": since}).json()["results"]]

    assert sorted(names) == ["New", "Rescored"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"band": "purple"}, "band"),
        ({"status": "asleep"}, "status"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(manager_api, params, field):
    response = manager_api.get(CLIENTS, params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_a_read_answers_304_to_its_own_etag_until_it_changes(vcio_api, client_record):
    url = reverse("api:client", args=[client_record.public_id])
    first = vcio_api.get(url)

    again = vcio_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    Client.objects.filter(pk=client_record.pk).update(notes="Changed")
    changed = vcio_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert again.status_code == 304 and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Authorization" in first["Vary"]


@pytest.mark.django_db
def test_creating_a_client_goes_through_the_service_and_is_audited(vcio_api, vcio):
    response = vcio_api.post(CLIENTS, {"name": "Northwind Dental", "industry": "healthcare", "external_id": ""})

    assert response.status_code == 201, response.json()
    client = Client.objects.get(name="Northwind Dental")
    assert response.json()["id"] == str(client.public_id)
    assert client.vcio == vcio
    assert AuditEvent.objects.filter(event_type="client.created", object_id=str(client.public_id)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"industry": "healthcare"}, "name"),
        ({"name": "X", "industry": "fishing"}, "industry"),
        ({"name": "X", "vcio": "otto"}, "vcio"),
        ({"name": "X", "vcio": "nobody"}, "vcio"),
        ({"name": "Harbourview Clinic"}, "name"),
        ("not an object", "non_field_errors"),
    ],
)
def test_a_bad_client_is_a_400_naming_the_field_and_nothing_is_written(vcio_api, client_record, outsider, data, field):
    before = (Client.objects.count(), AuditEvent.objects.count())

    response = vcio_api.post(CLIENTS, data)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert (Client.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_editing_a_clients_industry_rescores_it(vcio_api, client_record):
    RecommendationFactory(client=client_record, status="presented", likelihood=3, impact=4)
    url = reverse("api:client", args=[client_record.public_id])
    before = vcio_api.patch(url, {"notes": "x", "industry": "legal"}).json()["risk_score"]

    response = vcio_api.patch(url, {"industry": "retail", "holds_health_data": False})
    assert before > 0

    assert response.status_code == 200
    assert response.json()["industry"] == "retail"
    assert response.json()["risk_score"] < before


@pytest.mark.django_db
def test_a_malformed_body_is_a_400_not_a_500(vcio_api, client_record):
    from django.test import Client as Browser

    response = Browser().post(
        CLIENTS, data="{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {vcio_api.token}"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


# --- contacts --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contacts_are_created_and_edited_through_the_services(vcio_api, client_record):
    created = vcio_api.post(
        reverse("api:contacts"),
        {
            "client": str(client_record.public_id),
            "name": "Omar Haddad",
            "email": "omar@harbourview.example",
            "can_sign": True,
        },
    )
    contact = Contact.objects.get(email="omar@harbourview.example")
    edited = vcio_api.patch(reverse("api:contact", args=[contact.public_id]), {"title": "Practice manager"})

    assert created.status_code == 201 and edited.status_code == 200
    assert edited.json()["title"] == "Practice manager"
    types = AuditEvent.objects.filter(object_id=str(contact.public_id)).values_list("event_type", flat=True)
    assert list(types) == ["contact.created", "contact.updated"]


@pytest.mark.django_db
def test_a_contact_for_another_vcios_client_is_refused_like_an_unknown_client(vcio_api, outsider):
    theirs = ClientFactory(vcio=outsider)
    body = {"name": "Mallory", "email": "m@example.com"}

    foreign = vcio_api.post(reverse("api:contacts"), {**body, "client": str(theirs.public_id)})
    unknown = vcio_api.post(reverse("api:contacts"), {**body, "client": "00000000-0000-4000-8000-000000000000"})

    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json() == {"client": ["No client with this id."]}
    assert not Contact.objects.filter(name="Mallory").exists()


@pytest.mark.django_db
def test_an_erased_contact_cannot_be_edited(vcio_api, client_record):
    contact = client_record.contacts.get()
    Contact.objects.filter(pk=contact.pk).update(erased_at=timezone.now())

    response = vcio_api.patch(reverse("api:contact", args=[contact.public_id]), {"name": "Back again"})

    assert response.status_code == 400
    assert "erased" in response.json()["detail"]


@pytest.mark.django_db
def test_contacts_filter_by_client_and_external_id(manager_api, client_record, vcio):
    other = ClientFactory(vcio=vcio)
    ContactFactory(client=other, source="halopsa", external_id="U-17")

    one_client = manager_api.get(reverse("api:contacts"), {"client": str(client_record.public_id)}).json()
    by_key = manager_api.get(reverse("api:contacts"), {"external_id": "U-17"}).json()

    assert [row["name"] for row in one_client["results"]] == ["Hélène Côté"]
    assert [row["external_id"] for row in by_key["results"]] == ["U-17"]


# --- recommendations -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_recommendation_raised_from_a_catalog_control_takes_its_texts(vcio_api, client_record):
    control = ControlFactory(code="TST-MFA", title="Multi-factor everywhere", default_likelihood=4, default_impact=5)

    response = vcio_api.post(
        reverse("api:recommendations"), {"client": str(client_record.public_id), "control": control.code, "impact": 4}
    )

    body = response.json()
    assert response.status_code == 201, body
    assert (body["title"], body["likelihood"], body["impact"], body["status"]) == (control.title, 4, 4, "draft")
    assert (body["control"], body["risk_level"]) == ("TST-MFA", "high")


@pytest.mark.django_db
def test_a_recommendation_without_texts_or_a_control_names_what_is_missing(vcio_api, client_record):
    response = vcio_api.post(reverse("api:recommendations"), {"client": str(client_record.public_id), "title": "X"})

    assert response.status_code == 400
    assert {"description", "why_it_matters", "consequences", "likelihood", "impact"} <= set(response.json())


@pytest.mark.django_db
def test_presenting_then_editing_voids_the_open_request_like_the_page_does(vcio_api, client_record, vcio):
    request, _, (mfa, _backups) = send_request(client_record, vcio)

    response = vcio_api.patch(reverse("api:recommendation", args=[mfa.public_id]), {"description": "New words"})

    request.refresh_from_db()
    assert response.status_code == 200
    assert request.status == "voided"


@pytest.mark.django_db
def test_a_move_that_is_not_allowed_is_a_400_and_changes_nothing(vcio_api, client_record):
    implemented = RecommendationFactory(client=client_record, status="implemented")

    response = vcio_api.post(reverse("api:recommendation_transition", args=[implemented.public_id, "present"]))

    assert response.status_code == 400
    assert "cannot be presented" in response.json()["detail"]
    implemented.refresh_from_db()
    assert implemented.status == "implemented"


@pytest.mark.django_db
def test_an_unknown_move_is_not_a_route(vcio_api, client_record):
    draft = RecommendationFactory(client=client_record, status="draft")

    response = vcio_api.post(f"/api/v1/recommendations/{draft.public_id}/accept/")

    assert response.status_code == 404


# --- requests, decisions, documents ----------------------------------------------------------------


@pytest.mark.django_db
def test_sending_a_request_emails_the_link_and_never_returns_it(
    vcio_api, client_record, django_capture_on_commit_callbacks
):
    presented = RecommendationFactory(client=client_record, status="presented", title="Offsite backups")
    signatory = client_record.contacts.get()

    response = vcio_api.post(
        reverse("api:requests"),
        {
            "client": str(client_record.public_id),
            "signatory": str(signatory.public_id),
            "recommendations": [str(presented.public_id)],
            "message": "Please decide by Friday.",
        },
    )

    body = response.json()
    assert response.status_code == 201, body
    request = DecisionRequest.objects.get(public_id=body["id"])
    assert body["status"] == "sent" and body["items"][0]["subject"] == str(presented.public_id)
    token = token_from_mail(request)
    assert token not in response.content.decode()
    assert "token" not in body and "code_hash" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signatory": "00000000-0000-4000-8000-000000000000"}, "signatory"),
        ({"recommendations": ["00000000-0000-4000-8000-000000000000"]}, "recommendations"),
        ({"recommendations": []}, "recommendations"),
    ],
)
def test_a_bad_request_send_is_a_400_and_sends_nothing(vcio_api, client_record, change, field):
    presented = RecommendationFactory(client=client_record, status="presented")
    body = {
        "client": str(client_record.public_id),
        "signatory": str(client_record.contacts.get().public_id),
        "recommendations": [str(presented.public_id)],
    }

    response = vcio_api.post(reverse("api:requests"), {**body, **change})

    assert response.status_code == 400 and field in response.json()
    assert not DecisionRequest.objects.exists()


@pytest.mark.django_db
def test_a_draft_cannot_be_sent_and_the_services_message_says_why(vcio_api, client_record):
    draft = RecommendationFactory(client=client_record, status="draft")

    response = vcio_api.post(
        reverse("api:requests"),
        {
            "client": str(client_record.public_id),
            "signatory": str(client_record.contacts.get().public_id),
            "recommendations": [str(draft.public_id)],
        },
    )

    assert response.status_code == 400
    assert "awaiting a decision" in response.json()["detail"]


@pytest.mark.django_db
def test_revoking_closes_the_request_once(vcio_api, client_record, vcio):
    request, _, _ = send_request(client_record, vcio)
    url = reverse("api:request_revoke", args=[request.public_id])

    first = vcio_api.post(url, {"reason": "Sent to the wrong person"})
    second = vcio_api.post(url)

    assert first.status_code == 200 and first.json()["status"] == "revoked"
    assert first.json()["close_reason"] == "Sent to the wrong person"
    assert second.status_code == 400 and "no longer open" in second.json()["detail"]


@pytest.mark.django_db
def test_a_signed_request_shows_its_decisions_and_document_and_the_pdf_downloads(
    vcio_api, client_record, vcio, django_capture_on_commit_callbacks
):
    from recommendations import signing

    request, _, (mfa, backups) = send_request(client_record, vcio)
    verify_code(request)
    items = {item.recommendation_id: item.pk for item in request.items.all()}
    with django_capture_on_commit_callbacks(execute=True):
        signing.decision_request_complete(
            request=request,
            choices=[
                signing.ItemChoice(items[mfa.pk], "refuse", "No budget"),
                signing.ItemChoice(items[backups.pk], "accept", ""),
            ],
            evidence=signer_evidence(),
        )

    detail = vcio_api.get(reverse("api:request", args=[request.public_id])).json()
    decisions = vcio_api.get(reverse("api:decisions"), {"request": str(request.public_id)}).json()["results"]
    document = vcio_api.get(reverse("api:document", args=[detail["document"]])).json()
    pdf = vcio_api.get(reverse("api:document_download", args=[detail["document"]]))

    assert detail["status"] == "completed"
    assert {d["outcome"] for d in detail["decisions"]} == {"refuse", "accept"}
    assert {d["subject"] for d in decisions} == {str(mfa.public_id), str(backups.public_id)}
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document["sha256"]


@pytest.mark.django_db
def test_the_requests_list_reads_a_fixed_number_of_queries(manager_api, client_record, vcio):
    send_request(client_record, vcio, titles=("A",))
    manager_api.get(reverse("api:requests"))  # the token's last use is recorded once a minute
    with CaptureQueriesContext(connection) as one:
        manager_api.get(reverse("api:requests"))
    for title in ("B", "C", "D"):
        send_request(client_record, vcio, titles=(title, title + "2"))
    with CaptureQueriesContext(connection) as four:
        response = manager_api.get(reverse("api:requests"))

    assert len(response.json()["results"]) == 4
    assert len(four) == len(one)


# --- snapshots and events --------------------------------------------------------------------------


@pytest.mark.django_db
def test_snapshots_and_a_clients_audit_events_read_in_order(vcio_api, client_record):
    for days_ago, score in ((2, 40), (1, 55)):
        RiskSnapshot.objects.create(
            client=client_record,
            taken_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            score=score,
            band="moderate",
            coverage=50,
        )
    vcio_api.patch(reverse("api:client", args=[client_record.public_id]), {"notes": "Called them"})

    snapshots = vcio_api.get(reverse("api:snapshots"), {"client": str(client_record.public_id)}).json()["results"]
    events = vcio_api.get(reverse("api:client_events", args=[client_record.public_id])).json()["results"]

    assert [row["score"] for row in snapshots] == [40, 55]
    assert events[-1]["event_type"] == "client.updated"
    assert events[-1]["actor"].endswith(":vera")
    assert [row["sequence"] for row in events] == sorted(row["sequence"] for row in events)


@pytest.mark.django_db
def test_an_invalid_cursor_is_a_404_not_a_500(manager_api):
    response = manager_api.get(CLIENTS, {"cursor": "%%%not base64"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_writing_in_one_request_and_reading_in_the_next_sees_the_write(vcio_api, client_record):
    draft = vcio_api.post(
        reverse("api:recommendations"),
        {
            "client": str(client_record.public_id),
            "title": "Tested restores",
            "description": "Restore a backup every quarter.",
            "why_it_matters": "Untested backups fail when needed.",
            "consequences": "Data is lost for good.",
            "likelihood": 3,
            "impact": 5,
        },
    ).json()

    presented = vcio_api.post(reverse("api:recommendation_transition", args=[draft["id"], "present"]))
    listed = vcio_api.get(reverse("api:recommendations"), {"status": "presented"}).json()["results"]

    assert presented.json()["status"] == "presented"
    assert [row["id"] for row in listed] == [draft["id"]]
    assert Recommendation.objects.get(public_id=draft["id"]).status == "presented"


@pytest.mark.django_db
def test_a_constraint_the_database_holds_comes_back_as_a_sentence(vcio_api, client_record):
    ContactFactory(client=client_record, email="taken@harbourview.example")
    helene = client_record.contacts.get(email="helene@harbourview.example")

    duplicate = vcio_api.patch(reverse("api:contact", args=[helene.public_id]), {"email": "taken@harbourview.example"})
    no_source = vcio_api.post(CLIENTS, {"name": "Orphan Key Ltd", "external_id": "42"})

    assert duplicate.status_code == 400
    assert duplicate.json() == {"detail": "This client already has a contact with this email address."}
    assert no_source.json() == {"detail": "An id in another system needs that system (source) too."}
