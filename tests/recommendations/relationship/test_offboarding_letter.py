"""The offboarding notice letter: issued by a manager after an "offboard" decision from a frozen
snapshot, sealed like the signed records, found on /verify/, reviewed, then emailed and recorded."""

import datetime
import io
import json
import subprocess

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.services import relationship_decision_record
from recommendations.documents.letters import letter_data
from recommendations.documents.pdf.offboarding import render_offboarding_letter
from recommendations.documents.verify import document_lookup, document_verify_file
from recommendations.models import OffboardingLetter, OffboardingLetterSending, Recommendation, WaiverDocument
from recommendations.relationship.offboarding import offboarding_letter_issue, offboarding_letter_send
from recommendations.tasks import render_missing_documents
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.seal import load_sealer, sha256_hex, validate_seal
from tests.factories import ContactFactory, RecommendationFactory
from tests.recommendations.documents.test_pipeline import REASON, sign_request
from tests.signing_helpers import delivered


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def stored_bytes(document: WaiverDocument) -> bytes:
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def decide(client_record, manager, outcome: str = "offboard"):
    return relationship_decision_record(
        actor=manager,
        client=client_record,
        outcome=outcome,
        conditions="Fund MFA." if outcome == "conditions" else "",
        next_review_on=days(60),
    )


@pytest.fixture
def refused(client_record, vcio, django_capture_on_commit_callbacks):
    """A signed request: MFA refused (with REASON), offsite backups accepted; its waiver sealed."""
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    return request


@pytest.fixture
def offboard(client_record, manager, refused):
    return decide(client_record, manager)


@pytest.fixture
def signatory(client_record):
    return client_record.contacts.get(can_sign=True)


def issue(decision, manager, contact, *, effective_on=None, capture=None):
    return offboarding_letter_issue(
        actor=manager, decision=decision, addressee=contact, effective_on=effective_on or days(45)
    )


@pytest.fixture
def letter(offboard, manager, signatory, django_capture_on_commit_callbacks) -> OffboardingLetter:
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue(offboard, manager, signatory)
    return OffboardingLetter.objects.select_related("document").get(pk=issued.pk)


# --- issuing and what the letter says -----------------------------------------------------------


@pytest.mark.django_db
def test_an_offboard_decision_gives_a_sealed_dated_letter_listing_the_refusals_and_reasons(letter, client_record):
    document = letter.document
    text = pdf_text(stored_bytes(document))

    assert document.kind == WaiverDocument.Kind.OFFBOARDING
    assert document.sealed and document.sha256 == sha256_hex(stored_bytes(document))
    today, ends = timezone.localdate(), days(45)
    assert f"{today.day} {today:%B %Y}" in text
    assert "Notice of end of service" in text
    assert f"end on {ends.day} {ends:%B %Y}, 45 days after the date of this letter" in text
    assert "Dear Hélène Côté" in text
    assert "IAM-MFA — Multi-factor authentication" in text
    # Quoted from the signed refusal, and only the refused item is listed (backups were accepted).
    assert f"“{REASON}”" in text
    assert "Offsite backups" not in text
    assert "Covered by a current signed waiver Yes" in text
    assert client_record.name in text


@pytest.mark.django_db
def test_the_letter_says_which_refusals_a_current_signed_waiver_does_not_cover(
    offboard, manager, signatory, client_record
):
    RecommendationFactory(
        client=client_record, title="Email filtering", status="lapsed", valid_until=days(-3), likelihood=4, impact=4
    )

    letter = issue(offboard, manager, signatory)
    data = letter_data(letter)

    covered = {refusal.title: (refusal.covered, refusal.coverage, refusal.stated_reason) for refusal in data.refusals}
    assert covered == {
        "Multi-factor authentication": (True, "covered", REASON),
        # Refused outside a signing: the register holds no signed refusal and no stated reason.
        "Email filtering": (False, "unsigned", ""),
    }
    text = pdf_text(render_offboarding_letter(data))
    assert "Not covered: the register holds no signed refusal for it." in text
    assert "None stated" in text


