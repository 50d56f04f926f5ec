from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from riskreg.audit.roles import RoleError, app_role_grant, app_role_statements


class Command(BaseCommand):
    help = (
        "PostgreSQL: give ROLE the application's privileges (read and write every table, but only "
        "SELECT and INSERT on audit events). Run as the role that owns the tables, after every migrate; "
        "the application then connects as ROLE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="The application's (non-owner, non-superuser) role.")
        parser.add_argument("--print", action="store_true", help="Print the SQL instead of running it.")

    def handle(self, *args, **options) -> None:
        try:
            if options["print"]:
                statements = app_role_statements(options["role"])
            else:
                with transaction.atomic():
                    statements = app_role_grant(role=options["role"])
        except RoleError as error:
            raise CommandError(str(error)) from error
        for statement in statements:
            self.stdout.write(statement + ";")
