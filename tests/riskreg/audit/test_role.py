"""PostgreSQL: the application's role can append audit events and nothing more, even by
switching the append-only trigger off. Tested with a second, non-owner role created here."""

import secrets

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from riskreg.audit.chain import audit_append
from riskreg.audit.roles import app_role_statements

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are a PostgreSQL feature")


@pytest.fixture
def app_role(transactional_db):
    """A LOGIN role that owns nothing, given the application's privileges by grant_app_role."""
    role = f"riskreg_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        call_command("grant_app_role", role)
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def _event() -> None:
    audit_append(actor=None, event_type="client.updated", object_type="thing", object_id="1", summary="kept")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET summary = 'rewritten'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_change_audit_rows_or_switch_the_trigger_off(app_role, statement):
    _event()

    with _connect_as(app_role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)

    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM audit_auditevent")
        assert cursor.fetchall() == [("kept",)]


def test_the_application_role_can_still_append_and_read_events(app_role):
    _event()

    with _connect_as(app_role) as conn:
        conn.execute("UPDATE audit_chainhead SET sequence = sequence WHERE id = 1")
        conn.execute(
            "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, event_type, object_type, object_id, "
            "scope, summary, payload, previous_hash, hash) VALUES (2, now(), 'system', 'test.event', 'thing', '2', "
            "'', 'appended', '{}', 'x', 'y')"
        )
        rows = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()

    assert rows == (2,)


def test_grant_app_role_refuses_a_superuser_and_the_owner(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()

    with pytest.raises(CommandError, match="superuser|owns the tables"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", "riskreg_no_such_role")


def test_grant_app_role_rejects_a_role_name_that_is_not_plain():
    with pytest.raises(CommandError, match="not a plain PostgreSQL role name"):
        call_command("grant_app_role", "app; DROP TABLE x", "--print")


def test_the_statements_revoke_every_way_to_change_audit_rows():
    statements = app_role_statements("riskreg_app")

    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "audit_auditevent" FROM riskreg_app' in statements
