"""The practice's electronic seal on the PDFs it issues (PAdES, via pyHanko).

A seal is a PAdES signature made with the practice's own certificate. It lets anyone holding
a copy — and any PDF reader — tell whether the bytes changed after issue. Two levels:

- B-B (no time-stamping authority configured): the seal's time is the server's own clock.
- B-LTA (with a TimestampAuthority): the signature carries an RFC 3161 signature timestamp,
  the validation data of every certificate involved goes into the document security store
  (DSS), and a document timestamp closes the file. pyHanko does all three; a timestamp that
  cannot be had raises TimestampUnavailable and nothing is returned, never a half-sealed file.

Validation works offline, from what the file carries and the certificates the caller trusts.

No Django here: callers pass the PKCS#12 path and passphrase from settings.
"""

from __future__ import annotations

import asyncio
import binascii
import hashlib
import io
import os
import ssl
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import certifi
from asn1crypto import cms
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
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

__all__ = [
    "DOCUMENT_TIMESTAMP_FIELD_NAME",
    "LEVEL_B_B",
    "LEVEL_B_LTA",
    "LEVEL_B_T",
    "SEAL_FIELD_NAME",
    "Attachment",
    "SealError",
    "SealStatus",
    "TimestampAuthority",
    "TimestampUnavailable",
    "certificate_fingerprint",
    "create_seal_certificate",
    "last_timestamp_expiry",
    "load_sealer",
    "seal_pdf",
    "renew_document_timestamp",
    "sha256_hex",
    "timestamp_token",
    "validate_seal",
]

SEAL_FIELD_NAME = "PracticeSeal"
DOCUMENT_TIMESTAMP_FIELD_NAME = "DocumentTimestamp"
LEVEL_B_B = "B-B"
LEVEL_B_T = "B-T"
LEVEL_B_LTA = "B-LTA"
_T = TypeVar("_T")


class SealError(Exception):
    """The seal certificate cannot be created or loaded, or a seal cannot be made."""


class TimestampUnavailable(SealError):
    """The time-stamping authority could not be reached or gave no usable answer: try again later."""


@dataclass(frozen=True)
class TimestampAuthority:
    """An RFC 3161 time-stamping service and the roots its certificates chain to.

    `trust_roots` empty: the system's trusted roots decide whether the TSA's certificate is good.
    """

    url: str
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()

    def timestamper(self, session: aiohttp.ClientSession) -> HTTPTimeStamper:
        auth = (self.username, self.password) if self.username else None
        return HTTPTimeStamper(self.url, timeout=self.timeout, auth=auth, session=session)

    def validation_context(
        self, *, practice_certificates: Sequence[asn1_x509.Certificate], session: aiohttp.ClientSession
    ) -> ValidationContext:
        """What pyHanko checks the TSA's and the seal's certificates against before embedding their
        validation data; it fetches the CRLs and OCSP responses the certificates name."""
        practice = list(practice_certificates)
        fetching = AIOHttpFetcherBackend(session=session, per_request_timeout=self.timeout)
        if self.trust_roots:
            return ValidationContext(
                trust_roots=[*self.trust_roots, *practice], allow_fetching=True, fetcher_backend=fetching
            )
        return ValidationContext(extra_trust_roots=practice, allow_fetching=True, fetcher_backend=fetching)


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    # Made once: loading the CA bundle costs 15 ms, which pyHanko's own sessions pay per request.
    return ssl.create_default_context(cafile=certifi.where())


