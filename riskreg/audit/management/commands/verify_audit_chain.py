from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riskreg.audit.chain import verify_chain
from riskreg.audit.digests import DigestError, check_against_files


class Command(BaseCommand):
    help = "Walk the audit hash chain; exit non-zero naming the first broken event."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--against",
            type=Path,
            action="append",
            metavar="FILE|DIR",
            help="Also check the chain against saved daily digests (a digest file, or a directory of them).",
        )

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"Audit chain BROKEN after {report.events_checked} good events: {report.problem}")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.events_checked} events, head {report.head_hash}")
        )
        if options["against"]:
            self._check_digests(options["against"])

    def _check_digests(self, locations: list[Path]) -> None:
        try:
            checks = check_against_files(locations)
        except DigestError as error:
            raise CommandError(str(error), returncode=2) from error
        problems = [check.problem for check in checks if not check.matches]
        for check in checks:
            stamp = f", timestamped {check.timestamped_at.isoformat()}" if check.timestamped_at else ""
            verdict = "matches" if check.matches else "MISMATCH"
            self.stdout.write(f"{check.digest.path.name}: {verdict} (head #{check.digest.head_sequence}{stamp})")
        if problems:
            raise CommandError(f"Audit chain does NOT match {len(problems)} digest(s): " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"The chain matches every digest ({len(checks)})."))
