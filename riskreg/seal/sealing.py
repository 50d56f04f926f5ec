"""Sealing a PDF (PAdES B-B, or B-LTA with a time-stamping authority)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from riskreg.seal.base import (
    DOCUMENT_TIMESTAMP_FIELD_NAME,
    SEAL_FIELD_NAME,
    TimestampAuthority,
    outside_event_loop,
    with_http_session,
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
        outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output, bytes_reserved=_reserved_size(signer)))
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

    with_http_session(seal_lta, tsa)
    return output.getvalue()


# A signature timestamp token holds the TSA's certificate chain and its own signature.
_TIMESTAMP_TOKEN_ROOM = 8192


def _own_certificates(signer: signers.Signer) -> list[asn1_x509.Certificate]:
    return [certificate for certificate in (signer.signing_cert, *signer.cert_registry) if certificate is not None]


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


def _reserved_size(signer: signers.Signer) -> int:
    # Without a size, pyHanko makes a throw-away signature first just to measure it. The
    # CMS container holds the certificates plus a signature and attributes well under 4 KB.
    certificates = [signer.signing_cert, *signer.cert_registry]
    size = 4096 + sum(len(certificate.dump()) for certificate in certificates if certificate)
    return size + size % 2
