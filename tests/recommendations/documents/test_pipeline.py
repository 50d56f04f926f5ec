"""The document pipeline: a signed request becomes exactly one sealed, stored, emailed PDF."""

import base64
import io
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from recommendations import signing
from recommendations.documents import selectors as document_selectors
from recommendations.documents import services as document_services
from recommendations.models import Decision, DecisionRequest, WaiverDocument
from recommendations.tasks import render_missing_documents, render_request_document
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.seal import load_sealer, sha256_hex, validate_seal
from tests.factories import ControlFactory, RecommendationFactory
from tests.signing_helpers import latest_code, signature_data_url

REASON = "Budget is frozen until the new fiscal year; Hélène Côté will revisit it in spring."


def signature_png() -> bytes:
    return base64.b64decode(signature_data_url().split(",", 1)[1])


def evidence(**overrides) -> signing.SignerEvidence:
    values = {
        "typed_name": "Hélène Côté",
        "typed_title": "Executive Director",
        "signature_png": signature_png(),
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) RiskRegTest/1.0",
        "signer_timezone": "America/Toronto",
    }
    return signing.SignerEvidence(**{**values, **overrides})


def sign_request(client_record, vcio, *, outcomes=("refuse", "accept")) -> DecisionRequest:
    """Send, open, verify the code and sign through the real services; on-commit work runs."""
    control = ControlFactory(code="IAM-MFA", title="Multi-factor authentication")
    recommendations = [
        RecommendationFactory(
            client=client_record,
            control=control if index == 0 else None,
            title=title,
            likelihood=5 - index,
            impact=5,
            consequences=f"Consequence of going without {title.lower()}.",
        )
        for index, title in enumerate(["Multi-factor authentication", "Offsite backups", "Endpoint detection"])
    ][: len(outcomes)]
    signatory = client_record.contacts.get(can_sign=True)
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=signatory, recommendations=recommendations
    )
    signing.decision_request_mark_viewed(request=request)
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    items = list(request.items.order_by("position"))
    choices = [
        signing.ItemChoice(item_id=item.pk, outcome=outcome, reason=REASON if outcome == "refuse" else "")
        for item, outcome in zip(items, outcomes, strict=True)
    ]
    return signing.decision_request_complete(request=request, choices=choices, evidence=evidence())


@pytest.fixture
def signed(client_record, vcio, django_capture_on_commit_callbacks) -> DecisionRequest:
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    request.refresh_from_db()
    return request


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def altered_copy(pdf: bytes) -> bytes:
    """The same file with one byte changed inside the content the seal covers."""
    copy = bytearray(pdf)
    copy[len(pdf) // 3] ^= 0x01
    return bytes(copy)


def stored_bytes(document: WaiverDocument) -> bytes:
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_signing_a_request_creates_one_sealed_waiver(signed):
    document = WaiverDocument.objects.get(request=signed)

    assert document.kind == "waiver"
    assert document.sealed
    assert document.document_id == f"RR-{timezone.localtime(signed.completed_at).year}-{signed.pk:06d}"
    # Storage adds a suffix when the name is taken (test runs reuse database ids in one media folder).
    assert re.fullmatch(rf"documents/\d{{4}}/\d{{2}}/{document.document_id}(_\w+)?\.pdf", document.file.name)
    status = validate_seal(
        stored_bytes(document),
        trust_roots=[load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode()).signing_cert],
    )
    assert status.valid, status.reason
    assert status.signer_name == "Test practice document seal"


@pytest.mark.django_db
def test_the_stored_sha256_is_the_hash_of_the_stored_file(signed):
    document = WaiverDocument.objects.get(request=signed)

    assert document.sha256 == sha256_hex(stored_bytes(document))


@pytest.mark.django_db
def test_the_audit_chain_records_the_sha256_of_the_sealed_file(signed):
    document = WaiverDocument.objects.get(request=signed)

    event = AuditEvent.objects.get(event_type="document.sealed")

    assert event.payload["sha256"] == document.sha256
    assert event.payload["document_id"] == document.document_id
    assert event.object_id == str(document.public_id)
    assert event.scope == signed.client.scope


@pytest.mark.django_db
def test_a_rerun_of_the_task_makes_no_second_document_event_or_email(signed, django_capture_on_commit_callbacks):
    document = WaiverDocument.objects.get(request=signed)
    emails = OutboundEmail.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        render_request_document.delay(signed.pk)
        render_request_document.delay(signed.pk)

    assert list(WaiverDocument.objects.filter(request=signed)) == [document]
    assert AuditEvent.objects.filter(event_type="document.sealed").count() == 1
    assert OutboundEmail.objects.count() == emails
    assert sha256_hex(stored_bytes(document)) == document.sha256


