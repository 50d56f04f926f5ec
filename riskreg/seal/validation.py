"""Checking a file's seal offline, from what it carries and the certificates the caller trusts."""

from __future__ import annotations

import binascii
import io
from collections.abc import Sequence
from typing import Any, TypeVar

from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from riskreg.seal.base import LEVEL_B_B, LEVEL_B_LTA, LEVEL_B_T, SealStatus, common_name, outside_event_loop

_T = TypeVar("_T")


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
        return _unsealed(_("not a readable PDF file (%(error)s)") % {"error": error.__class__.__name__})
    seals = [signature for signature in embedded if not _is_document_timestamp(signature)]
    if not seals:
        return _unsealed(_("the file carries no seal"))
    # The seal is the practice's last signature; only document timestamps may follow it.
    seal = seals[-1]
    later = [signature for signature in embedded if signature.signed_revision > seal.signed_revision]
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    timestamp_context = ValidationContext(
        trust_roots=list(tsa_trust_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = outside_event_loop(
            lambda: validate_pdf_signature(
                seal, signer_validation_context=context, ts_validation_context=timestamp_context
            )
        )
        timestamps = [
            outside_event_loop(lambda s=signature: validate_pdf_timestamp(s, validation_context=timestamp_context))
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
            reason=_("the seal is damaged (%(error)s): the file was altered") % {"error": error.__class__.__name__},
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
        reason = _("the document was altered after it was sealed")
    elif not covers_file:
        reason = _("content was added to the document after it was sealed")
    elif not reserved_untouched:
        reason = _("the space reserved for the seal was altered")
    elif not status.valid:
        reason = _("the seal's signature is invalid")
    elif not status.trusted:
        reason = _("the seal was not made with this practice's certificate")
    else:
        reason = _("the seal is valid and the document is unaltered")
    signature_timestamp = status.timestamp_validity
    timestamp_statuses = [s for s in [signature_timestamp, *timestamps] if s is not None]
    return SealStatus(
        sealed=True,
        intact=intact,
        valid=valid,
        signer_name=common_name(status.signing_cert),
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
