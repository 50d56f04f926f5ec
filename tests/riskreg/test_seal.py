"""The practice seal: made offline, validated offline, broken by any change."""

import re
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from recommendations.documents.pdf import render_document
from riskreg.seal import (
    SealError,
    create_seal_certificate,
    load_sealer,
    seal_pdf,
    sha256_hex,
    validate_seal,
)
from tests.recommendations.documents.pdf.test_render import waiver_data

PASSPHRASE = b"correct horse battery staple"
COMMON_NAME = "Northwind Managed Services Ltd. document seal"


def _make_certificate(path: Path, *, common_name: str = COMMON_NAME) -> Path:
    create_seal_certificate(
        common_name=common_name,
        organisation="Northwind Managed Services Ltd.",
        pkcs12_path=path,
        passphrase=PASSPHRASE,
    )
    return path


@pytest.fixture(scope="module")
def seal_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_certificate(tmp_path_factory.mktemp("seal") / "seal.p12")


@pytest.fixture(scope="module")
def unsealed_pdf() -> bytes:
    return render_document(waiver_data())


@pytest.fixture(scope="module")
def sealed_pdf(seal_file: Path, unsealed_pdf: bytes) -> bytes:
    signer = load_sealer(seal_file, PASSPHRASE)
    return seal_pdf(unsealed_pdf, signer=signer, reason="Issued by Northwind", location="Toronto")


def _trust(seal_file: Path) -> list:
    return [load_sealer(seal_file, PASSPHRASE).signing_cert]


def test_a_sealed_document_is_intact_and_valid(seal_file: Path, sealed_pdf: bytes) -> None:
    status = validate_seal(sealed_pdf, trust_roots=_trust(seal_file))

    assert status.sealed
    assert status.intact
    assert status.valid
    assert status.signer_name == COMMON_NAME
    assert status.signed_at is not None


def test_sealing_keeps_the_original_bytes_as_the_signed_revision(sealed_pdf: bytes, unsealed_pdf: bytes) -> None:
    assert sealed_pdf.startswith(unsealed_pdf)
    assert b"/ETSI.CAdES.detached" in sealed_pdf


def test_changing_one_byte_inside_the_signed_range_breaks_the_seal(seal_file: Path, sealed_pdf: bytes) -> None:
    position = sealed_pdf.index(b"WVR-2025-0042")
    altered = bytearray(sealed_pdf)
    altered[position] ^= 0x01  # "W" -> "V": the file still parses

    status = validate_seal(bytes(altered), trust_roots=_trust(seal_file))

    assert status.sealed
    assert not status.intact
    assert not status.valid
    assert "altered" in status.reason


