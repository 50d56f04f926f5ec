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

from riskreg.seal.base import (
    DOCUMENT_TIMESTAMP_FIELD_NAME,
    LEVEL_B_B,
    LEVEL_B_LTA,
    LEVEL_B_T,
    SEAL_FIELD_NAME,
    SealError,
    SealStatus,
    TimestampAuthority,
    TimestampUnavailable,
    certificate_fingerprint,
    sha256_hex,
)
from riskreg.seal.certificates import create_seal_certificate, load_sealer
from riskreg.seal.sealing import Attachment, seal_pdf
from riskreg.seal.timestamps import (
    TimestampTokenInfo,
    last_timestamp_expiry,
    renew_document_timestamp,
    timestamp_token,
    timestamp_token_info,
)
from riskreg.seal.validation import validate_seal

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
    "TimestampTokenInfo",
    "TimestampUnavailable",
    "certificate_fingerprint",
    "create_seal_certificate",
    "last_timestamp_expiry",
    "load_sealer",
    "seal_pdf",
    "renew_document_timestamp",
    "sha256_hex",
    "timestamp_token",
    "timestamp_token_info",
    "validate_seal",
]