def _with_http_session(work: Callable[[aiohttp.ClientSession], Awaitable[_T]], tsa: TimestampAuthority) -> _T:
    """Run pyHanko's asynchronous API with one HTTP session for every request it makes (the
    timestamps, the CRL and OCSP look-ups), closed before returning."""

    async def run() -> _T:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context())) as session:
            return await work(session)

    with _timestamp_errors(tsa):
        return _outside_event_loop(lambda: asyncio.run(run()))


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
    level: str = ""
    timestamped_at: datetime | None = None
    timestamp_valid: bool | None = None
    document_timestamps: int = 0
    certificate: asn1_x509.Certificate | None = None

    @property
    def certificate_fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate) if self.certificate is not None else ""

    @property
    def certificate_valid_from(self) -> datetime | None:
        return self.certificate.not_valid_before if self.certificate is not None else None

    @property
    def certificate_valid_until(self) -> datetime | None:
        return self.certificate.not_valid_after if self.certificate is not None else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def certificate_fingerprint(certificate: asn1_x509.Certificate | bytes) -> str:
    """SHA-256 of the certificate's DER, as uppercase hex pairs (what certificate viewers show)."""
    der = certificate if isinstance(certificate, bytes) else certificate.dump()
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


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
    # asn1crypto parses a certificate's fields lazily, writing them back into the object on first
    # read; this sealer is shared by every thread of the process, and two threads parsing at once
    # have read a serial number of None. Parsing everything here leaves only reads for later.
    for certificate in (loaded.signing_cert, *loaded.cert_registry):
        certificate.native  # noqa: B018
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
    tsa: TimestampAuthority | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """Return the PDF with the practice's seal appended as an incremental update: PAdES B-B, or
    B-LTA with a time-stamping authority (signature timestamp, validation data, document
    timestamp). Raises TimestampUnavailable when the TSA cannot be used; nothing is half-done.
    `attachments` are embedded in the same update, before the seal is computed, so the seal
    covers them too."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    for attachment in attachments:
        _embed(writer, attachment)
    output = io.BytesIO()
    common = {
        "field_name": SEAL_FIELD_NAME,
        "reason": reason,
        "location": location,
        "subfilter": fields.SigSeedSubFilter.PADES,
        "md_algorithm": "sha256",
    }
    if tsa is None:
        pdf_signer = signers.PdfSigner(signers.PdfSignatureMetadata(**common), signer=signer)
        _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output, bytes_reserved=_reserved_size(signer)))
        return output.getvalue()

    async def seal_lta(session: aiohttp.ClientSession) -> None:
        metadata = signers.PdfSignatureMetadata(
            **common,
            embed_validation_info=True,
            use_pades_lta=True,
            timestamp_field_name=DOCUMENT_TIMESTAMP_FIELD_NAME,
            validation_context=tsa.validation_context(practice_certificates=_own_certificates(signer), session=session),
        )
        pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=tsa.timestamper(session))
        reserved = _reserved_size(signer) + _TIMESTAMP_TOKEN_ROOM
        await pdf_signer.async_sign_pdf(writer, output=output, bytes_reserved=reserved)

    _with_http_session(seal_lta, tsa)
    return output.getvalue()


# A signature timestamp token holds the TSA's certificate chain and its own signature.
_TIMESTAMP_TOKEN_ROOM = 8192


def _own_certificates(signer: signers.Signer) -> list[asn1_x509.Certificate]:
    return [certificate for certificate in (signer.signing_cert, *signer.cert_registry) if certificate is not None]


@contextmanager
def _timestamp_errors(tsa: TimestampAuthority | None) -> Iterator[None]:
    try:
        yield
    except (TimeoutError, TimestampRequestError, OSError) as error:
        where = tsa.url if tsa else "the time-stamping authority"
        raise TimestampUnavailable(f"no timestamp from {where}: {error}") from error


def timestamp_token(data: bytes, *, tsa: TimestampAuthority) -> bytes:
    """An RFC 3161 timestamp token (DER) over SHA-256 of `data`, from pyHanko's timestamp client.

    Check it anywhere with `openssl ts -verify -data FILE -in FILE.tsr -CAfile TSA-ROOT.pem`."""
    digest = hashlib.sha256(data).digest()

    async def request(session: aiohttp.ClientSession) -> cms.ContentInfo:
        return await tsa.timestamper(session).async_timestamp(digest, "sha256")

    return _with_http_session(request, tsa).dump()


@dataclass(frozen=True)
class TimestampTokenInfo:
    generated_at: datetime
    sha256: str
    authority: str


def timestamp_token_info(token: bytes) -> TimestampTokenInfo:
    """What a timestamp token says: when, over which SHA-256, by whom (not a validation)."""
    content = cms.ContentInfo.load(token)
    signed_data = content["content"]
    info = signed_data["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256":
        raise SealError("the timestamp token is not over a SHA-256 digest")
    signer_certificates = [c.chosen for c in signed_data["certificates"] if c.name == "certificate"]
    authority = _common_name(signer_certificates[0]) if signer_certificates else None
    return TimestampTokenInfo(
        generated_at=info["gen_time"].native,
        sha256=imprint["hashed_message"].native.hex(),
        authority=authority or "unknown authority",
    )


def renew_document_timestamp(pdf_bytes: bytes, *, tsa: TimestampAuthority, practice_certificates) -> bytes:
    """Add a fresh document timestamp (and the validation data of the previous one) as an
    incremental update: what keeps a B-LTA document provable after its last timestamp's
    certificate expires. The earlier revisions, and so every earlier copy, stay valid."""
    reader = PdfFileReader(io.BytesIO(pdf_bytes))
    output = io.BytesIO()

    async def renew(session: aiohttp.ClientSession) -> None:
        context = tsa.validation_context(practice_certificates=practice_certificates, session=session)
        field_name = f"{DOCUMENT_TIMESTAMP_FIELD_NAME}-{_now_tag()}"
        timestamper = signers.PdfTimeStamper(tsa.timestamper(session), field_name=field_name)
        await timestamper.async_update_archival_timestamp_chain(reader, context, in_place=False, output=output)

    _with_http_session(renew, tsa)
    return output.getvalue()


def _now_tag() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


def last_timestamp_expiry(pdf_bytes: bytes) -> datetime | None:
    """When the certificate of the newest document timestamp expires; None without one."""
    timestamps = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_timestamp_signatures
    if not timestamps:
        return None
    return timestamps[-1].signer_cert.not_valid_after


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


def validate_seal(
    pdf_bytes: bytes,
    *,
    trust_roots: Sequence[asn1_x509.Certificate | bytes],
    tsa_trust_roots: Sequence[asn1_x509.Certificate] = (),
) -> SealStatus:
    """Check the practice's seal on a PDF, and any document timestamps after it, offline.

    `trust_roots`: every certificate the practice ever sealed with (or the CA roots they chain
    to). `tsa_trust_roots`: the roots a time-stamping authority's certificate must chain to
    (none: no timestamp counts as trusted). `timestamp_valid` is None when the file carries none.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, RecursionError) as error:
        return _unsealed(f"not a readable PDF file ({error.__class__.__name__})")
    seals = [signature for signature in embedded if not _is_document_timestamp(signature)]
    if not seals:
        return _unsealed("the file carries no seal")
    # The seal is the practice's last signature; only document timestamps may follow it.
    seal = seals[-1]
    later = [signature for signature in embedded if signature.signed_revision > seal.signed_revision]
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    timestamp_context = ValidationContext(
        trust_roots=list(tsa_trust_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                seal, signer_validation_context=context, ts_validation_context=timestamp_context
            )
        )
        timestamps = [
            _outside_event_loop(lambda s=signature: validate_pdf_timestamp(s, validation_context=timestamp_context))
            for signature in later
        ]
        reserved_untouched = all(_reserved_space_untouched(pdf_bytes, s) for s in [seal, *later])
    except (PdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        return SealStatus(
            sealed=True,
            intact=False,
            valid=False,
            signer_name=None,
            signed_at=None,
            reason=f"the seal is damaged ({error.__class__.__name__}): the file was altered",
        )
    only_timestamps_after = all(_is_document_timestamp(signature) for signature in later)
    if later:
        covers_file = (
            only_timestamps_after
            and status.modification_level is not None
            and status.modification_level <= ModificationLevel.LTA_UPDATES
            and all(ts.intact for ts in timestamps)
            # After the newest timestamp pyHanko adds that timestamp's own validation data (DSS).
            and _only_validation_data_after(timestamps[-1])
        )
    else:
        covers_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # Bytes after the last revision's end-of-file marker belong to no revision, so no signature
    # and no difference analysis sees them; a file pyHanko made ends at that marker.
    covers_file = covers_file and pdf_bytes.rstrip(b"\r\n").endswith(b"%%EOF")
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
    signature_timestamp = status.timestamp_validity
    timestamp_statuses = [s for s in [signature_timestamp, *timestamps] if s is not None]
    return SealStatus(
        sealed=True,
        intact=intact,
        valid=valid,
        signer_name=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        reason=reason,
        level=_level(signature_timestamp is not None, len(timestamps), has_dss="/DSS" in reader.root),
        timestamped_at=signature_timestamp.timestamp if signature_timestamp is not None else None,
        timestamp_valid=all(s.valid and s.intact and s.trusted for s in timestamp_statuses)
        if timestamp_statuses
        else None,
        document_timestamps=len(timestamps),
        certificate=status.signing_cert,
    )


def _only_validation_data_after(status: Any) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = status.modification_level
    return level is not None and level <= ModificationLevel.LTA_UPDATES


def _is_document_timestamp(signature: EmbeddedPdfSignature) -> bool:
    return signature.sig_object.get("/Type") == "/DocTimeStamp"


def _level(signature_timestamped: bool, document_timestamps: int, *, has_dss: bool) -> str:
    if signature_timestamped and document_timestamps and has_dss:
        return LEVEL_B_LTA
    if signature_timestamped:
        return LEVEL_B_T
    return LEVEL_B_B


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
