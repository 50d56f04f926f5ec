"""A real RFC 3161 time-stamping service on 127.0.0.1, for the tests and the benchmark.

certomancer's Animator (the tool pyHanko's own tests use) serves a small test PKI over HTTP:
a root CA, a time-stamping authority with its CRL and OCSP responder, and a seal certificate
issued by that root (what a practice gets from a public CA). Keys are made fresh for each
service in a temporary directory; nothing here is ever a production key.

Needs the development requirements (certomancer with Werkzeug): `pip install -r requirements-dev.txt`.
"""

from __future__ import annotations

import multiprocessing
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ARCH = "riskreg-test"
KEYS = ("root", "tsa", "seal")
PKCS12_PASSPHRASE = b"local-test-seal"


def _import_certomancer() -> tuple[Any, Any, Any, Any]:
    try:
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from certomancer.registry import CertomancerConfig
        from werkzeug.serving import make_server
    except ImportError as error:  # pragma: no cover - a missing dev requirement
        raise RuntimeError(
            "The local time-stamping authority needs certomancer and Werkzeug: pip install -r requirements-dev.txt"
        ) from error
    return Animator, AnimatorArchStore, CertomancerConfig, make_server


def _request_handler() -> type:
    from werkzeug.serving import WSGIRequestHandler

    class QuietNoDelayHandler(WSGIRequestHandler):
        """No access log; and TCP_NODELAY, since werkzeug writes a response's headers and body
        separately and Nagle's algorithm would then hold the body for the client's delayed ACK
        (40 ms per request, most of a seal's time)."""

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    return QuietNoDelayHandler


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _config(*, key_dir: Path, url_prefix: str, tsa_valid_days: int) -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    long_ago, far_ahead = _stamp(now - timedelta(days=365)), _stamp(now + timedelta(days=3650))
    tsa_until = _stamp(now + timedelta(days=tsa_valid_days))
    revocation_info = """
          - id: crl_distribution_points
            smart-value: {schema: crl-dist-url, params: {crl-repo-names: [root]}}
          - id: authority_information_access
            smart-value: {schema: aia-urls, params: {ocsp-responder-names: [root]}}"""
    return f"""
external-url-prefix: "{url_prefix}"
keysets:
  local:
    path-prefix: "{key_dir}"
    keys:
      root: {{path: root.key.pem}}
      tsa: {{path: tsa.key.pem}}
      seal: {{path: seal.key.pem}}
pki-architectures:
  {ARCH}:
    keyset: local
    entity-defaults: {{country-name: CA, organization-name: RiskReg Test PKI}}
    entities:
      root: {{common-name: RiskReg Test Root CA}}
      tsa: {{common-name: RiskReg Test Time Stamping Authority}}
      seal: {{common-name: Test practice seal issued by a CA}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{far_ahead}"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      tsa:
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{tsa_until}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]{revocation_info}
      seal:
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{far_ahead}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}{revocation_info}
    services:
      ocsp:
        root: {{for-issuer: root, responder-cert: root, signing-key: root}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P30D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


@dataclass
class LocalTimestampAuthority:
    """A running test PKI; use as a context manager, or call start() and stop()."""

    tsa_valid_days: int = 730
    host: str = "127.0.0.1"
    port: int = 0
    _server: Any = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _key_dir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    _arch: Any = field(default=None, repr=False)

    def start(self) -> LocalTimestampAuthority:
        animator_class, arch_store, config_class, make_server = _import_certomancer()
        self._key_dir = tempfile.TemporaryDirectory(prefix="riskreg-tsa-")
        key_dir = Path(self._key_dir.name)
        for name in KEYS:
            # ECDSA, not RSA: certomancer decodes its key for every response it signs, and
            # cryptography's RSA key check makes that 30 ms a timestamp.
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            (key_dir / f"{name}.key.pem").write_bytes(pem)
        holder: dict[str, Any] = {}

        def application(environ, start_response):
            return holder["app"](environ, start_response)

        # Bound first (port 0 picks a free one): the certificates name their CRL and OCSP URLs.
        self._server = make_server(self.host, self.port, application, threaded=True, request_handler=_request_handler())
        self.port = self._server.server_port
        config = config_class.from_yaml(
            _config(key_dir=key_dir, url_prefix=self.base_url, tsa_valid_days=self.tsa_valid_days),
            key_search_dir=str(key_dir),
        )
        self._arch = config.get_pki_arch(ARCH)
        holder["app"] = animator_class(arch_store({ARCH: self._arch}), with_web_ui=False)
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-tsa", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._key_dir is not None:
            self._key_dir.cleanup()
            self._key_dir = None

    def __enter__(self) -> LocalTimestampAuthority:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The RFC 3161 endpoint (RISKREG_TSA_URL)."""
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def root_certificate(self) -> asn1_x509.Certificate:
        return self._arch.get_cert("root")

    @property
    def tsa_certificate(self) -> asn1_x509.Certificate:
        return self._arch.get_cert("tsa")

    def root_pem(self) -> bytes:
        return _pem(self.root_certificate)

    def ca_issued_seal_pkcs12(self) -> bytes:
        """A seal certificate issued by the test root, with its chain, as a PKCS#12 (PKCS12_PASSPHRASE)."""
        return self._arch.package_pkcs12("seal", password=PKCS12_PASSPHRASE)


def _pem(certificate: asn1_x509.Certificate) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", certificate.dump())


def _serve(queue: Any, stop: Any) -> None:
    with LocalTimestampAuthority() as authority:
        queue.put((authority.url, authority.root_pem()))
        stop.wait()


@contextmanager
def local_tsa_process() -> Iterator[tuple[str, asn1_x509.Certificate]]:
    """A local TSA in a process of its own (as a real one would be: no share of the caller's
    interpreter lock); yields its URL and root certificate, and stops it afterwards."""
    from asn1crypto import pem

    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(queue, stop), name="local-tsa", daemon=True)
    process.start()
    try:
        url, root_pem = queue.get(timeout=60)
        yield url, asn1_x509.Certificate.load(pem.unarmor(root_pem)[2])
    finally:
        stop.set()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
