"""The practice's seal certificate: making one, and loading it to seal with."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

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
from pyhanko.sign import signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from riskreg.seal.base import SealError


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
