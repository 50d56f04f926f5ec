import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import Contact
from recommendations.briefing.selectors import briefing_data, three_months_before
from recommendations.briefing.services import briefing_issue, briefing_send
from recommendations.models import Briefing, Decision
from recommendations.risk.selectors import snapshot_series
from recommendations.services import client_rescore
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_the_briefings_figures_are_the_registers(quarter_of_work):
    client = client_rescore(client=quarter_of_work)
    client.refresh_from_db()
    today = timezone.localdate()

    data = briefing_data(client=client, today=today, note="", document_id="BRF-X", prepared_by="Vera")

    assert (data.score, data.band_label, data.coverage) == (
        client.risk_score,
        client.get_risk_band_display(),
        f"{client.liability_coverage:.1f}",
    )
    assert data.trend == tuple((day, score) for day, score, _ in snapshot_series(client=client, today=today))
    assert len(data.decisions) == Decision.objects.filter(request__client=client).count() == 2
    assert [due.title for due in data.refusals_due] == ["Email filtering and DMARC", "Multi-factor authentication"]
    assert data.open_items == client.recommendations.exclude(status__in=["draft", "implemented", "withdrawn"]).count()
    assert data.roadmap[0].titles == ("Security awareness training",)
    assert (data.roadmap[0].one_time, data.roadmap[0].recurring_monthly) == ("1,200.00", "45.50")


@pytest.mark.django_db
def test_a_quarter_ago_is_the_latest_snapshot_at_least_91_days_old(quarter_of_work):
    today = timezone.localdate()
    expected = quarter_of_work.snapshots.filter(taken_on__lte=today - timezone.timedelta(days=91)).last()

    data = briefing_data(client=quarter_of_work, today=today, note="", document_id="BRF-X", prepared_by="Vera")

    assert data.score_before == expected.score
    assert data.coverage_before == f"{expected.coverage:.1f}"


@pytest.mark.django_db
def test_the_briefing_data_costs_the_same_queries_however_many_items(quarter_of_work, django_assert_max_num_queries):
    def measure() -> int:
        with django_assert_max_num_queries(20) as captured:
            briefing_data(
                client=quarter_of_work, today=timezone.localdate(), note="", document_id="X", prepared_by="Vera"
            )
        return len(captured)

    few = measure()
    RecommendationFactory.create_batch(25, client=quarter_of_work, status="presented")

    assert measure() == few


@pytest.mark.django_db
def test_an_issued_briefing_is_frozen_and_a_second_issue_makes_a_new_document(quarter_of_work, vcio):
    first = briefing_issue(actor=vcio, client=quarter_of_work, note="Thanks for a good quarter.")
    with first.file.open("rb") as handle:
        first_bytes = handle.read()
    RecommendationFactory(client=quarter_of_work, title="Tested restores", status="presented")

    second = briefing_issue(actor=vcio, client=quarter_of_work, note="")

    first.refresh_from_db()
    with first.file.open("rb") as handle:
        assert handle.read() == first_bytes
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert second.document_id != first.document_id and second.sha256 != first.sha256
    assert "Thanks for a good quarter." in pdf_text(first_bytes)
    assert first.document_id in pdf_text(first_bytes)
    events = AuditEvent.objects.filter(event_type="briefing.issued").order_by("sequence")
    assert [event.payload["sha256"] for event in events] == [first.sha256, second.sha256]
    assert (second.period_start, second.period_end) == (first.period_start, first.period_end), "same day, same period"


@pytest.mark.django_db
def test_a_note_too_long_issues_nothing(vcio_client, client_record):
    response = vcio_client.post(reverse("briefing:issue", args=[client_record.public_id]), {"note": "x" * 1501})

    assert response.status_code == 400 and "at most 1500 characters" in response.content.decode()
    assert not Briefing.objects.exists()


@pytest.mark.django_db
def test_issuing_from_the_page_leads_to_the_briefing(vcio_client, quarter_of_work):
    response = vcio_client.post(
        reverse("briefing:issue", args=[quarter_of_work.public_id]), {"note": "See you in March."}, follow=True
    )

    briefing = Briefing.objects.get()
    assert response.redirect_chain[-1][0] == reverse("briefing:detail", args=[briefing.public_id])
    assert briefing.sha256 in response.content.decode()
    download = vcio_client.get(reverse("briefing:download", args=[briefing.public_id]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == briefing.sha256
    page = vcio_client.get(
        reverse("register:client_detail", args=[quarter_of_work.public_id]) + "?section=briefings"
    ).content.decode()
    assert briefing.document_id in page


@pytest.mark.django_db
def test_the_preview_is_a_pdf_with_the_note_and_keeps_nothing(vcio_client, quarter_of_work):
    response = vcio_client.post(reverse("briefing:preview", args=[quarter_of_work.public_id]), {"note": "Draft note"})

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Draft note" in text and "PREVIEW" in text
    assert not Briefing.objects.exists() and not AuditEvent.objects.filter(event_type__startswith="briefing").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), [("prepare", "get"), ("preview", "post"), ("issue", "post")])
