"""Check a PDF against the register and the practice's seal, from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations.documents.verify import document_verify_file
from recommendations.models import WaiverDocument
from riskreg.seal import SealStatus

NOT_GENUINE = 1
UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Exit 0 when FILE is a genuine, unaltered document issued by this practice with a valid seal, its "
        "SHA-256 the one the audit chain recorded when it was sealed; otherwise exit non-zero with a one-line reason."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The PDF to check.")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})", returncode=UNREADABLE) from error
        if b"%PDF-" not in data[:1024]:
            raise CommandError(f"{path}: not a PDF file", returncode=UNREADABLE)
        result = document_verify_file(pdf_bytes=data)
        if result.sealed_but_not_issued:
            raise CommandError(
                f"{path}: NOT genuine — ALARM: sealed with this practice's key but not issued by this register "
                f"(the audit chain records no document with these contents; {_certificate(result.seal)}); "
                "the admins have been told",
                returncode=NOT_GENUINE,
            )
        if not result.genuine:
            seal = f" (seal: {result.seal.reason})" if result.seal else ""
            raise CommandError(
                f"{path}: NOT a document issued by this practice, or altered{seal}", returncode=NOT_GENUINE
            )
        if not result.seal_checked:
            raise CommandError(
                f"{path}: registered, but no seal certificate is configured to check its seal", returncode=NOT_GENUINE
            )
        if not result.seal.valid:
            raise CommandError(
                f"{path}: registered, but its seal does not validate: {result.seal.reason}", returncode=NOT_GENUINE
            )
        document = result.document
        self.stdout.write(
            f"{path}: genuine and intact — {document.document_id}, {document.client.name}, "
            f"{_issued(document)}; seal valid, {_level(result.seal)}; "
            f"{_certificate(result.seal)}; matches the audit chain"
        )
        if result.register_altered:
            self.stderr.write(
                f"warning: the register's record of {document.document_id} was changed after it was issued; "
                "the audit chain still holds this file's hash"
            )


def _issued(document: WaiverDocument) -> str:
    if document.letter_id:
        return f"{document.get_kind_display().lower()} dated {document.letter.letter_date.isoformat()}"
    signature = document.request.signature
    return f"signed {timezone.localdate(signature.signed_at).isoformat()} by {signature.typed_name}"


def _level(seal: SealStatus) -> str:
    if seal.timestamped_at is None:
        when = f"{seal.signed_at:%Y-%m-%d %H:%M} UTC" if seal.signed_at else "at an unknown time"
        return f"PAdES {seal.level}, sealed {when} by the server's clock (no trusted timestamp)"
    trusted = "trusted timestamp" if seal.timestamp_valid else "timestamp NOT from a trusted authority"
    return f"PAdES {seal.level}, {trusted} {seal.timestamped_at:%Y-%m-%d %H:%M:%S} UTC"


def _certificate(seal: SealStatus) -> str:
    return (
        f"seal certificate SHA-256 {seal.certificate_fingerprint}, valid "
        f"{seal.certificate_valid_from:%Y-%m-%d} to {seal.certificate_valid_until:%Y-%m-%d}"
    )
