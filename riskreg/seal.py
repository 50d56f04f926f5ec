"""The practice's electronic seal on the PDFs it issues (PAdES, via pyHanko).

A seal is a PAdES baseline B-B signature made with the practice's own certificate. It lets
anyone holding a copy — and any PDF reader — tell whether the bytes changed after issue.
Everything here works offline: no timestamp server, no revocation look-ups.

No Django here: callers pass the PKCS#12 path and passphrase from settings.
"""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    NoEncryption,
    pkcs12,
)
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

__all__ = [
    "SEAL_FIELD_NAME",
    "Attachment",
    "SealError",
    "SealStatus",
    "create_seal_certificate",
    "load_sealer",
    "seal_pdf",
    "sha256_hex",
    "validate_seal",
]

SEAL_FIELD_NAME = "PracticeSeal"
_T = TypeVar("_T")


class SealError(Exception):
    """The seal certificate cannot be created or loaded."""


@dataclass(frozen=True)
class SealStatus:
    """What a PDF's seal says about it.

    `intact`: the sealed bytes are unchanged and nothing was added after the seal.
    `valid`: intact, and the signature checks out against a trusted practice certificate.
    """

    sealed: bool
    intact: bool
    valid: bool
    signer_name: str | None
    signed_at: datetime | None
    reason: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def create_seal_certificate(
    *,
    common_name: str,
    organisation: str,
    pkcs12_path: Path,
    passphrase: bytes | None,
    days: int = 3650,
) -> None:
    """Write a new self-signed seal certificate and its key as a PKCS#12 file (mode 0600).

    Refuses to overwrite: replacing the key would make every document sealed so far
    unverifiable against the practice's current certificate.
    """
    if days < 1:
        raise SealError("a seal certificate must be valid for at least one day")
    if not common_name.strip() or not organisation.strip():
        raise SealError("a seal certificate needs a common name and an organisation")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _name_part(common_name)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _name_part(organisation)),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Back-dated a little so a reader whose clock runs slow does not call it "not yet valid".
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = BestAvailableEncryption(passphrase) if passphrase else NoEncryption()
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=encryption,
    )
    pkcs12_path = Path(pkcs12_path)
    pkcs12_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL makes "refuse to overwrite" atomic, and the key is never world-readable.
        descriptor = os.open(pkcs12_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(f"{pkcs12_path} already exists; refusing to overwrite a seal key") from None
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data)


def _name_part(value: str) -> str:
    # cryptography caps name attributes at 64 UTF-8 bytes; a long legal name must not stop
    # `make run`, so it is cut at a character boundary instead.
    return value.strip().encode()[:64].decode(errors="ignore")


class _Sealer(signers.SimpleSigner):
    """A SimpleSigner that decodes its private key once.

    pyHanko's SimpleSigner re-decodes the key for every signature, and cryptography's RSA
    key check makes that tens of milliseconds: most of the cost of sealing a document.
    """

    def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


def load_sealer(pkcs12_path: Path | str, passphrase: bytes | None) -> signers.SimpleSigner:
    """The practice's signer, loaded once per file version (key decryption is slow)."""
    path = Path(pkcs12_path).resolve()
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise SealError(f"seal certificate {path} not found; create one with create_seal_certificate") from None
    return _load_sealer(path, modified, passphrase)


