import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from riskreg.mail.models import OutboundEmail
from tests.factories import UserFactory


def make_email(n: int = 1, **fields) -> OutboundEmail:
    values = {
        "idempotency_key": f"test:{n}",
        "kind": "staff_notice",
        "to": [f"person{n}@client.example"],
        "subject": f"Subject number {n}",
        "body_text": f"Text body {n}",
        "body_html": f"<p>HTML body {n}</p>",
        **fields,
    }
    return OutboundEmail.objects.create(**values)


@pytest.mark.django_db
def test_a_vcio_is_refused_the_global_outbox_and_its_emails(vcio_client):
    email = make_email()

    assert vcio_client.get(reverse("mail:outbox")).status_code == 403
    assert vcio_client.get(reverse("mail:email_detail", args=[email.pk])).status_code == 403
    assert vcio_client.get(reverse("mail:email_html", args=[email.pk])).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("mail:outbox"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_managers_and_admins_see_every_email(client, manager, practice_admin):
    make_email(1, scope="client:11111111-1111-1111-1111-111111111111")
    make_email(2)

    for staff in (manager, practice_admin):
        client.force_login(staff)
        page = client.get(reverse("mail:outbox")).content.decode()
        assert "Subject number 1" in page and "Subject number 2" in page


@pytest.mark.django_db
def test_the_outbox_filters_by_status_recipient_and_scope(manager_client):
    scope = "client:11111111-1111-1111-1111-111111111111"
    make_email(1, status="failed", attempts=5, last_error="SMTPRecipientsRefused")
    make_email(2, scope=scope)
    make_email(3, to=["helene@harbourview.example"])

    by_status = manager_client.get(reverse("mail:outbox"), {"status": "failed"}).content.decode()
    by_recipient = manager_client.get(reverse("mail:outbox"), {"q": "HARBOURVIEW"}).content.decode()
    by_scope = manager_client.get(reverse("mail:outbox"), {"scope": scope}).content.decode()

    assert "Subject number 1" in by_status and "Subject number 2" not in by_status
    assert "Subject number 3" in by_recipient and "Subject number 1" not in by_recipient
    assert "Subject number 2" in by_scope and "Subject number 3" not in by_scope


@pytest.mark.django_db
def test_bad_filter_values_are_ignored_instead_of_failing(manager_client):
    make_email()

    response = manager_client.get(reverse("mail:outbox"), {"status": "exploded", "page": "zz", "q": "x" * 500})

    assert response.status_code == 200
    assert "Subject number 1" in response.content.decode()


@pytest.mark.django_db
def test_the_outbox_paginates(manager_client, settings):
    settings.RISKREG_PAGE_SIZE = 5
    for n in range(1, 8):
        make_email(n)

    second_page = manager_client.get(reverse("mail:outbox"), {"page": 2}).content.decode()

    assert "Page 2 of 2" in second_page
    assert second_page.count("Subject number ") == 2


@pytest.mark.django_db
def test_the_outbox_query_count_does_not_grow_with_the_number_of_emails(manager_client, manager):
    make_email(1)
    manager_client.get(reverse("mail:outbox"))  # warm the session and the user's caches
    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse("mail:outbox"))
    for n in range(2, 25):
        make_email(n)

    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(reverse("mail:outbox"))

    assert response.content.decode().count("Subject number ") == 24
    assert len(many) == len(few) <= 6


@pytest.mark.django_db
def test_the_detail_page_shows_the_whole_record_and_never_runs_the_html(manager_client):
    email = make_email(
        body_html="<p>Hello</p><script>alert('pwned')</script>",
        body_text="Hello <friend>",
        status="pending",
        attempts=2,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        attachments=[{"filename": "waiver-WV-1.pdf", "path": "waivers/WV-1.pdf", "mimetype": "application/pdf"}],
        message_id="<20261102.1.abc@msp.example>",
    )

    page = manager_client.get(reverse("mail:email_detail", args=[email.pk])).content.decode()

    assert "<script>alert" not in page
    assert (
        f'sandbox="" referrerpolicy="no-referrer" title="HTML version of the email" src="/outbox/{email.pk}/html/"'
        in page
    )
    assert "&lt;p&gt;Hello&lt;/p&gt;&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    assert "Hello &lt;friend&gt;" in page
    assert "person1@client.example" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "waiver-WV-1.pdf" in page and "application/pdf" in page
    assert "&lt;20261102.1.abc@msp.example&gt;" in page


@pytest.mark.django_db
def test_the_html_preview_is_served_as_a_sandboxed_document_that_runs_nothing(manager_client):
    email = make_email(body_html='<p style="color:#1f3a5f">Hello</p><script>alert(1)</script>')

    response = manager_client.get(reverse("mail:email_html", args=[email.pk]))

    assert response.content.decode() == email.body_html
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert policy.endswith("; sandbox") and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_the_detail_page_links_a_client_email_to_its_client(manager_client, client_record):
    email = make_email(scope=client_record.scope)

    page = manager_client.get(reverse("mail:email_detail", args=[email.pk])).content.decode()

    assert reverse("register:client_detail", args=[client_record.public_id]) in page


@pytest.mark.django_db
def test_an_unknown_email_answers_404(manager_client):
    assert manager_client.get(reverse("mail:email_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_outbox_is_in_the_navigation_for_managers_only(client, manager, vcio):
    outbox_url = reverse("mail:outbox")

    client.force_login(manager)
    assert outbox_url in client.get(reverse("clients:list")).content.decode()
    client.force_login(vcio)
    assert outbox_url not in client.get(reverse("clients:list")).content.decode()


@pytest.mark.django_db
def test_the_admin_shows_emails_but_cannot_change_add_or_delete_them(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    email = make_email()
    change_url = reverse("admin:mail_outboundemail_change", args=[email.pk])

    assert "Subject number 1" in client.get(reverse("admin:mail_outboundemail_changelist")).content.decode()
    assert client.get(change_url).status_code == 200
    assert client.get(reverse("admin:mail_outboundemail_add")).status_code == 403
    assert client.post(change_url, {"subject": "Rewritten"}).status_code == 403
    assert client.post(reverse("admin:mail_outboundemail_delete", args=[email.pk]), {"post": "yes"}).status_code == 403
    assert OutboundEmail.objects.get(pk=email.pk).subject == "Subject number 1"
