"""`manage.py import_csv FILE --source autotask --kind clients [--apply]`: the CSV import from a terminal."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.imports.layouts import LAYOUTS, layout_for
from clients.imports.planning import ERROR, SKIP, UPDATE
from clients.imports.reading import decode
from clients.imports.services import ImportRefused, import_apply, plan_file

SOURCES = sorted({source for source, _ in LAYOUTS})


class Command(BaseCommand):
    help = (
        "Check a CSV export of clients or contacts and show what each row would do; with --apply, write it all "
        "in one transaction (nothing when any row is bad). Exits 1 when rows fail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, choices=SOURCES, help="the system the file was exported from")
        parser.add_argument("--kind", required=True, choices=["clients", "contacts"])
        parser.add_argument("--vcio", default="", help="username of the vCIO new clients get (clients only)")
        parser.add_argument("--apply", action="store_true", help="write the changes (default: only check)")
        parser.add_argument("--verbose-rows", action="store_true", help="list every created and updated row too")

    def handle(self, *args, file: Path, source: str, kind: str, vcio: str, apply: bool, verbose_rows: bool, **o):
        layout = layout_for(source, kind)
        try:
            text = decode(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        default_vcio = self._user(vcio)
        try:
            plan = plan_file(layout=layout, text=text, default_vcio=default_vcio, progress=self._progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._report(plan, verbose_rows)
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} row(s) cannot be imported; nothing was changed.", returncode=1)
        if not apply:
            self.stdout.write("Checked only: run again with --apply to write these changes.")
            return
        self.stderr.write(f"Applying {len(plan.changes)} changes in one transaction…")
        try:
            applied = import_apply(
                actor=None, actor_label="command:import_csv", layout=layout, text=text, default_vcio=default_vcio
            )
        except ImportRefused as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None
        self.stdout.write(self.style.SUCCESS(f"Applied: {applied.created} created, {applied.updated} updated."))

    def _user(self, username: str):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff user named {username!r}.")
        return user

    def _progress(self, done: int) -> None:
        self.stderr.write(f"  checked {done} rows")

    def _report(self, plan, verbose_rows: bool) -> None:
        for row in plan.rows:
            if row.action == ERROR:
                self.stdout.write(f"line {row.line}: ERROR {row.label or row.external_id}: " + " ".join(row.errors))
            elif row.action == SKIP:
                self.stdout.write(f"line {row.line}: skipped {row.label}: " + " ".join(row.notes))
            elif verbose_rows and row.action == UPDATE:
                changes = ", ".join(f"{name} {old} → {new}" for name, (old, new) in row.changes.items())
                self.stdout.write(f"line {row.line}: update {row.label}: {changes}")
        counts = ", ".join(f"{count} {action}" for action, count in plan.counts.items())
        self.stdout.write(f"{plan.layout.title}: {len(plan.rows)} rows: {counts}.")
