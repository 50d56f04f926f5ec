"""The seal key's lifecycle: an encrypted key in production, a register of every certificate,
rotation that keeps earlier documents verifiable, and the alarm for a seal the register never issued."""

import pytest
from asn1crypto import pem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.documents import verify as verification
from recommendations.documents.pdf import render_document
from recommendations.models import WaiverDocument
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from riskreg.models import SealCertificate
from riskreg.seal import certificate_fingerprint, create_seal_certificate, load_sealer, seal_pdf
from tests.recommendations.documents.pdf.test_render import waiver_data
from tests.recommendations.documents.test_pipeline import sign_request, stored_bytes


def _new_seal(path, passphrase=b"rotated"):
    create_seal_certificate(
        common_name="Rotated seal", organisation="Test practice", pkcs12_path=path, passphrase=passphrase
    )
    return path


@pytest.mark.django_db
def test_create_seal_certificate_refuses_an_unencrypted_key_in_production(settings, tmp_path):
    settings.PRODUCTION = True
    settings.RISKREG_SEAL_PASSPHRASE = ""
    settings.RISKREG_SEAL_PKCS12 = tmp_path / "seal.p12"

    with pytest.raises(CommandError, match="unencrypted seal key in production"):
        call_command("create_seal_certificate")

    assert not settings.RISKREG_SEAL_PKCS12.exists()


@pytest.mark.django_db
def test_create_seal_certificate_registers_the_certificate_with_an_audit_event(settings, tmp_path):
    settings.PRODUCTION = True
    settings.RISKREG_SEAL_PASSPHRASE = "long enough passphrase"
    settings.RISKREG_SEAL_PKCS12 = tmp_path / "seal.p12"

    call_command("create_seal_certificate", organisation="Northwind")

    row = SealCertificate.objects.get()
    certificate = load_sealer(settings.RISKREG_SEAL_PKCS12, b"long enough passphrase").signing_cert
    assert row.fingerprint == certificate_fingerprint(certificate)
    assert "Common Name: Northwind document seal" in row.subject
    assert row.valid_until > row.valid_from
    event = AuditEvent.objects.get(event_type="seal.certificate_added")
    assert event.payload["fingerprint"] == row.fingerprint


def _signed_then_rotated(settings, tmp_path, client_record, vcio, capture) -> WaiverDocument:
    """A document sealed with the session's certificate, then the practice rotated to a new one."""
    with capture(execute=True):
        first_request = sign_request(client_record, vcio)
    settings.RISKREG_SEAL_PKCS12 = _new_seal(tmp_path / "rotated.p12")
    settings.RISKREG_SEAL_PASSPHRASE = "rotated"
    return WaiverDocument.objects.get(request=first_request)


@pytest.mark.django_db
def test_after_rotating_the_certificate_documents_sealed_under_both_verify(
    settings, tmp_path, client_record, vcio, django_capture_on_commit_callbacks
):
    first = _signed_then_rotated(settings, tmp_path, client_record, vcio, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second_request = sign_request(client_record, vcio, outcomes=("accept",))
    second = WaiverDocument.objects.get(request=second_request)

    assert first.seal_fingerprint != second.seal_fingerprint
    for document in (first, second):
        result = verification.document_verify_file(pdf_bytes=stored_bytes(document))
        assert result.genuine and result.seal.valid, result.seal.reason
        assert result.seal.certificate_fingerprint == document.seal_fingerprint
    rows = SealCertificate.objects.order_by("added_at")
    assert [row.fingerprint for row in rows] == [first.seal_fingerprint, second.seal_fingerprint]
    assert all(row.first_used_at and row.last_used_at for row in rows)


@pytest.mark.django_db
def test_without_the_register_a_rotation_would_orphan_earlier_documents(
    settings, tmp_path, client_record, vcio, django_capture_on_commit_callbacks
):
    first = _signed_then_rotated(settings, tmp_path, client_record, vcio, django_capture_on_commit_callbacks)
    SealCertificate.objects.all().delete()

    result = verification.document_verify_file(pdf_bytes=stored_bytes(first))

    assert not result.seal.valid
    assert result.seal.reason == "the seal was not made with this practice's certificate"


@pytest.fixture
def forged(settings):
    """A PDF sealed with the practice's own key that the register never issued."""
    sealer = load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode())
    return seal_pdf(render_document(waiver_data()), signer=sealer, reason="made outside the register")


