"""Make the practice's self-signed seal certificate (PKCS#12) where settings expect it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from riskreg.seal import SealError, create_seal_certificate, load_sealer
from riskreg.seal_certificates import seal_certificate_register


def _practice_name() -> str:
    # The letterhead callable (riskreg cannot import the clients app) names the practice.
    return import_string(settings.RISKREG_EMAIL_BRANDING)().get("legal_name", "").strip()


class Command(BaseCommand):
    help = (
        "Create a self-signed seal certificate at RISKREG_SEAL_PKCS12, encrypted with RISKREG_SEAL_PASSPHRASE. "
        "Never overwrites one: a new key would leave every document sealed so far unverifiable."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", help="Organisation in the certificate (default: the practice's name).")
        parser.add_argument("--name", help='Common name (default: "<organisation> document seal").')
        parser.add_argument("--days", type=int, default=3650, help="Validity in days (default 3650).")
        parser.add_argument(
            "--if-missing", action="store_true", help="Say so and succeed when a certificate already exists."
        )

    def handle(self, *args, **options) -> None:
        path = settings.RISKREG_SEAL_PKCS12
        if path.exists():
            if options["if_missing"]:
                self.stdout.write(f"Seal certificate already at {path}; left as it is.")
                return
            raise CommandError(f"{path} already exists; refusing to overwrite a seal key.")
        if settings.PRODUCTION and not settings.RISKREG_SEAL_PASSPHRASE:
            # An unencrypted key on disk lets anyone who copies one file seal documents in the practice's name.
            raise CommandError(
                "Refusing to write an unencrypted seal key in production: set RISKREG_SEAL_PASSPHRASE first."
            )
        organisation = options["organisation"] or _practice_name() or "RiskReg"
        common_name = options["name"] or f"{organisation} document seal"
        try:
            create_seal_certificate(
                common_name=common_name,
                organisation=organisation,
                pkcs12_path=path,
                passphrase=settings.RISKREG_SEAL_PASSPHRASE.encode() or None,
                days=options["days"],
            )
        except SealError as error:
            raise CommandError(str(error)) from error
        certificate = load_sealer(path, settings.RISKREG_SEAL_PASSPHRASE.encode() or None).signing_cert
        seal_certificate_register(certificate=certificate, how="created by create_seal_certificate")
        self.stdout.write(self.style.SUCCESS(f"Seal certificate “{common_name}” written to {path}."))
        if not settings.RISKREG_SEAL_PASSPHRASE:
            self.stdout.write(
                "The key is not encrypted: set RISKREG_SEAL_PASSPHRASE before creating one in production."
            )