@pytest.mark.django_db
def test_editing_a_recommendation_after_issuing_does_not_change_a_re_render(letter, client_record):
    first = render_offboarding_letter(letter_data(letter))
    mfa = Recommendation.objects.get(client=client_record, title="Multi-factor authentication")
    Recommendation.objects.filter(pk=mfa.pk).update(
        title="Renamed afterwards", likelihood=1, impact=1, status="implemented"
    )
    client_record.name = "Another name"
    client_record.save()

    again = render_offboarding_letter(letter_data(OffboardingLetter.objects.get(pk=letter.pk)))

    assert again == first
    assert "Renamed afterwards" not in pdf_text(again)
    assert "Multi-factor authentication" in pdf_text(again)


@pytest.mark.django_db
def test_the_letter_carries_its_snapshot_and_a_snapshot_changed_in_the_database_is_refused(letter):
    reader = PdfReader(io.BytesIO(stored_bytes(letter.document)))
    attached = reader.attachments["offboarding-letter.json"][0]

    assert sha256_hex(attached) == letter.content_hash
    assert json.loads(attached)["refusals"][0]["stated_reason"] == REASON
    letter.snapshot = letter.snapshot.replace(REASON, "Something else")
    with pytest.raises(ValueError, match="does not match its content hash"):
        letter_data(letter)


