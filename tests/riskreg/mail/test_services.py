import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.test.utils import CaptureQueriesContext

from clients.models import Client, PracticeProfile
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_enqueue, emails_batched
from tests.factories import ClientFactory


def enqueue(**overrides) -> OutboundEmail:
    arguments = {
        "idempotency_key": "notice:1",
        "kind": "staff_notice",
        "to": ["vera@msp.example"],
        "subject": "Something happened",
        "template": "staff_notice",
        "context": {"heading": "Heads up", "paragraphs": ["First paragraph."], "link_url": "", "link_label": ""},
        **overrides,
    }
    return email_enqueue(**arguments)


@pytest.mark.django_db
def test_the_row_is_rolled_back_with_the_business_change_and_nothing_is_sent(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ClientFactory(name="Rolled Back Ltd")
        enqueue()
        raise RuntimeError("the business change failed")

    assert not Client.objects.filter(name="Rolled Back Ltd").exists()
    assert OutboundEmail.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_email_is_sent_only_when_the_business_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = enqueue()

    assert OutboundEmail.objects.get().status == "pending"
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    email.refresh_from_db()
    assert email.status == "sent"
    assert [message.to for message in mail.outbox] == [["vera@msp.example"]]


@pytest.mark.django_db
def test_an_idempotency_key_used_twice_keeps_the_first_row_and_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue(subject="First version")
        second = enqueue(subject="Second version", to=["someone-else@msp.example"])

    assert second.pk == first.pk
    assert OutboundEmail.objects.get().subject == "First version"
    assert len(callbacks) == 1
    assert [message.subject for message in mail.outbox] == ["First version"]


@pytest.mark.django_db
def test_a_batch_writes_its_emails_in_one_statement_and_sends_each_once_after_commit(
    django_capture_on_commit_callbacks,
):
    enqueue(idempotency_key="notice:taken", subject="Already there")
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        transaction.atomic(),
        CaptureQueriesContext(connection) as captured,
        emails_batched(),
    ):
        for number in range(3):
            enqueue(idempotency_key=f"notice:{number}", subject=f"Notice {number}", to=[f"p{number}@msp.example"])
        enqueue(idempotency_key="notice:taken", subject="Not written")
        enqueue(idempotency_key="notice:1", subject="Not written either")
        # Nothing is written until the block ends.
        assert OutboundEmail.objects.filter(idempotency_key__startswith="notice:0").count() == 0

    assert sum(query["sql"].startswith("INSERT") for query in captured.captured_queries) == 1
    assert dict(OutboundEmail.objects.values_list("idempotency_key", "subject")) == {
        "notice:taken": "Already there",
        "notice:0": "Notice 0",
        "notice:1": "Notice 1",
        "notice:2": "Notice 2",
    }
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.subject for message in mail.outbox) == ["Notice 0", "Notice 1", "Notice 2"]


@pytest.mark.django_db
def test_a_batch_left_by_an_error_writes_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
        emails_batched(),
    ):
        enqueue()
        raise RuntimeError("the sweep batch failed")

    assert OutboundEmail.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_the_html_part_escapes_user_content_and_the_text_part_keeps_it_verbatim():
    hostile = "<script>alert('x')</script> & <b>Co</b>"

    email = enqueue(context={"heading": hostile, "paragraphs": [hostile], "link_url": "", "link_label": ""})

    assert "<script>" not in email.body_html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in email.body_html
    assert hostile in email.body_text
    assert "&lt;" not in email.body_text and "&amp;" not in email.body_text


@pytest.mark.django_db
def test_every_email_carries_the_practice_letterhead_in_both_parts():
    profile = PracticeProfile.load()
    profile.legal_name = "Côté & Fils Informatique inc."
    profile.mailing_address = "1200 rue Sainte-Catherine\nMontréal QC H3B 1K9"
    profile.email = "bonjour@cotefils.example"
    profile.phone = "+1 514 555 0100"
    profile.save()

    email = enqueue()

    assert "Côté &amp; Fils Informatique inc." in email.body_html
    assert "1200 rue Sainte-Catherine<br>Montréal QC H3B 1K9" in email.body_html
    assert 'href="mailto:bonjour@cotefils.example"' in email.body_html
    assert "-- \nCôté & Fils Informatique inc.\n1200 rue Sainte-Catherine\nMontréal QC H3B 1K9\n" in email.body_text
    assert "bonjour@cotefils.example · +1 514 555 0100" in email.body_text


@pytest.mark.django_db
def test_the_staff_notice_renders_its_heading_paragraphs_and_link():
    email = enqueue(
        context={
            "heading": "A signing request was locked",
            "paragraphs": ["Too many wrong codes.", "Send a new link."],
            "link_url": "https://riskreg.example/requests/1/",
            "link_label": "Open the request",
        }
    )

    assert email.body_text.startswith(
        "A signing request was locked\n\nToo many wrong codes.\n\nSend a new link.\n\n"
        "Open the request: https://riskreg.example/requests/1/\n"
    )
    assert '<a href="https://riskreg.example/requests/1/"' in email.body_html
    assert "<title>Something happened</title>" in email.body_html


@pytest.mark.django_db
def test_a_multi_line_subject_is_folded_onto_one_line():
    email = enqueue(subject="Line one\r\nBcc: attacker@evil.example")

    assert email.subject == "Line one Bcc: attacker@evil.example"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("to", []),
        ("to", ["not-an-address"]),
        ("idempotency_key", "  "),
        ("attachments", [{"filename": "waiver.pdf"}]),
    ],
)
def test_bad_arguments_are_refused_and_write_nothing(field, value):
    with pytest.raises(ValidationError) as error:
        enqueue(**{field: value})

    assert field in error.value.message_dict
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_template_fails_loudly():
    with pytest.raises(TemplateDoesNotExist):
        enqueue(template="no_such_email")

    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_the_context_cannot_override_the_letterhead():
    with pytest.raises(ValueError, match="practice"):
        enqueue(context={"practice": {"legal_name": "Impostor"}, "heading": "", "paragraphs": []})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_racing_on_one_key_end_with_one_row_and_both_commit():
    """The second INSERT waits on the first transaction's unique-index entry; when that commits,
    ON CONFLICT DO NOTHING skips it and the second caller reads and returns the first row."""
    first_inserted = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = enqueue(subject="From the first").pk
                first_inserted.set()
                threading.Event().wait(0.5)  # hold the transaction open while the second one races
        finally:
            connection.close()

    def second() -> None:
        first_inserted.wait(5)
        try:
            with transaction.atomic():
                results["second"] = enqueue(subject="From the second").pk
                ClientFactory(name="Second Transaction Ltd")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results["first"] == results["second"]
    assert OutboundEmail.objects.get().subject == "From the first"
    assert Client.objects.filter(name="Second Transaction Ltd").exists()
