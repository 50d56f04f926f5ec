import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations.reack import reack_sweep


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Run the re-acknowledgment sweep (heads-ups, re-acknowledgment requests, reminders, expiry, lapses, "
        "escalations) and print what it did. Safe to run any number of times: each step happens once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Run as if it were this date (YYYY-MM-DD), for demos and checks. Default: today.",
        )

    def handle(self, *args, **options) -> None:
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        report = reack_sweep(today=today)
        elapsed = time.monotonic() - started
        for entry in report.done:
            self.stdout.write(f"  {entry.label}: {entry.client} — {entry.item}")
        counts = report.counts()
        summary = ", ".join(f"{count} × {step}" for step, count in sorted(counts.items())) or "nothing due"
        self.stdout.write(self.style.SUCCESS(f"Re-acknowledgment sweep for {today}: {summary} ({elapsed:.2f} s)."))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"  failed: {error}"))
        if report.errors:
            raise CommandError(f"{len(report.errors)} step(s) failed; they will be retried on the next run.")