def test_another_vcios_client_has_no_briefing_pages(outsider_client, client_record, name, method):
    response = getattr(outsider_client, method)(reverse(f"briefing:{name}", args=[client_record.public_id]))

    assert response.status_code == 404
    assert not Briefing.objects.exists()


@pytest.mark.django_db
def test_another_vcios_briefing_cannot_be_read_downloaded_or_sent(client, outsider, quarter_of_work, vcio):
    briefing = briefing_issue(actor=vcio, client=quarter_of_work, note="")
    client.force_login(outsider)
    contact = quarter_of_work.contacts.get()

    assert client.get(reverse("briefing:detail", args=[briefing.public_id])).status_code == 404
    assert client.get(reverse("briefing:download", args=[briefing.public_id])).status_code == 404
    sent = client.post(reverse("briefing:send", args=[briefing.public_id]), {"contacts": [contact.public_id]})
    assert sent.status_code == 404 and not OutboundEmail.objects.filter(kind="briefing").exists()


@pytest.mark.django_db
def test_sending_emails_the_pdf_once_to_each_chosen_contact(
    vcio_client, vcio, quarter_of_work, django_capture_on_commit_callbacks
):
    briefing = briefing_issue(actor=vcio, client=quarter_of_work, note="")
    signer = quarter_of_work.contacts.get()
    office = ContactFactory(client=quarter_of_work, name="Office Manager", email="office@harbourview.example")
    url = reverse("briefing:send", args=[briefing.public_id])

    with django_capture_on_commit_callbacks(execute=True):
        vcio_client.post(url, {"contacts": [signer.public_id, office.public_id]})
    with django_capture_on_commit_callbacks(execute=True):
        again = vcio_client.post(url, {"contacts": [signer.public_id]}, follow=True)

    emails = OutboundEmail.objects.filter(kind="briefing")
    assert sorted(email.to[0] for email in emails) == sorted([signer.email, office.email])
    assert "nothing was sent again" in again.content.decode()
    briefing_mail = [
        message for message in mail.outbox if message.subject == f"Risk briefing for {quarter_of_work.name}"
    ]
    assert len(briefing_mail) == 2
    [(filename, content, mimetype)] = briefing_mail[0].attachments
    assert filename == f"{briefing.document_id}.pdf" and mimetype == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == briefing.sha256
    [event] = AuditEvent.objects.filter(event_type="briefing.sent")
    assert sorted(event.payload["contacts"]) == sorted([str(signer.public_id), str(office.public_id)])


@pytest.mark.django_db
def test_a_send_to_nobody_or_to_another_clients_contact_sends_nothing(vcio_client, vcio, quarter_of_work):
    briefing = briefing_issue(actor=vcio, client=quarter_of_work, note="")
    stranger = ContactFactory(client=ClientFactory(), email="stranger@elsewhere.example")
    url = reverse("briefing:send", args=[briefing.public_id])

    nobody = vcio_client.post(url, {})
    stranger_response = vcio_client.post(url, {"contacts": [stranger.public_id]})

    assert nobody.status_code == 400 and "Choose at least one contact" in nobody.content.decode()
    assert stranger_response.status_code == 400
    assert not OutboundEmail.objects.filter(kind="briefing").exists()


@pytest.mark.django_db
def test_the_service_refuses_a_contact_of_another_client(vcio, quarter_of_work):
    briefing = briefing_issue(actor=vcio, client=quarter_of_work, note="")
    stranger: Contact = ContactFactory(client=ClientFactory())

    with pytest.raises(Exception, match="current contacts"):
        briefing_send(actor=vcio, briefing=briefing, contacts=[stranger])
    assert not OutboundEmail.objects.filter(kind="briefing").exists()


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (datetime.date(2026, 5, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 12, 4), datetime.date(2026, 9, 4)),
        (datetime.date(2027, 1, 15), datetime.date(2026, 10, 15)),
    ],
)
def test_the_first_briefing_covers_three_months_even_from_a_months_last_day(day, start):
    assert three_months_before(day) == start