@pytest.mark.django_db
def test_the_signed_copy_emails_say_what_was_decided(signed, client_record, vcio):
    refusal = signed.decisions.get(outcome="refuse")
    client_page = reverse("register:client_detail", args=[client_record.public_id])

    signer, staff = OutboundEmail.objects.filter(kind="signed_document").order_by("pk")

    for email in (signer, staff):
        assert (
            f"Multi-factor authentication: refused (reason: {REASON}), valid until "
            f"{refusal.valid_until.day} {refusal.valid_until:%B %Y}"
        ) in email.body_text
        assert "Offsite backups: accepted\n" in email.body_text
        assert "<strong>Offsite backups</strong>: accepted" in email.body_html
    assert client_page in staff.body_text and client_page not in signer.body_text
    assert "Thank you. Your decision" in signer.body_text


@pytest.mark.django_db
def test_signing_itself_emails_no_one_until_the_document_is_sealed(client_record, vcio):
    request = sign_request(client_record, vcio)

    assert set(OutboundEmail.objects.values_list("kind", flat=True)) == {"decision_request", "signing_code"}
    document_services.request_document_create(request_id=request.pk)
    assert OutboundEmail.objects.filter(kind="signed_document").count() == 2


@pytest.mark.django_db
def test_the_pdf_goes_to_the_signer_and_the_vcio_as_an_attachment(signed, vcio):
    document = WaiverDocument.objects.get(request=signed)

    queued = OutboundEmail.objects.filter(kind="signed_document").order_by("pk")
    sent = [message for message in mail.outbox if document.document_id in message.subject]

    assert [email.to for email in queued] == [["helene@harbourview.example"], [vcio.email]]
    for email in queued:
        assert email.attachments == [
            {"filename": f"{document.document_id}.pdf", "path": document.file.name, "mimetype": "application/pdf"}
        ]
        assert email.status == "sent"
        assert document.sha256 in email.body_text
    assert len(sent) == 2
    for message in sent:
        assert message.attachments == [(f"{document.document_id}.pdf", stored_bytes(document), "application/pdf")]


@pytest.mark.django_db
def test_the_pdf_holds_every_required_element(signed):
    document = WaiverDocument.objects.get(request=signed)
    signature = signed.signature
    refused = Decision.objects.get(request=signed, outcome="refuse")

    text = pdf_text(stored_bytes(document))

    for expected in [
        "Risk acceptance and waiver of recommended security controls",
        document.document_id,
        "Harbourview Clinic",
        "Hélène Côté",
        "Executive Director",
        "helene@harbourview.example",
        "IAM-MFA — Multi-factor authentication",
        "Consequence of going without multi-factor authentication.",
        REASON,
        "Critical",
        "MSA-2026-001",
        "Losses arising from recommendations the client declined",
        "Recommendations accepted in the same decision",
        "Offsite backups",
        f"{refused.valid_until.day} {refused.valid_until:%B} {refused.valid_until.year}",
        "203.0.113.7",
        "RiskRegTest/1.0",
        "One-time code entered correctly",
        "Signing link opened by the signatory",
        "Decision signed and submitted",
        signature.consent_text[:60],
        f"version {signature.consent_version}",
        document_selectors.verification_url(document.document_id),
        "page 1 of",
    ]:
        assert expected in text, expected
    # A 64-character hash may wrap inside its table cell.
    assert signed.content_hash in text.replace(" ", "")


@pytest.mark.django_db
def test_a_request_with_only_acceptances_gets_a_confirmation(client_record, vcio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio, outcomes=("accept",))

    document = WaiverDocument.objects.get(request=request)

    assert document.kind == "confirmation"
    assert "Confirmation of accepted security recommendations" in pdf_text(stored_bytes(document))


@pytest.mark.django_db
def test_an_open_request_gets_no_document(client_record, vcio):
    from tests.signing_helpers import send_request

    request, _, _ = send_request(client_record, vcio)

    assert document_services.request_document_create(request_id=request.pk) is None
    assert not WaiverDocument.objects.exists()


