"""The signed PDF: what the signer was shown, from the snapshot it carries, and the full evidence of every step."""

import hashlib
import io
import os

import pytest
from pypdf import PdfReader

from clients.services import agreement_update
from recommendations.documents import sealer
from recommendations.models import WaiverDocument
from riskreg.seal import validate_seal
from tests.recommendations.documents.test_pipeline import pdf_text, stored_bytes
from tests.recommendations.signing.test_evidence import BROWSER, walk_signer_steps
from tests.signing_helpers import document_create, send_request


@pytest.fixture
def signed_through_the_pages(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)
    walk_signer_steps(client, request, token, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    request.refresh_from_db()
    return request, WaiverDocument.objects.get(request=request)


@pytest.mark.django_db
def test_the_pdf_carries_the_snapshot_and_it_hashes_to_the_printed_content_hash(signed_through_the_pages):
    request, document = signed_through_the_pages
    pdf = stored_bytes(document)
    if os.environ.get("RISKREG_KEEP_PDF"):
        with open(os.environ["RISKREG_KEEP_PDF"], "wb") as handle:
            handle.write(pdf)

    [attached] = PdfReader(io.BytesIO(pdf)).attachments["signed-content.json"]

    assert attached == request.snapshot.encode()
    assert hashlib.sha256(attached).hexdigest() == request.content_hash
    assert request.content_hash in pdf_text(pdf).replace(" ", "")
    # Attached before sealing: the seal covers the attachment, and it validates.
    assert validate_seal(pdf, trust_roots=sealer.practice_trust_roots()).valid


@pytest.mark.django_db
def test_the_appendix_records_the_sender_the_code_delivery_and_every_step(signed_through_the_pages, vcio):
    request, document = signed_through_the_pages
    signature = request.signature
    text = pdf_text(stored_bytes(document))
    flat = text.replace(" ", "")

    for expected in [
        str(request.public_id),
        f"{vcio.get_full_name()}",
        "One-time code requested by the signatory",
        "Wrong one-time code entered",
        "One-time code entered correctly",
        "Decision signed and submitted",
        "Emailed to helene@harbourview.example",
        f"version {signature.intent_version}",
        "Consent to electronic records given",
        BROWSER[:40],
        "203.0.113.7",
        "Session A",
    ]:
        assert expected in text, expected
    assert signature.code_message_id.replace(" ", "") in flat
    assert signature.signature_sha256 in flat


@pytest.mark.django_db
def test_an_old_waiver_still_shows_the_agreement_version_it_quoted(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)
    walk_signer_steps(client, request, token, REMOTE_ADDR="203.0.113.7")
    agreement_update(actor=vcio, agreement=client_record.agreements.get(), data={"exclusions": "Nothing excluded."})
    WaiverDocument.objects.filter(request=request).delete()

    document = document_create(request)

    text = pdf_text(stored_bytes(document))
    assert "MSA-2026-001, version 1" in text
    assert "Losses arising from recommendations the client declined" in text
    assert "Nothing excluded." not in text
