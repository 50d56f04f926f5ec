"""The register of seal certificates: list it, or add a certificate the practice sealed with."""

from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from riskreg.models import SealCertificate
from riskreg.seal import SealError, load_sealer
from riskreg.seal_certificates import seal_certificate_register


def _read_certificate(path: Path) -> asn1_x509.Certificate:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read it ({error.strerror})") from error
    try:
        der = pem.unarmor(data)[2] if pem.detect(data) else data
        certificate = asn1_x509.Certificate.load(der)
        certificate.native  # noqa: B018 - parses the whole structure, so a non-certificate fails here
    except (ValueError, TypeError) as error:
        raise CommandError(f"{path} is not an X.509 certificate (PEM or DER)") from error
    return certificate


class Command(BaseCommand):
    help = (
        "List every seal certificate the practice has used (verification trusts all of them), or add one: "
        "--add FILE (a PEM or DER certificate), or --current (the certificate at RISKREG_SEAL_PKCS12)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--add", type=Path, metavar="FILE", help="Register this certificate (PEM or DER).")
        parser.add_argument("--current", action="store_true", help="Register the configured seal certificate.")

    def handle(self, *args, **options) -> None:
        if options["add"]:
            row = seal_certificate_register(certificate=_read_certificate(options["add"]), how="added by hand")
            self.stdout.write(f"Registered {row.fingerprint}")
        if options["current"]:
            try:
                sealer = load_sealer(settings.RISKREG_SEAL_PKCS12, settings.RISKREG_SEAL_PASSPHRASE.encode() or None)
            except SealError as error:
                raise CommandError(str(error)) from error
            row = seal_certificate_register(certificate=sealer.signing_cert, how="registered as the current one")
            self.stdout.write(f"Registered {row.fingerprint}")
        for row in SealCertificate.objects.all():
            used = (
                f"used {row.first_used_at:%Y-%m-%d} to {row.last_used_at:%Y-%m-%d}" if row.first_used_at else "not used"
            )
            self.stdout.write(
                f"{row.fingerprint}  {row.subject}  valid {row.valid_from:%Y-%m-%d} to {row.valid_until:%Y-%m-%d}  "
                f"{used}  (issuer: {row.issuer})"
            )
