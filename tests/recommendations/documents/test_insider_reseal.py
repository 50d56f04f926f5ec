"""The insider re-seal: an altered waiver, re-sealed with the practice's own key, its hash written into
the document's row and its file replaced. The audit chain still holds what was issued, so every
check says it is not genuine (issue 17)."""

import dataclasses
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.documents import sealer
from recommendations.documents import selectors as document_selectors
from recommendations.documents.pdf import render_document
from recommendations.models import WaiverDocument
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.audit.tasks import integrity_alert_enqueue
from riskreg.mail.models import OutboundEmail
from riskreg.seal import seal_pdf, sha256_hex, validate_seal
from tests.recommendations.documents.test_pipeline import REASON, signed, stored_bytes  # noqa: F401  (fixture)

FORGED_REASON = "The provider never explained the risk to us."


@pytest.fixture
def reseal(signed, tmp_path):  # noqa: F811
    """(genuine bytes, forged bytes, path of the forged file) after the insider's work."""
    document = WaiverDocument.objects.select_related("request__client", "request__signature").get(request=signed)
    genuine = stored_bytes(document)
    data = document_selectors.document_data_for_request(document.request)
    forged_items = tuple(
        dataclasses.replace(item, reason=FORGED_REASON) if item.reason else item for item in data.items
    )
    forged = seal_pdf(
        render_document(dataclasses.replace(data, items=forged_items)),
        signer=sealer.practice_sealer(),
        reason=f"Issued by {data.practice.legal_name} as document {data.document_id}",
        attachments=document_selectors.document_attachments(data),
    )
    # The insider's database and disk work: the row's hash and the stored file now name the forgery.
    default_storage.delete(document.file.name)
    default_storage.save(document.file.name, ContentFile(forged))
    WaiverDocument.objects.filter(pk=document.pk).update(sha256=sha256_hex(forged))
    path = tmp_path / f"{document.document_id}.pdf"
    path.write_bytes(forged)
    assert validate_seal(forged, trust_roots=sealer.practice_trust_roots()).valid, "the forgery's seal is valid"
    assert verify_chain().intact, "no audit event was touched"
    return genuine, forged, path


def _upload(client, data: bytes) -> str:
    response = client.post(reverse("verify:page"), {"file": SimpleUploadedFile("waiver.pdf", data, "application/pdf")})
    return response.content.decode()


@pytest.mark.django_db
def test_the_verification_page_reports_the_reseal_as_not_genuine_and_raises_the_alarm(
    client, reseal, practice_admin
):
    _, forged, _ = reseal

    page = _upload(client, forged)

    assert "Sealed with this practice's key but not issued by this register" in page
    assert "Genuine and unaltered" not in page
    assert "audit log recorded different contents" in page
    alarm = AuditEvent.objects.get(event_type="seal.unregistered_document")
    assert alarm.payload["sha256"] == sha256_hex(forged)
    assert OutboundEmail.objects.get(kind="unregistered_seal").to == [practice_admin.email]


@pytest.mark.django_db
def test_the_lookup_by_id_and_hash_reports_the_reseal_as_not_genuine(client, reseal):
    _, forged, _ = reseal
    document = WaiverDocument.objects.get()

    page = client.get(reverse("verify:page"), {"id": document.document_id, "sha256": sha256_hex(forged)})

    assert "Not a document issued by this practice, or altered" in page.content.decode()


@pytest.mark.django_db
def test_verify_waiver_reports_the_reseal_as_not_genuine(reseal):
    _, _, path = reseal

    alarm = "NOT genuine — ALARM: sealed with this practice's key but not issued"
    with pytest.raises(CommandError, match=alarm) as failure:
        call_command("verify_waiver", str(path))

    assert failure.value.returncode == 1


@pytest.mark.django_db
def test_verify_audit_chain_reports_the_replaced_file_and_the_rewritten_row(reseal):
    genuine, forged, _ = reseal
    errors = io.StringIO()

    with pytest.raises(CommandError, match="2 document problem"):
        call_command("verify_audit_chain", stderr=errors)

    written = errors.getvalue()
    assert f"the register records SHA-256 {sha256_hex(forged)}, but the audit chain recorded {sha256_hex(genuine)}" in (
        written
    )
    assert "its file has SHA-256" in written and "the file was replaced or altered" in written


@pytest.mark.django_db
def test_the_genuine_copy_still_verifies_and_says_the_register_was_altered(client, reseal, tmp_path):
    genuine, _, _ = reseal
    path = tmp_path / "genuine.pdf"
    path.write_bytes(genuine)
    out, err = io.StringIO(), io.StringIO()

    page = _upload(client, genuine)
    call_command("verify_waiver", str(path), stdout=out, stderr=err)

    assert "Genuine and unaltered" in page and "The register's own record of this document was changed" in page
    assert "genuine and intact" in out.getvalue() and "matches the audit chain" in out.getvalue()
    assert "was changed after it was issued" in err.getvalue()


@pytest.mark.django_db
def test_the_weekly_check_emails_the_admins_about_the_reseal(reseal, practice_admin):
    import datetime

    email = integrity_alert_enqueue(day=datetime.date(2027, 3, 7))

    assert email.to == [practice_admin.email]
    assert email.subject == "RiskReg integrity check FAILED on 2027-03-07: 2 problem(s)"
    assert "the file was replaced or altered" in email.body_text
    assert integrity_alert_enqueue(day=datetime.date(2027, 3, 7)).pk == email.pk
    assert OutboundEmail.objects.filter(kind="integrity_alert").count() == 1


@pytest.mark.django_db
def test_the_weekly_check_stays_quiet_when_everything_holds(signed, practice_admin):  # noqa: F811
    import datetime

    assert integrity_alert_enqueue(day=datetime.date(2027, 3, 7)) is None
    assert REASON  # the signed waiver's own reason is in place
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "1 documents (1 files) match their sealing events" in out.getvalue()


def test_the_weekly_check_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-document-check"]
    assert entry["task"] == "riskreg.audit.tasks.check_documents_weekly"
    assert entry["schedule"].day_of_week == {0}
