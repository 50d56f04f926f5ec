import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory


def make_email(n: int, scope: str, **fields) -> OutboundEmail:
    values = {
        "idempotency_key": f"test:{n}",
        "scope": scope,
        "kind": "decision_request",
        "to": [f"signer{n}@client.example"],
        "subject": f"Subject number {n}",
        "body_text": f"Text body {n}",
        "body_html": f"<p>HTML body {n}</p>",
        **fields,
    }
    return OutboundEmail.objects.create(**values)


@pytest.mark.django_db
def test_an_outsider_vcio_gets_404_on_another_clients_outbox_and_its_emails(outsider_client, client_record):
    email = make_email(1, client_record.scope)

    assert outsider_client.get(reverse("clients:outbox", args=[client_record.public_id])).status_code == 404
    for name in ("clients:outbox_email", "clients:outbox_email_html"):
        assert outsider_client.get(reverse(name, args=[client_record.public_id, email.pk])).status_code == 404


@pytest.mark.django_db
def test_a_vcio_sees_only_this_clients_emails_whatever_the_query_string_says(vcio_client, client_record):
    other = ClientFactory(name="Other Firm")
    make_email(1, client_record.scope)
    make_email(2, other.scope)
    make_email(3, "")

    page = vcio_client.get(
        reverse("clients:outbox", args=[client_record.public_id]), {"scope": other.scope}
    ).content.decode()

    assert "Subject number 1" in page
    assert "Subject number 2" not in page and "Subject number 3" not in page


@pytest.mark.django_db
def test_a_vcio_cannot_open_another_clients_email_through_their_own_client(vcio_client, client_record):
    other = ClientFactory(name="Other Firm")
    foreign = make_email(2, other.scope)

    for name in ("clients:outbox_email", "clients:outbox_email_html"):
        assert vcio_client.get(reverse(name, args=[client_record.public_id, foreign.pk])).status_code == 404


@pytest.mark.django_db
def test_a_vcio_reads_an_email_sent_to_their_client(vcio_client, client_record):
    email = make_email(1, client_record.scope, body_text="Your code is 123456", status="sent", sent_at=timezone.now())

    response = vcio_client.get(reverse("clients:outbox_email", args=[client_record.public_id, email.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your code is 123456" in page
    assert "signer1@client.example" in page
    assert reverse("clients:outbox", args=[client_record.public_id]) in page
    html_url = reverse("clients:outbox_email_html", args=[client_record.public_id, email.pk])
    assert f'src="{html_url}"' in page
    assert vcio_client.get(html_url).content.decode() == email.body_html


@pytest.mark.django_db
def test_a_manager_sees_any_clients_outbox(manager_client, client_record):
    make_email(1, client_record.scope)

    response = manager_client.get(reverse("clients:outbox", args=[client_record.public_id]))

    assert response.status_code == 200
    assert "Subject number 1" in response.content.decode()


@pytest.mark.django_db
def test_the_client_outbox_filters_by_status_and_ignores_bad_values(vcio_client, client_record):
    make_email(1, client_record.scope, status="failed", attempts=5)
    make_email(2, client_record.scope)
    url = reverse("clients:outbox", args=[client_record.public_id])

    failed_only = vcio_client.get(url, {"status": "failed"}).content.decode()
    bad_filter = vcio_client.get(url, {"status": "nonsense", "page": "-3"})

    assert "Subject number 1" in failed_only and "Subject number 2" not in failed_only
    assert bad_filter.status_code == 200
    assert "Subject number 2" in bad_filter.content.decode()


@pytest.mark.django_db
def test_the_client_outbox_shows_an_empty_state(vcio_client, client_record):
    page = vcio_client.get(reverse("clients:outbox", args=[client_record.public_id])).content.decode()

    assert "No emails for Harbourview Clinic yet." in page


@pytest.mark.django_db
def test_the_client_outbox_query_count_does_not_grow_with_the_number_of_emails(vcio_client, client_record):
    url = reverse("clients:outbox", args=[client_record.public_id])
    make_email(1, client_record.scope)
    vcio_client.get(url)
    with CaptureQueriesContext(connection) as few:
        vcio_client.get(url)
    for n in range(2, 25):
        make_email(n, client_record.scope)

    with CaptureQueriesContext(connection) as many:
        response = vcio_client.get(url)

    assert response.content.decode().count("Subject number ") == 24
    assert len(many) == len(few) <= 7


@pytest.mark.django_db
def test_the_client_page_links_to_its_outbox(vcio_client, client_record):
    url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=timeline"
    page = vcio_client.get(url).content.decode()

    assert reverse("clients:outbox", args=[client_record.public_id]) in page
