from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riskreg.audit.chain import verify_chain
from riskreg.audit.digests import DigestError, check_against_files
from riskreg.audit.documents import verify_documents


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain, compare every stored document (its file and its recorded SHA-256) "
        "with the chain's record of its sealing and renewals and, with --against, the chain with saved "
        "daily digests; exit non-zero naming each problem."
    )

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
        # The digests first: a chain rewritten from an altered event onwards is intact in itself,
        # and only a digest taken before the rewrite tells.
        if options["against"]:
            self._check_digests(options["against"])
        documents = verify_documents()
        if not documents.intact:
            for problem in documents.problems:
                self.stderr.write(f"Document NOT as sealed: {problem}")
            raise CommandError(
                f"Audit chain intact ({report.events_checked} events), but {len(documents.problems)} document "
                "problem(s): see above"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.events_checked} events, head {report.head_hash}; "
                f"{documents.checked} documents ({documents.files_checked} files) match their sealing events"
            )
        )

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
