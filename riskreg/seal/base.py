"""What the seal's parts share: names, errors, the time-stamping authority, a seal's status."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

import aiohttp
import certifi
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

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


def with_http_session(work: Callable[[aiohttp.ClientSession], Awaitable[_T]], tsa: TimestampAuthority) -> _T:
    """Run pyHanko's asynchronous API with one HTTP session for every request it makes (the
    timestamps, the CRL and OCSP look-ups), closed before returning."""

    async def run() -> _T:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context())) as session:
            return await work(session)

    with timestamp_errors(tsa):
        return outside_event_loop(lambda: asyncio.run(run()))


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


def outside_event_loop(work: Callable[[], _T]) -> _T:
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


@contextmanager
def timestamp_errors(tsa: TimestampAuthority | None) -> Iterator[None]:
    try:
        yield
    except (TimeoutError, TimestampRequestError, OSError) as error:
        where = tsa.url if tsa else "the time-stamping authority"
        raise TimestampUnavailable(f"no timestamp from {where}: {error}") from error


def common_name(certificate: asn1_x509.Certificate | None) -> str | None:
    if certificate is None:
        return None
    name = certificate.subject.native
    return name.get("common_name") or name.get("organization_name")