@lru_cache(maxsize=4)
def _load_sealer(path: Path, modified: int, passphrase: bytes | None) -> signers.SimpleSigner:
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=(), passphrase=passphrase)
    except ValueError as error:
        raise SealError(f"cannot load seal certificate {path}: wrong passphrase or not a PKCS#12 file") from error
    private_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)
    return _Sealer(
        private_key=private_key,
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF (an embedded file, listed in a reader's attachments pane)."""

    name: str
    data: bytes
    mime_type: str
    description: str


def seal_pdf(
    pdf_bytes: bytes,
    *,
    signer: signers.Signer,
    reason: str,
    location: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """Return the PDF with a PAdES B-B seal appended as an incremental update. `attachments` are
    embedded in the same update, before the seal is computed, so the seal covers them too."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD_NAME,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    for attachment in attachments:
        _embed(writer, attachment)
    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(metadata, signer=signer)
    _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output, bytes_reserved=_reserved_size(signer)))
    return output.getvalue()


def _embed(writer: IncrementalPdfFileWriter, attachment: Attachment) -> None:
    # No dates in the file's parameters: the same document renders and seals to the same bytes
    # up to the seal's own signing time.
    data = embed.EmbeddedFileObject.from_file_data(
        writer,
        attachment.data,
        mime_type=attachment.mime_type,
        params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=attachment.name,
            file_name=attachment.name,
            embedded_data=data,
            description=attachment.description,
            af_relationship=generic.NameObject("/Source"),
        ),
    )


def _outside_event_loop(work: Callable[[], _T]) -> _T:
    """Run pyHanko's synchronous API, which calls asyncio.run, from any thread.

    asyncio.run refuses to start inside a running event loop (an async view, a thread that
    drives Playwright); there the work moves to a short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _reserved_size(signer: signers.Signer) -> int:
    # Without a size, pyHanko makes a throw-away signature first just to measure it. The
    # CMS container holds the certificates plus a signature and attributes well under 4 KB.
    certificates = [signer.signing_cert, *signer.cert_registry]
    size = 4096 + sum(len(certificate.dump()) for certificate in certificates if certificate)
    return size + size % 2


def validate_seal(pdf_bytes: bytes, *, trust_roots: Sequence[asn1_x509.Certificate | bytes]) -> SealStatus:
    """Check the last seal on a PDF against the practice's certificate(s), offline."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, RecursionError) as error:
        return _unsealed(f"not a readable PDF file ({error.__class__.__name__})")
    if not embedded:
        return _unsealed("the file carries no seal")

    # The seal is the last signature: anything after it would be an unsealed change.
    signature = embedded[-1]
    context = ValidationContext(
        trust_roots=list(trust_roots),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signature, signer_validation_context=context))
        reserved_untouched = _reserved_space_untouched(pdf_bytes, signature)
    except (PdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        return SealStatus(
            sealed=True,
            intact=False,
            valid=False,
            signer_name=None,
            signed_at=None,
            reason=f"the seal is damaged ({error.__class__.__name__}): the file was altered",
        )

    signer_name = _common_name(status.signing_cert)
    covers_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact) and covers_file and reserved_untouched
    valid = intact and bool(status.valid) and bool(status.trusted)
    if not status.intact:
        reason = "the document was altered after it was sealed"
    elif not covers_file:
        reason = "content was added to the document after it was sealed"
    elif not reserved_untouched:
        reason = "the space reserved for the seal was altered"
    elif not status.valid:
        reason = "the seal's signature is invalid"
    elif not status.trusted:
        reason = "the seal was not made with this practice's certificate"
    else:
        reason = "the seal is valid and the document is unaltered"
    return SealStatus(
        sealed=True,
        intact=intact,
        valid=valid,
        signer_name=signer_name,
        signed_at=status.signer_reported_dt,
        reason=reason,
    )


def _reserved_space_untouched(pdf_bytes: bytes, signature: EmbeddedPdfSignature) -> bool:
    """Whether the seal's hex string is exactly what the sealer wrote: signature, then zeros.

    That string is the one part of the file the signed digest cannot cover, so without this
    check a changed padding digit, or a hex digit's letter case, would go unnoticed.
    """
    start, length, end = (int(value) for value in list(signature.byte_range)[:3])
    contents = signature.pkcs7_content
    _, _, _, header, body, trailer = asn1_parser.parse(contents)
    signature_length = len(header) + len(body) + len(trailer)
    expected = binascii.hexlify(contents[:signature_length]) + b"00" * (len(contents) - signature_length)
    written = pdf_bytes[start + length : end]
    return written in (b"<" + expected.upper() + b">", b"<" + expected + b">")


def _unsealed(reason: str) -> SealStatus:
    return SealStatus(sealed=False, intact=False, valid=False, signer_name=None, signed_at=None, reason=reason)


def _common_name(certificate: asn1_x509.Certificate | None) -> str | None:
    if certificate is None:
        return None
    name = certificate.subject.native
    return name.get("common_name") or name.get("organization_name")
