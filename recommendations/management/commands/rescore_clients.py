import time

from django.core.management.base import BaseCommand

from clients.models import Client
from recommendations.risk.services import clients_rescore_all


class Command(BaseCommand):
    help = "Recompute every client's cached risk score, band and liability coverage, in short batches."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        total = Client.objects.count()

        def report(done: int) -> None:
            self.stdout.write(f"  {done:,} of {total:,} clients rescored ({time.monotonic() - started:.1f} s)")
            self.stdout.flush()

        count = clients_rescore_all(progress=report)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Rescored {count} clients in {elapsed:.2f} s."))
