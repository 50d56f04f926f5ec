"""Trusted time on every seal: PAdES B-LTA with a real RFC 3161 service on localhost (certomancer's
Animator), checked with pyHanko's own validator and poppler's pdfsig; B-B without one, and saying so."""

import asyncio
import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.registry import SimpleTrustManager

from recommendations.documents import services as document_services
from recommendations.documents import timestamps
from recommendations.documents import verify as verification
from recommendations.models import DecisionRequest, DocumentRenewal, WaiverDocument
from recommendations.tasks import render_missing_documents
from riskreg.audit.chain import audit_append
from riskreg.audit.documents import verify_documents
from riskreg.audit.models import AuditEvent
from riskreg.audit.tasks import integrity_alert_enqueue
from riskreg.seal import sha256_hex
from riskreg.trusted_time import configured_tsa
from tests.recommendations.documents.test_pipeline import pdf_text, sign_request, stored_bytes

DEAD_TSA = "http://127.0.0.1:9/riskreg-test/tsa/tsa"


def lta_validation(pdf: bytes, *roots):
    """pyHanko's PAdES B-LTA validation (ETSI EN 319 102-1), from what the file carries alone."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[*roots, signature.signer_cert]),
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule)
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    return asyncio.run(ades_lta_validation(signature, spec))


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return {str(path) for path in root.rglob("*.pdf")} if root.exists() else set()


@pytest.fixture
def sealed_with_tsa(tsa_settings, client_record, vcio, django_capture_on_commit_callbacks) -> WaiverDocument:
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    return WaiverDocument.objects.get(request=request)


@pytest.mark.django_db
def test_a_freshly_signed_waiver_validates_as_pades_b_lta_in_pyhanko(sealed_with_tsa, local_tsa):
    pdf = stored_bytes(sealed_with_tsa)

    result = lta_validation(pdf, local_tsa.root_certificate)

    assert result.ades_subindic == AdESPassed.OK
    assert result.oldest_evidence_record_timestamp is not None  # the document timestamp
    assert result.signature_timestamp_status.ades_subindic == AdESPassed.OK
    assert sealed_with_tsa.evidence_level == "B-LTA"
    assert sealed_with_tsa.timestamp_expires_at == local_tsa.tsa_certificate.not_valid_after
    assert b"/DSS" in pdf


@pytest.mark.django_db
def test_the_document_says_its_seal_is_b_lta(sealed_with_tsa):
    text = pdf_text(stored_bytes(sealed_with_tsa))

    assert "PAdES B-LTA" in text
    assert "independent RFC 3161 time-stamping authority" in text


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is not installed")
@pytest.mark.django_db
def test_pdfsig_reports_the_seal_valid_and_shows_the_document_timestamp(sealed_with_tsa, tmp_path):
    path = tmp_path / "waiver.pdf"
    path.write_bytes(stored_bytes(sealed_with_tsa))

    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout

    seal, timestamp = report.split("Signature #2:")
    assert "Signature Field Name: PracticeSeal" in seal
    assert "Signature Validation: Signature is Valid." in seal
    assert "Signature Field Name: DocumentTimestamp" in timestamp
    assert "RiskReg Test Time Stamping Authority" in timestamp


@pytest.mark.django_db
def test_without_a_tsa_the_seal_is_b_b_and_says_its_time_is_the_server_s_clock(
    client_record, vcio, django_capture_on_commit_callbacks, vcio_client
):
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    document = WaiverDocument.objects.get(request=request)

    assert document.evidence_level == "B-B"
    assert document.timestamp_expires_at is None
    assert "time of sealing is the Practice's own server clock" in pdf_text(stored_bytes(document))
    page = vcio_client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()
    assert "time of sealing is the Practice&#x27;s own server clock" in page
    client_url = reverse("register:client_detail", args=[client_record.public_id]) + "?section=requests"
    client_page = vcio_client.get(client_url).content.decode()
    assert 'B-B<span class="visually-hidden">: time from the server\'s clock' in client_page


@pytest.mark.django_db
def test_with_the_tsa_down_the_signing_succeeds_and_the_seal_appears_once_it_is_back(
    tsa_settings, settings, client_record, vcio, django_capture_on_commit_callbacks
):
    live_url = settings.RISKREG_TSA_URL
    settings.RISKREG_TSA_URL = DEAD_TSA
    settings.RISKREG_TSA_TIMEOUT = 1

    files_before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)

    assert DecisionRequest.objects.get(pk=request.pk).status == "completed"
    assert not WaiverDocument.objects.exists()
    assert stored_files() == files_before  # no half-sealed file left behind
    assert not AuditEvent.objects.filter(event_type="document.sealed").exists()

    settings.RISKREG_TSA_URL = live_url
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert render_missing_documents.delay().get() == 1

    document = WaiverDocument.objects.get(request=request)
    assert document.evidence_level == "B-LTA"
    assert verification.document_verify_file(pdf_bytes=stored_bytes(document)).seal.level == "B-LTA"


def _retimestamp(local_tsa, capture) -> None:
    """Renew every due document as cron would: the renewed file takes its final name on commit."""
    after_expiry = (local_tsa.tsa_certificate.not_valid_after + timedelta(days=1)).date().isoformat()
    with capture(execute=True):
        call_command("retimestamp_documents", before=after_expiry)


@pytest.mark.django_db
def test_retimestamp_documents_adds_a_timestamp_and_every_version_still_verifies(
    sealed_with_tsa, local_tsa, capsys, django_capture_on_commit_callbacks
):
    issued, issued_name = stored_bytes(sealed_with_tsa), sealed_with_tsa.file.name
    files_before = stored_files()

    _retimestamp(local_tsa, django_capture_on_commit_callbacks)

    sealed_with_tsa.refresh_from_db()
    renewed = stored_bytes(sealed_with_tsa)
    assert renewed.startswith(issued)  # an incremental update
    # The renewed file replaced the issued one; no pending file is left.
    assert stored_files() - files_before == {str(Path(settings.MEDIA_ROOT) / sealed_with_tsa.file.name)}
    assert files_before - stored_files() == {str(Path(settings.MEDIA_ROOT) / issued_name)}
    assert f"{sealed_with_tsa.document_id}: renewed" in capsys.readouterr().out
    now = verification.document_verify_file(pdf_bytes=renewed)
    assert now.genuine and now.seal.valid and now.seal.document_timestamps == 2 and now.seal.timestamp_valid
    before = verification.document_verify_file(pdf_bytes=issued)
    assert before.genuine and before.seal.valid
    renewal = DocumentRenewal.objects.get(document=sealed_with_tsa)
    event = AuditEvent.objects.get(event_type="document.timestamp_renewed")
    assert event.payload["sha256_before"] == sealed_with_tsa.sha256
    assert event.payload["sha256"] == renewal.sha256
    assert lta_validation(renewed, local_tsa.root_certificate).ades_subindic == AdESPassed.OK


@pytest.mark.django_db
def test_a_renewed_document_matches_the_chain_in_verify_audit_chain_and_the_weekly_check(
    sealed_with_tsa, local_tsa, django_capture_on_commit_callbacks, practice_admin
):
    _retimestamp(local_tsa, django_capture_on_commit_callbacks)
    out = io.StringIO()

    call_command("verify_audit_chain", stdout=out)

    assert "1 documents (1 files) match their sealing events" in out.getvalue()
    assert integrity_alert_enqueue(day=timezone.localdate()) is None


@pytest.mark.django_db
def test_the_issued_bytes_put_back_in_place_of_a_renewed_file_are_reported(
    sealed_with_tsa, local_tsa, django_capture_on_commit_callbacks
):
    issued = stored_bytes(sealed_with_tsa)
    _retimestamp(local_tsa, django_capture_on_commit_callbacks)
    sealed_with_tsa.refresh_from_db()
    default_storage.delete(sealed_with_tsa.file.name)
    default_storage.save(sealed_with_tsa.file.name, ContentFile(issued))

    report = verify_documents()

    assert [problem for problem in report.problems if "when its timestamp was last renewed" in problem]


@pytest.mark.django_db
def test_a_renewal_event_in_the_chain_that_does_not_follow_from_the_issued_file_is_not_trusted(
    sealed_with_tsa, client, django_capture_on_commit_callbacks
):
    forged = stored_bytes(sealed_with_tsa) + b"%% appended\n"
    audit_append(
        actor=None,
        actor_label="system",
        event_type="document.timestamp_renewed",
        object_type="waiver_document",
        object_id=str(sealed_with_tsa.public_id),
        scope=sealed_with_tsa.request.client.scope,
        summary="a renewal from bytes never issued",
        payload={"sha256_before": "0" * 64, "sha256": sha256_hex(forged)},
    )

    assert verification.document_verify_file(pdf_bytes=forged).outcome == "unknown"
    assert not verification.document_lookup(document_id=sealed_with_tsa.document_id, sha256=sha256_hex(forged)).genuine


@pytest.mark.django_db
def test_a_renewal_that_fails_inside_its_transaction_leaves_no_file_behind(sealed_with_tsa, monkeypatch):
    name, issued = sealed_with_tsa.file.name, stored_bytes(sealed_with_tsa)
    files_before = stored_files()

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(timestamps, "audit_append", interrupted)
    with pytest.raises(KeyboardInterrupt):
        timestamps.document_timestamp_renew(document=sealed_with_tsa, tsa=configured_tsa())

    sealed_with_tsa.refresh_from_db()
    assert sealed_with_tsa.file.name == name and stored_bytes(sealed_with_tsa) == issued
    assert not DocumentRenewal.objects.exists()
    assert stored_files() == files_before


@pytest.mark.django_db
def test_the_sweep_finishes_a_renewal_whose_rename_was_cut_short(
    sealed_with_tsa, monkeypatch, django_capture_on_commit_callbacks
):
    issued_name = sealed_with_tsa.file.name

    def storage_down(**kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr(timestamps, "document_file_finalise", storage_down)
    with django_capture_on_commit_callbacks(execute=True):
        renewal = timestamps.document_timestamp_renew(document=sealed_with_tsa, tsa=configured_tsa())
    monkeypatch.undo()
    sealed_with_tsa.refresh_from_db()
    assert not default_storage.exists(sealed_with_tsa.file.name)

    finished, removed = document_services.pending_document_files_sweep(older_than=timezone.now() - timedelta(minutes=2))

    assert (finished, removed) == (1, 0)
    assert sha256_hex(stored_bytes(sealed_with_tsa)) == renewal.sha256
    assert default_storage.exists(issued_name)  # the issued file goes only once the renewed one is in place


@pytest.mark.django_db
def test_retimestamp_documents_leaves_documents_not_yet_due(sealed_with_tsa, capsys):
    call_command("retimestamp_documents", before=timezone.localdate().isoformat())

    assert "0 document(s) due" in capsys.readouterr().out
    assert not DocumentRenewal.objects.exists()


@pytest.mark.django_db
def test_retimestamp_documents_needs_a_tsa_and_a_date(sealed_with_tsa, settings):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retimestamp_documents", before="next year")
    settings.RISKREG_TSA_URL = ""
    with pytest.raises(CommandError, match="set RISKREG_TSA_URL"):
        call_command("retimestamp_documents", before="2100-01-01")


@pytest.mark.django_db
def test_a_renewal_that_fails_changes_nothing(sealed_with_tsa, settings):
    settings.RISKREG_TSA_URL = DEAD_TSA
    settings.RISKREG_TSA_TIMEOUT = 1
    name, issued = sealed_with_tsa.file.name, stored_bytes(sealed_with_tsa)

    with pytest.raises(CommandError, match="could not be renewed"):
        call_command("retimestamp_documents", before="2100-01-01")

    sealed_with_tsa.refresh_from_db()
    assert sealed_with_tsa.file.name == name and stored_bytes(sealed_with_tsa) == issued
    assert not DocumentRenewal.objects.exists()
    assert not AuditEvent.objects.filter(event_type="document.timestamp_renewed").exists()


@pytest.mark.django_db
def test_verify_waiver_prints_the_level_the_timestamp_and_the_certificate(sealed_with_tsa, tmp_path, capsys):
    path = tmp_path / "copy.pdf"
    path.write_bytes(stored_bytes(sealed_with_tsa))

    call_command("verify_waiver", str(path))

    out = capsys.readouterr().out
    assert "seal valid, PAdES B-LTA, trusted timestamp 20" in out
    assert f"seal certificate SHA-256 {sealed_with_tsa.seal_fingerprint}, valid " in out


@pytest.mark.django_db
def test_the_verification_page_shows_the_level_timestamp_and_certificate(sealed_with_tsa, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("copy.pdf", stored_bytes(sealed_with_tsa), content_type="application/pdf")

    page = client.post(reverse("verify:page"), {"file": upload}).content.decode()

    assert "Genuine and unaltered" in page
    assert "by a trusted time-stamping authority" in page
    assert "PAdES B-LTA" in page
    assert sealed_with_tsa.seal_fingerprint in page