@pytest.mark.django_db
def test_a_valid_seal_on_a_file_the_register_never_issued_raises_the_alarm_once(forged, practice_admin, client):
    def upload():
        return client.post(
            reverse("verify:page"), {"file": SimpleUploadedFile("x.pdf", forged, content_type="application/pdf")}
        )

    page = upload().content.decode()
    upload()

    assert "Sealed with this practice's key but not issued by this register" in page
    assert AuditEvent.objects.filter(event_type="seal.unregistered_document").count() == 1
    email = OutboundEmail.objects.get(kind="unregistered_seal")
    assert email.to == [practice_admin.email]
    assert "Sealed with this practice" in email.subject or "sealed with this practice" in email.subject


@pytest.mark.django_db
def test_verify_waiver_reports_the_unregistered_seal_as_an_alarm(forged, practice_admin, tmp_path):
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)

    alarm = "NOT genuine — ALARM: sealed with this practice's key but not issued by this register"
    with pytest.raises(CommandError, match=alarm) as raised:
        call_command("verify_waiver", str(path))

    assert raised.value.returncode == 1
    assert OutboundEmail.objects.filter(kind="unregistered_seal").count() == 1


@pytest.mark.django_db
def test_a_file_sealed_by_someone_else_raises_no_alarm(tmp_path, practice_admin):
    stranger = load_sealer(_new_seal(tmp_path / "stranger.p12", b"x"), b"x")
    pdf = seal_pdf(render_document(waiver_data()), signer=stranger, reason="not ours")

    result = verification.document_verify_file(pdf_bytes=pdf)

    assert not result.sealed_but_not_issued
    assert not OutboundEmail.objects.filter(kind="unregistered_seal").exists()


@pytest.mark.django_db
def test_seal_certificates_adds_a_pem_certificate_and_lists_the_register(tmp_path, capsys):
    sealer = load_sealer(_new_seal(tmp_path / "old.p12"), b"rotated")
    pem_file = tmp_path / "old.pem"
    pem_file.write_bytes(pem.armor("CERTIFICATE", sealer.signing_cert.dump()))

    call_command("seal_certificates", add=pem_file)
    call_command("seal_certificates", add=pem_file)

    out = capsys.readouterr().out
    assert SealCertificate.objects.count() == 1
    assert (
        f"{certificate_fingerprint(sealer.signing_cert)}  Organization: Test practice, Common Name: Rotated seal" in out
    )
    assert "not used" in out


@pytest.mark.django_db
def test_seal_certificates_rejects_a_file_that_is_not_a_certificate(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")

    with pytest.raises(CommandError, match="not an X.509 certificate"):
        call_command("seal_certificates", add=junk)
    assert not SealCertificate.objects.exists()


@pytest.mark.django_db
def test_a_certificate_another_transaction_registered_meanwhile_is_taken_not_an_error(settings):
    """Two documents sealed at once with a new certificate: the second insert loses the unique key."""
    from unittest import mock

    from riskreg.seal_certificates import seal_certificate_register

    sealer = load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode())
    first = seal_certificate_register(certificate=sealer.signing_cert, how="first used to seal")
    # The second registration's lookup ran before the first one committed, so it saw no row.
    with mock.patch(
        "riskreg.seal_certificates.SealCertificate.objects.filter", return_value=SealCertificate.objects.none()
    ):
        second = seal_certificate_register(certificate=sealer.signing_cert, how="first used to seal")

    assert second == first
    assert SealCertificate.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="seal.certificate_added").count() == 1