@pytest.mark.django_db
def test_issuing_is_audited_and_queues_the_seal_on_commit(
    offboard, manager, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = issue(offboard, manager, signatory)

    assert not WaiverDocument.objects.filter(letter=letter).exists()
    assert len(callbacks) == 1
    event = AuditEvent.objects.get(event_type="offboarding_letter.issued")
    assert event.object_id == str(letter.public_id)
    assert event.payload["effective_on"] == days(45).isoformat()
    assert event.payload["content_hash"] == letter.content_hash
    assert "Hélène" not in json.dumps(event.payload) + event.summary


@pytest.mark.django_db
def test_the_document_sweep_seals_a_letter_whose_task_was_lost(
    offboard, manager, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        letter = issue(offboard, manager, signatory)
    OffboardingLetter.objects.filter(pk=letter.pk).update(issued_at=timezone.now() - datetime.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        render_missing_documents()
        render_missing_documents()

    assert WaiverDocument.objects.filter(letter=letter).count() == 1


# --- seal and verification ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_letters_seal_validates_with_pdfsig_and_the_seal_helpers(letter, tmp_path):
    pdf = stored_bytes(letter.document)
    sealer = load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode())

    status = validate_seal(pdf, trust_roots=[sealer.signing_cert])

    assert status.valid, status.reason
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in report


@pytest.mark.django_db
def test_verify_finds_the_letter_by_file_and_by_id(letter, client):
    pdf = stored_bytes(letter.document)

    assert document_verify_file(pdf_bytes=pdf).document == letter.document
    assert document_lookup(document_id=letter.document_id, sha256=letter.document.sha256).genuine

    response = client.get(reverse("verify:page"), {"id": letter.document_id, "sha256": letter.document.sha256})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Genuine and unaltered" in page and "Offboarding notice" in page and "Letter dated" in page


@pytest.mark.django_db
def test_verify_waiver_passes_the_letter(letter, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(stored_bytes(letter.document))
    out = io.StringIO()

    call_command("verify_waiver", str(path), stdout=out)

    assert f"genuine and intact — {letter.document_id}, Harbourview Clinic, offboarding notice dated" in out.getvalue()


@pytest.mark.django_db
def test_with_a_tsa_the_letter_is_b_lta_and_retimestamp_documents_renews_it(
    tsa_settings, offboard, manager, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = issue(offboard, manager, signatory)
    document = WaiverDocument.objects.get(letter=letter)
    issued = stored_bytes(document)
    assert document.evidence_level == "B-LTA"

    after_expiry = (tsa_settings.tsa_certificate.not_valid_after + datetime.timedelta(days=1)).date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retimestamp_documents", before=after_expiry)

    document.refresh_from_db()
    renewed = stored_bytes(document)
    assert renewed != issued and renewed.startswith(issued)
    assert document_verify_file(pdf_bytes=renewed).genuine
    assert document_verify_file(pdf_bytes=issued).genuine


# --- sending ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_emails_the_sealed_pdf_and_records_it_each_time(
    letter, manager, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = offboarding_letter_send(actor=manager, letter=letter)
        second = offboarding_letter_send(actor=manager, letter=letter)

    assert list(OffboardingLetterSending.objects.filter(letter=letter)) == [first, second]
    emails = OutboundEmail.objects.filter(kind="offboarding_letter").order_by("pk")
    assert [email.to for email in emails] == [[signatory.email], [signatory.email]]
    email = emails[0]
    assert email.attachments == [
        {"filename": f"{letter.document_id}.pdf", "path": letter.document.file.name, "mimetype": "application/pdf"}
    ]
    assert letter.document_id in email.body_text and letter.document_id in email.body_html
    assert "<strong>" in email.body_html and "<strong>" not in email.body_text
    message = delivered(email)
    assert message.attachments == [(f"{letter.document_id}.pdf", stored_bytes(letter.document), "application/pdf")]
    events = AuditEvent.objects.filter(event_type="offboarding_letter.sent").order_by("sequence")
    assert [event.payload["sending"] for event in events] == [str(first.public_id), str(second.public_id)]


@pytest.mark.django_db
def test_a_letter_not_yet_sealed_is_not_sent(offboard, manager, signatory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        letter = issue(offboard, manager, signatory)

    with pytest.raises(Exception, match="still being sealed"):
        offboarding_letter_send(actor=manager, letter=letter)

    assert not OffboardingLetterSending.objects.exists()
    assert not OutboundEmail.objects.filter(kind="offboarding_letter").exists()


@pytest.mark.django_db
def test_a_letter_whose_addressee_left_is_not_sent(letter, manager, signatory):
    signatory.is_active = False
    signatory.save()

    with pytest.raises(Exception, match="no longer a current contact"):
        offboarding_letter_send(actor=manager, letter=letter)

    assert not OffboardingLetterSending.objects.exists()
    assert not AuditEvent.objects.filter(event_type="offboarding_letter.sent").exists()


# --- bad input changes nothing ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["continue", "conditions"])
def test_no_letter_is_issued_without_an_offboard_decision(client_record, manager, signatory, outcome):
    decision = decide(client_record, manager, outcome)

    with pytest.raises(Exception, match="Only an “offboard” decision"):
        issue(decision, manager, signatory)

    assert not OffboardingLetter.objects.exists()
    assert not AuditEvent.objects.filter(event_type="offboarding_letter.issued").exists()


@pytest.mark.django_db
def test_no_letter_is_issued_for_an_offboard_decision_a_later_one_replaced(offboard, client_record, manager, signatory):
    decide(client_record, manager, "continue")

    with pytest.raises(Exception, match="A later decision replaced this one"):
        issue(offboard, manager, signatory)

    assert not OffboardingLetter.objects.exists()


@pytest.mark.django_db
def test_no_letter_goes_to_a_contact_without_an_email_or_of_another_client(offboard, manager, signatory):
    erased = ContactFactory(client=offboard.client, name="Gone", email="gone@harbourview.example", is_active=False)
    stranger = ContactFactory(name="Stranger", email="stranger@elsewhere.example")

    for contact in (None, erased, stranger):
        with pytest.raises(Exception, match="current contacts with an email address"):
            issue(offboard, manager, contact)
    with pytest.raises(Exception, match="after today"):
        issue(offboard, manager, signatory, effective_on=timezone.localdate())

    assert not OffboardingLetter.objects.exists()


# --- pages and authorisation ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_issues_reviews_and_sends_through_the_pages(
    offboard, manager_client, signatory, client_record, django_capture_on_commit_callbacks
):
    issue_url = reverse("relationship:offboarding_letter_issue", args=[offboard.public_id])
    assert manager_client.get(issue_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(issue_url, {"addressee": signatory.pk, "effective_on": days(30).isoformat()})
    letter = OffboardingLetter.objects.get()
    assert response.url == reverse("relationship:offboarding_letter", args=[letter.public_id])

    detail = manager_client.get(response.url).content.decode()
    document = WaiverDocument.objects.get(letter=letter)
    assert reverse("signing:document_download", args=[document.public_id]) in detail
    assert "Not sent yet." in detail
    download = manager_client.get(reverse("signing:document_download", args=[document.public_id]))
    assert b"".join(download.streaming_content) == stored_bytes(document)

    send_url = reverse("relationship:offboarding_letter_send", args=[letter.public_id])
    confirm = manager_client.get(send_url).content.decode()
    assert "Send the offboarding notice?" in confirm and signatory.email in confirm
    assert not OffboardingLetterSending.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(send_url)
    assert OffboardingLetterSending.objects.filter(letter=letter).count() == 1

    page = manager_client.get(reverse("register:client_detail", args=[client_record.public_id])).content.decode()
    assert letter.document_id in page and f"to {signatory.name} &lt;{signatory.email}&gt;" in page
    assert reverse("signing:document_download", args=[document.public_id]) in page


@pytest.mark.django_db
def test_the_issue_page_says_why_when_no_letter_can_be_issued(client_record, manager, manager_client):
    decision = decide(client_record, manager, "continue")
    url = reverse("relationship:offboarding_letter_issue", args=[decision.public_id])

    response = manager_client.post(url, {"effective_on": days(30).isoformat()})

    assert response.status_code == 200
    assert "Only an “offboard” decision is given notice by letter." in response.content.decode()
    assert not OffboardingLetter.objects.exists()


@pytest.mark.django_db
def test_a_vcio_reads_the_letter_of_their_client_but_cannot_issue_or_send_it(letter, offboard, vcio_client, signatory):
    issue_url = reverse("relationship:offboarding_letter_issue", args=[offboard.public_id])
    send_url = reverse("relationship:offboarding_letter_send", args=[letter.public_id])

    assert vcio_client.get(reverse("relationship:offboarding_letter", args=[letter.public_id])).status_code == 200
    assert vcio_client.get(issue_url).status_code == 403
    assert (
        vcio_client.post(issue_url, {"addressee": signatory.pk, "effective_on": days(30).isoformat()}).status_code
        == 403
    )
    assert vcio_client.post(send_url).status_code == 403
    assert OffboardingLetter.objects.count() == 1
    assert not OffboardingLetterSending.objects.exists()


@pytest.mark.django_db
def test_an_outsider_finds_no_letter_no_decision_and_no_pdf(letter, offboard, outsider_client):
    urls = [
        reverse("relationship:offboarding_letter", args=[letter.public_id]),
        reverse("relationship:offboarding_letter_send", args=[letter.public_id]),
        reverse("relationship:offboarding_letter_issue", args=[offboard.public_id]),
        reverse("signing:document_download", args=[letter.document.public_id]),
    ]

    assert [outsider_client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert outsider_client.post(urls[1]).status_code == 404
    assert not OffboardingLetterSending.objects.exists()


@pytest.mark.django_db
def test_the_services_refuse_a_vcio(offboard, letter, vcio, signatory):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue(offboard, vcio, signatory)
    with pytest.raises(PermissionDenied):
        offboarding_letter_send(actor=vcio, letter=letter)
    assert OffboardingLetter.objects.count() == 1


@pytest.mark.django_db
def test_the_client_pages_offboarding_notice_takes_three_queries_however_many_letters_and_sendings(
    offboard, manager, signatory, client_record, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from recommendations.relationship.selectors import offboarding_overview

    with django_capture_on_commit_callbacks(execute=True):
        letters = [issue(offboard, manager, signatory, effective_on=days(30 + n)) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for letter in letters:
            offboarding_letter_send(actor=manager, letter=letter)
            offboarding_letter_send(actor=manager, letter=letter)

    with django_assert_max_num_queries(3):
        overview = offboarding_overview(client_record)
        shown = [
            (letter.document.document_id, [s.email.to for s in letter.sendings.all()]) for letter in overview.letters
        ]

    assert overview.decision == offboard
    assert [document_id for document_id, _ in shown] == [letter.document_id for letter in reversed(letters)]
    assert all(sent == [[signatory.email], [signatory.email]] for _, sent in shown)
