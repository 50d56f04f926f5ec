"""The configured time-stamping authority (RISKREG_TSA_*), for seals and audit digests."""

from functools import lru_cache
from pathlib import Path

import certifi
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from riskreg.seal import TimestampAuthority


def configured_tsa() -> TimestampAuthority | None:
    """The TSA from settings, or None when RISKREG_TSA_URL is empty (seals stay PAdES B-B)."""
    if not settings.RISKREG_TSA_URL:
        return None
    return TimestampAuthority(
        url=settings.RISKREG_TSA_URL,
        username=settings.RISKREG_TSA_USERNAME,
        password=settings.RISKREG_TSA_PASSWORD,
        timeout=float(settings.RISKREG_TSA_TIMEOUT),
        trust_roots=tsa_trust_roots(),
    )


def tsa_trust_roots() -> tuple[asn1_x509.Certificate, ...]:
    """The roots in RISKREG_TSA_CA_FILE; when unset, Mozilla's list of roots (certifi), which
    the public time-stamping authorities chain to."""
    path = Path(settings.RISKREG_TSA_CA_FILE or certifi.where())
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise ImproperlyConfigured(f"RISKREG_TSA_CA_FILE {path} cannot be read ({error.strerror})") from None
    return _certificates_in(path, modified)


@lru_cache(maxsize=4)
def _certificates_in(path: Path, modified: int) -> tuple[asn1_x509.Certificate, ...]:
    data = path.read_bytes()
    if not pem.detect(data):
        raise ImproperlyConfigured(f"RISKREG_TSA_CA_FILE {path} holds no PEM certificate")
    certificates = tuple(
        asn1_x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
    )
    if not certificates:
        raise ImproperlyConfigured(f"RISKREG_TSA_CA_FILE {path} holds no PEM certificate")
    return certificates
