"""Add a fresh document timestamp to every document whose last timestamp expires before a date."""

from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand, CommandError

from recommendations.documents.timestamps import RenewalError, document_timestamp_renew, documents_due_for_renewal
from riskreg.seal import SealError
from riskreg.trusted_time import configured_tsa


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--before must be a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Add a document timestamp (an incremental update, audited) to every sealed document whose newest "
        "timestamp's certificate expires before DATE. Needs RISKREG_TSA_URL. Earlier copies stay genuine."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="Renew what expires before this day.")
        parser.add_argument("--dry-run", action="store_true", help="List the documents, change nothing.")

    def handle(self, *args, **options) -> None:
        before = datetime.combine(_date(options["before"]), time.min, tzinfo=UTC)
        tsa = configured_tsa()
        if tsa is None and not options["dry_run"]:
            raise CommandError("No time-stamping authority: set RISKREG_TSA_URL to renew timestamps.")
        due = list(documents_due_for_renewal(before=before))
        failures = 0
        for document in due:
            expires = document.timestamp_expires_at.date().isoformat()
            if options["dry_run"]:
                self.stdout.write(f"{document.document_id}: timestamp expires {expires}; would renew")
                continue
            try:
                renewal = document_timestamp_renew(document=document, tsa=tsa)
            except (RenewalError, SealError) as error:
                failures += 1
                self.stderr.write(f"{document.document_id}: NOT renewed: {error}")
                continue
            self.stdout.write(
                f"{document.document_id}: renewed (timestamp expired {expires}, now "
                f"{renewal.timestamp_expires_at.date().isoformat()}); SHA-256 {renewal.sha256}"
            )
        self.stdout.write(
            f"{len(due)} document(s) due, {len(due) - failures if not options['dry_run'] else 0} renewed."
        )
        if failures:
            raise CommandError(f"{failures} document(s) could not be renewed; run the command again later.")
