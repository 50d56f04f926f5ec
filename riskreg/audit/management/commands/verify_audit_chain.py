from django.core.management.base import BaseCommand, CommandError

from riskreg.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"Audit chain BROKEN after {report.events_checked} good events: {report.problem}")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.events_checked} events, head {report.head_hash}")
        )