@pytest.mark.django_db
def test_with_the_broker_down_signing_succeeds_and_the_sweep_renders_the_document_later(
    client_record, vcio, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(render_request_document, "apply_async", broker_down)
        with (
            caplog.at_level(logging.WARNING, logger="recommendations.signing.complete"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            request = sign_request(client_record, vcio)

    assert DecisionRequest.objects.get(pk=request.pk).status == "completed"
    assert not WaiverDocument.objects.exists()
    assert "not queued; the document sweep will render it" in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        assert render_missing_documents.delay().get() == 0  # still inside the on-commit task's grace
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            assert render_missing_documents.delay().get() == 1

    assert WaiverDocument.objects.filter(request=request).count() == 1


@pytest.mark.django_db
def test_a_run_that_loses_the_race_removes_its_file_and_returns_the_winner(signed, monkeypatch):
    winner = WaiverDocument.objects.get(request=signed)
    files_before = sorted(default_storage.listdir(winner.file.name.rsplit("/", 1)[0])[1])
    # The loser passed the "already rendered?" check before the winner committed.
    real_filter = WaiverDocument.objects.filter
    first_call = [True]

    def filter_missing_the_winner_once(*args, **kwargs):
        if first_call.pop() if first_call else False:
            return WaiverDocument.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(WaiverDocument.objects, "filter", filter_missing_the_winner_once, raising=False)

    result = document_services.request_document_create(request_id=signed.pk)

    assert result == winner
    assert WaiverDocument.objects.filter(request=signed).count() == 1
    assert sorted(default_storage.listdir(winner.file.name.rsplit("/", 1)[0])[1]) == files_before


@pytest.mark.django_db
def test_staff_download_the_pdf_from_the_client_page(signed, vcio_client):
    document = WaiverDocument.objects.get(request=signed)
    download = reverse("signing:document_download", args=[document.public_id])

    page = vcio_client.get(reverse("register:client_detail", args=[signed.client.public_id]) + "?section=requests")
    response = vcio_client.get(download)

    assert f'href="{download}"' in page.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(document)
    assert f'filename="{document.document_id}.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_outsider_cannot_download_the_pdf(signed, outsider_client):
    document = WaiverDocument.objects.get(request=signed)

    response = outsider_client.get(reverse("signing:document_download", args=[document.public_id]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_signer_downloads_the_pdf_from_the_done_page(signed, client):
    document = WaiverDocument.objects.get(request=signed)
    session = client.session
    session[f"signer:{signed.public_id}"] = True  # set by the verify view, kept after signing
    session.save()

    page = client.get(reverse("sign:done", args=[signed.public_id]))
    response = client.get(reverse("sign:document", args=[signed.public_id]))

    assert reverse("sign:document", args=[signed.public_id]) in page.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(document)


# A process killed inside the document transaction (kill -9) must leave no sealed document that
# the register does not know; what it leaves is finished or removed by the document sweep.


def _documents_on_disk() -> list[str]:
    found = []
    folders = ["documents"]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders += [f"{folder}/{name}" for name in subfolders if name != "pending"]
        found += [f"{folder}/{name}" for name in files]
    return found


@pytest.mark.django_db
def test_inside_the_document_transaction_no_sealed_file_exists_under_a_document_name(
    client_record, vcio, monkeypatch
):
    request = sign_request(client_record, vcio)
    seen: dict[str, object] = {}
    real_audit_append = document_services.audit_append

    def look_then_die(**kwargs):
        real_audit_append(**kwargs)
        seen["documents"] = _documents_on_disk()
        seen["pending"] = default_storage.listdir(document_services.PENDING_DIR)[1]
        raise KeyboardInterrupt  # the nearest an in-process test gets to kill -9

    monkeypatch.setattr(document_services, "audit_append", look_then_die)
    before = _documents_on_disk()

    with pytest.raises(KeyboardInterrupt):
        document_services.request_document_create(request_id=request.pk)

    assert seen["documents"] == before
    assert len(seen["pending"]) == 1 and seen["pending"][0].startswith(document_id_prefix(request))
    assert not WaiverDocument.objects.exists()


def document_id_prefix(request: DecisionRequest) -> str:
    return document_selectors.document_id_for(DecisionRequest.objects.get(pk=request.pk))


@pytest.mark.django_db
def test_the_sweep_removes_a_pending_file_whose_transaction_never_committed(client_record, vcio):
    request = sign_request(client_record, vcio)
    orphan_name = f"{document_services.PENDING_DIR}/{document_id_prefix(request)}.dead.pdf"
    orphan = default_storage.save(orphan_name, ContentFile(b"x"))

    assert document_services.pending_document_files_sweep(older_than=timezone.now() - timedelta(minutes=2)) == (0, 0)
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        cutoff = timezone.now() - timedelta(minutes=2)
        finished, removed = document_services.pending_document_files_sweep(older_than=cutoff)

    assert (finished, removed) == (0, 1)
    assert not default_storage.exists(orphan)


@pytest.mark.django_db
def test_a_document_recorded_but_not_renamed_is_finished_by_the_sweep(client_record, vcio):
    request = sign_request(client_record, vcio)
    # The process died after the commit, before its on-commit rename ran.
    document = document_services.request_document_create(request_id=request.pk)
    [pending] = default_storage.listdir(document_services.PENDING_DIR)[1]
    assert not default_storage.exists(document.file.name)

    finished, removed = document_services.pending_document_files_sweep(older_than=timezone.now() - timedelta(minutes=2))

    assert (finished, removed) == (1, 0)
    assert sha256_hex(stored_bytes(document)) == document.sha256
    assert pending not in default_storage.listdir(document_services.PENDING_DIR)[1]


@pytest.mark.django_db
def test_a_committed_document_is_at_its_final_name_and_no_pending_file_is_left(signed):
    document = WaiverDocument.objects.get(request=signed)

    assert sha256_hex(stored_bytes(document)) == document.sha256
    assert not document.file.name.startswith(document_services.PENDING_DIR)
    assert default_storage.listdir(document_services.PENDING_DIR)[1] == []
