from django.core.management.base import BaseCommand, CommandError

from riskreg.audit.chain import verify_chain
from riskreg.audit.documents import verify_documents


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain, then compare every stored document (its file and its recorded SHA-256) "
        "with the chain's record of its sealing; exit non-zero naming each problem."
    )

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"Audit chain BROKEN after {report.events_checked} good events: {report.problem}")
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
