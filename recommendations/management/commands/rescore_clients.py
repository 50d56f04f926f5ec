import time

from django.core.management.base import BaseCommand

from recommendations.risk.services import clients_rescore_all


class Command(BaseCommand):
    help = "Recompute every client's cached risk score, band and liability coverage."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        count = clients_rescore_all()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Rescored {count} clients in {elapsed:.2f} s."))
