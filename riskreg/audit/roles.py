"""PostgreSQL role separation: the application's role may add audit events, never change them.

The trigger of migration 0002 rejects UPDATE and DELETE on the audit table, but a table's owner
can disable or drop a trigger. So in production the tables belong to one role (which runs
`migrate`) and the application connects as another that owns nothing: it gets read and write
access to the tables, and on the audit table only SELECT and INSERT. Without UPDATE, DELETE or
TRUNCATE privileges and without ownership, it can neither change an audit row nor switch the
trigger off.
"""

import re

from django.db import connection

from riskreg.audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(Exception):
    """The role cannot be given the application's privileges safely."""


def app_role_statements(role: str) -> list[str]:
    """The GRANT and REVOKE statements that make `role` the application's role."""
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain PostgreSQL role name (lower-case letters, digits, underscores)")
    audit = connection.ops.quote_name(AuditEvent._meta.db_table)
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role}",
    ]


def app_role_grant(*, role: str) -> list[str]:
    """Run the statements as the tables' owner (the migrating role); returns what was run.

    Run it again after every `migrate`: tables created later get no grants by themselves."""
    if connection.vendor != "postgresql":
        raise RoleError("role separation is a PostgreSQL feature; SQLite has no roles")
    statements = app_role_statements(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise RoleError(f"there is no role {role!r}; create it first (CREATE ROLE {role} LOGIN PASSWORD '...')")
        is_superuser, is_owner = row
        if is_superuser:
            raise RoleError(f"{role} is a superuser, which bypasses every privilege; use an ordinary role")
        if is_owner:
            raise RoleError(f"{role} is the role running this command, which owns the tables; use a second role")
        for statement in statements:
            cursor.execute(statement)
    return statements
