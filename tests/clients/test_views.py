import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact
from recommendations.models import WaiverDocument
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.signing_helpers import send_request


def _client_urls(client_record) -> list[str]:
    contact = client_record.contacts.first()
    agreement = client_record.agreements.first()
    return [
        reverse("register:client_detail", args=[client_record.public_id]),
        reverse("register:client_edit", args=[client_record.public_id]),
        reverse("register:recommendation_create", args=[client_record.public_id]),
        reverse("clients:contact_create", args=[client_record.public_id]),
        reverse("clients:contact_edit", args=[contact.public_id]),
        reverse("clients:agreement_create", args=[client_record.public_id]),
        reverse("clients:agreement_edit", args=[agreement.public_id]),
    ]


@pytest.mark.django_db
def test_an_outsider_vcio_gets_404_on_every_page_of_another_vcios_client(outsider_client, client_record):
    for url in _client_urls(client_record):
        assert outsider_client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_an_outsider_vcio_cannot_post_changes_to_another_vcios_client(outsider_client, client_record):
    events_before = AuditEvent.objects.count()
    for url in _client_urls(client_record):
        response = outsider_client.post(url, {"name": "Hijacked", "email": "x@evil.example", "reference": "X"})
        assert response.status_code == 404, url
    client_record.refresh_from_db()
    assert client_record.name == "Harbourview Clinic"
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, client_record):
    response = client.get(reverse("register:client_detail", args=[client_record.public_id]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_manager_sees_every_client(manager_client, client_record):
    other = ClientFactory(name="Other Firm")

    response = manager_client.get(reverse("clients:list"))

    assert client_record.name in response.content.decode()
    assert other.name in response.content.decode()


@pytest.mark.django_db
def test_a_vcio_lists_only_their_own_clients(vcio_client, client_record):
    ClientFactory(name="Somebody Elses Firm")

    response = vcio_client.get(reverse("clients:list"))

    assert client_record.name in response.content.decode()
    assert "Somebody Elses Firm" not in response.content.decode()


@pytest.mark.django_db
def test_the_clients_list_filters_by_search_and_industry(manager_client, client_record):
    ClientFactory(name="Acme Retail", industry="retail")

    by_search = manager_client.get(reverse("clients:list"), {"q": "harbour"}).content.decode()
    by_industry = manager_client.get(reverse("clients:list"), {"industry": "retail"}).content.decode()

    assert "Harbourview Clinic" in by_search and "Acme Retail" not in by_search
    assert "Acme Retail" in by_industry and "Harbourview Clinic" not in by_industry


@pytest.mark.django_db
def test_the_clients_list_shows_an_unassessed_client_as_not_assessed(vcio_client, client_record):
    RecommendationFactory(client=client_record, status="draft")

    row = _row_of(vcio_client.get(reverse("clients:list")).content.decode(), client_record.name)

    assert "Not assessed" in row
    assert "100&nbsp;%" not in row and "badge-band-low" not in row


@pytest.mark.django_db
def test_the_clients_list_shows_the_score_of_an_assessed_client(vcio_client, client_record):
    RecommendationFactory(client=client_record, status="presented")
    Client.objects.filter(pk=client_record.pk).update(risk_score=42, risk_band="moderate", liability_coverage=30)

    row = _row_of(vcio_client.get(reverse("clients:list")).content.decode(), client_record.name)

    assert "Not assessed" not in row
    assert ">42<" in row and "badge-band-moderate" in row and "30.0&nbsp;%" in row


@pytest.mark.django_db
def test_the_clients_list_filters_unassessed_clients_apart_from_the_low_band(manager_client, client_record):
    scored = ClientFactory(name="Acme Retail", risk_band="low")
    RecommendationFactory(client=scored, status="refused")

    not_assessed = manager_client.get(reverse("clients:list"), {"band": "not_assessed"}).content.decode()
    low = manager_client.get(reverse("clients:list"), {"band": "low"}).content.decode()

    assert "Harbourview Clinic" in not_assessed and "Acme Retail" not in not_assessed
    assert "Acme Retail" in low and "Harbourview Clinic" not in low


@pytest.mark.django_db
def test_the_clients_list_ignores_an_unknown_band(manager_client, client_record):
    response = manager_client.get(reverse("clients:list"), {"band": "purple"})

    assert response.status_code == 200
    assert "Harbourview Clinic" in response.content.decode()


@pytest.mark.django_db
def test_the_client_page_shows_an_unassessed_client_as_not_assessed(vcio_client, client_record):
    page = vcio_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()

    assert "Not assessed" in page
    assert "See how this score is made" not in page


def _row_of(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_the_clients_list_shows_an_empty_state(vcio_client):
    assert "No clients yet" in vcio_client.get(reverse("clients:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_clients_list_query_count_does_not_grow_with_clients(
    manager_client, manager, size, django_assert_max_num_queries
):
    for index in range(size):
        client = ClientFactory(name=f"Firm {index:03d}")
        ContactFactory(client=client)
        RecommendationFactory(client=client)

    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("clients:list"))

    assert response.status_code == 200


def _detail_queries(client, client_record, section: str = "recommendations") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("register:client_detail", args=[client_record.public_id]), {"section": section})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_client_detail_query_count_does_not_grow_with_recommendations(vcio_client, client_record):
    RecommendationFactory(client=client_record, title="Item 0", status="presented")
    few = _detail_queries(vcio_client, client_record)
    for index in range(1, 40):
        RecommendationFactory(
            client=client_record, title=f"Item {index}", status="refused" if index % 2 else "presented"
        )
        ContactFactory(client=client_record)

    many = _detail_queries(vcio_client, client_record)

    assert many == few
    assert many <= 20


@pytest.mark.django_db
def test_the_client_detail_query_count_does_not_grow_with_signing_requests_and_their_events(
    vcio_client, vcio, client_record
):
    send_request(client_record, vcio, titles=("Item 0",))
    few = {section: _detail_queries(vcio_client, client_record, section) for section in ("requests", "timeline")}
    for index in range(1, 6):
        request, _, _ = send_request(client_record, vcio, titles=(f"Item {index}",))
        WaiverDocument.objects.create(
            request=request,
            document_id=f"RR-TEST-{index}",
            kind=WaiverDocument.Kind.CONFIRMATION,
            file=f"documents/test-{index}.pdf",
            sha256=f"{index:064x}",
            rendered_at=timezone.now(),
        )

    url = reverse("register:client_detail", args=[client_record.public_id])
    requests = vcio_client.get(url, {"section": "requests"}).content.decode()
    timeline = vcio_client.get(url, {"section": "timeline"}).content.decode()
    many = {section: _detail_queries(vcio_client, client_record, section) for section in ("requests", "timeline")}

    assert many == few
    assert "RR-TEST-5" in requests and "Hélène Côté" in requests
    assert str(vcio) in timeline  # the timeline names the staff member who sent each request


@pytest.mark.django_db
def test_creating_a_client_assigns_it_and_writes_an_audit_event(vcio_client, vcio):
    response = vcio_client.post(
        reverse("clients:create"),
        {
            "name": "Quarry Lane Software",
            "industry": "technology",
            "service_tier": "co_managed",
            "status": "active",
            "vcio": vcio.pk,
        },
    )

    created = Client.objects.get(name="Quarry Lane Software")
    assert response.status_code == 302
    assert created.vcio == vcio
    assert AuditEvent.objects.filter(event_type="client.created", object_id=str(created.public_id)).count() == 1


@pytest.mark.django_db
def test_a_vcio_cannot_assign_a_new_client_to_someone_else(vcio_client, outsider):
    response = vcio_client.post(
        reverse("clients:create"),
        {
            "name": "Sneaky Ltd",
            "industry": "other",
            "service_tier": "co_managed",
            "status": "active",
            "vcio": outsider.pk,
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Client.objects.filter(name="Sneaky Ltd").exists()


@pytest.mark.django_db
def test_a_duplicate_client_name_gets_a_clear_message_and_changes_nothing(vcio_client, vcio, client_record):
    events_before = AuditEvent.objects.count()

    response = vcio_client.post(
        reverse("clients:create"),
        {
            "name": "Harbourview Clinic",
            "industry": "other",
            "service_tier": "co_managed",
            "status": "active",
            "vcio": vcio.pk,
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Client.objects.count() == 1
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_contact_with_a_bad_email_is_refused(vcio_client, client_record):
    response = vcio_client.post(
        reverse("clients:contact_create", args=[client_record.public_id]), {"name": "Bad", "email": "not-an-email"}
    )

    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not Contact.objects.filter(name="Bad").exists()


@pytest.mark.django_db
def test_editing_a_client_records_which_fields_changed(vcio_client, vcio, client_record):
    response = vcio_client.post(
        reverse("register:client_edit", args=[client_record.public_id]),
        {
            "name": "Harbourview Clinic",
            "industry": "healthcare",
            "service_tier": "co_managed",
            "status": "active",
            "vcio": vcio.pk,
            "holds_health_data": "on",
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(event_type="client.updated")
    assert event.payload == {"fields": ["service_tier"]}


@pytest.mark.django_db
def test_only_admins_edit_the_practice_profile(vcio_client, client, practice_admin):
    assert vcio_client.get(reverse("register:practice_profile")).status_code == 403
    client.force_login(practice_admin)
    assert client.get(reverse("register:practice_profile")).status_code == 200
