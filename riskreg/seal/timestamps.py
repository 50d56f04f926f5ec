"""RFC 3161 timestamps: a token for any bytes, and renewing a sealed document's timestamp."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers

from riskreg.seal.base import (
    DOCUMENT_TIMESTAMP_FIELD_NAME,
    SealError,
    TimestampAuthority,
    common_name,
    with_http_session,
)


def timestamp_token(data: bytes, *, tsa: TimestampAuthority) -> bytes:
    """An RFC 3161 timestamp token (DER) over SHA-256 of `data`, from pyHanko's timestamp client.

    Check it anywhere with `openssl ts -verify -data FILE -in FILE.tsr -CAfile TSA-ROOT.pem`."""
    digest = hashlib.sha256(data).digest()

    async def request(session: aiohttp.ClientSession) -> cms.ContentInfo:
        return await tsa.timestamper(session).async_timestamp(digest, "sha256")

    return with_http_session(request, tsa).dump()


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
    authority = common_name(signer_certificates[0]) if signer_certificates else None
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

    with_http_session(renew, tsa)
    return output.getvalue()


def _now_tag() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


def last_timestamp_expiry(pdf_bytes: bytes) -> datetime | None:
    """When the certificate of the newest document timestamp expires; None without one."""
    timestamps = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_timestamp_signatures
    if not timestamps:
        return None
    return timestamps[-1].signer_cert.not_valid_after
