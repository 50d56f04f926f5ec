"""The practice's seal: its signer, and every certificate it ever sealed with."""

import logging

from django.conf import settings

from riskreg.seal import (
    SealError,
    certificate_fingerprint,
    load_sealer,
)
from riskreg.seal_certificates import registered_seal_certificates

logger = logging.getLogger(__name__)


def _passphrase() -> bytes | None:
    return settings.RISKREG_SEAL_PASSPHRASE.encode() or None


def practice_sealer():
    """The practice's signer (raises SealError when the certificate is missing or unreadable)."""
    return load_sealer(settings.RISKREG_SEAL_PKCS12, _passphrase())


def practice_trust_roots() -> list:
    """Every certificate the practice ever sealed with (the register) and the one configured now;
    empty when there is none at all."""
    roots = registered_seal_certificates()
    try:
        current = practice_sealer().signing_cert
    except SealError:
        logger.warning("No usable seal certificate at %s.", settings.RISKREG_SEAL_PKCS12)
        return roots
    known = {certificate_fingerprint(root) for root in roots}
    return roots if certificate_fingerprint(current) in known else [*roots, current]