def test_flipping_a_byte_anywhere_in_the_content_is_never_valid(
    seal_file: Path, sealed_pdf: bytes, unsealed_pdf: bytes
) -> None:
    altered = bytearray(sealed_pdf)
    altered[len(unsealed_pdf) // 2] ^= 0xFF

    status = validate_seal(bytes(altered), trust_roots=_trust(seal_file))

    assert not status.intact
    assert not status.valid


def test_changing_the_unused_space_reserved_for_the_seal_is_detected(seal_file: Path, sealed_pdf: bytes) -> None:
    # The digest covers everything but the /Contents hex string, which ends where the byte range
    # resumes; its tail is zero padding. (Searching for "00>" could land on the trailer's /ID.)
    byte_range = re.search(rb"/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", sealed_pdf)
    resumes_at = int(byte_range.group(3))
    assert sealed_pdf[resumes_at - 3 : resumes_at] == b"00>"
    position = resumes_at - 2
    altered = bytearray(sealed_pdf)
    altered[position] = ord("1")

    status = validate_seal(bytes(altered), trust_roots=_trust(seal_file))

    assert not status.intact
    assert not status.valid
    assert status.reason == "the space reserved for the seal was altered"


def test_content_appended_after_the_seal_is_detected(seal_file: Path, sealed_pdf: bytes) -> None:
    status = validate_seal(sealed_pdf + b"\n% appended\n", trust_roots=_trust(seal_file))

    assert not status.intact
    assert not status.valid


def test_an_unsealed_pdf_is_reported_as_having_no_seal(seal_file: Path, unsealed_pdf: bytes) -> None:
    status = validate_seal(unsealed_pdf, trust_roots=_trust(seal_file))

    assert not status.sealed
    assert not status.valid
    assert status.reason == "the file carries no seal"


def test_garbage_is_reported_as_unreadable(seal_file: Path) -> None:
    status = validate_seal(b"%PDF-1.4 not really", trust_roots=_trust(seal_file))

    assert not status.sealed
    assert not status.valid
    assert "not a readable PDF" in status.reason


def test_a_seal_from_another_certificate_is_not_trusted(tmp_path: Path, seal_file: Path, unsealed_pdf: bytes) -> None:
    stranger = _make_certificate(tmp_path / "stranger.p12", common_name="Someone else")
    forged = seal_pdf(unsealed_pdf, signer=load_sealer(stranger, PASSPHRASE), reason="Forged")

    status = validate_seal(forged, trust_roots=_trust(seal_file))

    assert status.intact
    assert not status.valid
    assert status.signer_name == "Someone else"


def test_create_seal_certificate_refuses_to_overwrite(seal_file: Path) -> None:
    before = seal_file.read_bytes()

    with pytest.raises(SealError, match="refusing to overwrite"):
        _make_certificate(seal_file)

    assert seal_file.read_bytes() == before


def test_the_key_file_is_readable_by_its_owner_only(seal_file: Path) -> None:
    assert stat.S_IMODE(seal_file.stat().st_mode) == 0o600


def test_the_certificate_is_made_for_signing_documents(seal_file: Path) -> None:
    _, certificate, _ = pkcs12.load_key_and_certificates(seal_file.read_bytes(), PASSPHRASE)
    assert certificate is not None

    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value

    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign


def test_a_long_practice_name_still_makes_a_certificate(tmp_path: Path) -> None:
    path = _make_certificate(tmp_path / "long.p12", common_name="Ł" * 100)

    assert load_sealer(path, PASSPHRASE).signing_cert.subject.native["common_name"] == "Ł" * 32


def test_a_wrong_passphrase_fails_loudly(seal_file: Path) -> None:
    with pytest.raises(SealError, match="wrong passphrase"):
        load_sealer(seal_file, b"wrong")


def test_a_missing_certificate_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(SealError, match="not found"):
        load_sealer(tmp_path / "absent.p12", PASSPHRASE)


def test_the_sealer_is_loaded_once_per_file(seal_file: Path) -> None:
    assert load_sealer(seal_file, PASSPHRASE) is load_sealer(str(seal_file), PASSPHRASE)


def test_sha256_hex_is_the_lowercase_hex_digest() -> None:
    assert sha256_hex(b"abc") == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_sealing_and_validating_work_inside_a_running_event_loop(seal_file: Path, unsealed_pdf: bytes) -> None:
    import asyncio

    async def seal_and_check():
        sealed = seal_pdf(unsealed_pdf, signer=load_sealer(seal_file, PASSPHRASE), reason="From async code")
        return validate_seal(sealed, trust_roots=_trust(seal_file))

    assert asyncio.run(seal_and_check()).valid


# --- python manage.py create_seal_certificate -----------------------------------------------


@pytest.mark.django_db
def test_the_command_makes_a_certificate_named_after_the_practice(tmp_path: Path, settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    from clients.models import PracticeProfile

    PracticeProfile.objects.update_or_create(id=1, defaults={"legal_name": "Northstar Managed IT Inc."})
    settings.RISKREG_SEAL_PKCS12 = tmp_path / "seal" / "seal.p12"
    settings.RISKREG_SEAL_PASSPHRASE = "s3cret"
    out = StringIO()

    call_command("create_seal_certificate", stdout=out)

    sealer = load_sealer(settings.RISKREG_SEAL_PKCS12, b"s3cret")
    subject = sealer.signing_cert.subject.native
    assert subject["common_name"] == "Northstar Managed IT Inc. document seal"
    assert subject["organization_name"] == "Northstar Managed IT Inc."
    assert "written to" in out.getvalue()


@pytest.mark.django_db
def test_the_command_never_replaces_an_existing_certificate(tmp_path: Path, settings) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.RISKREG_SEAL_PKCS12 = _make_certificate(tmp_path / "seal.p12")
    before = settings.RISKREG_SEAL_PKCS12.read_bytes()
    out = StringIO()

    call_command("create_seal_certificate", "--if-missing", stdout=out)
    with pytest.raises(CommandError, match="refusing to overwrite"):
        call_command("create_seal_certificate", "--name", "Another seal")

    assert "already at" in out.getvalue()
    assert settings.RISKREG_SEAL_PKCS12.read_bytes() == before


def test_the_shared_sealer_holds_fully_parsed_certificates(seal_file: Path) -> None:
    """Every thread shares the loaded sealer; asn1crypto writes lazily parsed fields back into
    the object, so a certificate still holding raw children can be read half-parsed by a thread."""

    def unparsed(value) -> bool:
        if not hasattr(value, "children"):
            return False
        if value.children is None:
            return True
        return any(isinstance(child, tuple) or unparsed(child) for child in value.children)

    sealer = load_sealer(seal_file, PASSPHRASE)
    assert not unparsed(sealer.signing_cert)
