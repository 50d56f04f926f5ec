import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from riskreg.audit.chain import audit_append, verify_chain
from riskreg.audit.models import AuditEvent


def _append_three(actor=None) -> list[AuditEvent]:
    return [
        audit_append(
            actor=actor,
            event_type="client.updated",
            object_type="thing",
            object_id=str(n),
            summary=f"event {n}",
            payload={"n": n, "name": "Łukasz Żółć"},
        )
        for n in range(3)
    ]


def tamper(sql: str, params: list) -> None:
    """Edit the table behind the application's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the session; the chain must still tell.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.mark.django_db
def test_events_link_each_to_the_previous_hash():
    first, second, third = _append_three()

    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert verify_chain().intact


@pytest.mark.django_db
def test_verify_command_passes_on_an_intact_chain(capsys):
    _append_three()

    call_command("verify_audit_chain")

    assert "intact: 3 events" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_command_names_an_altered_event():
    _append_three()
    tamper("UPDATE audit_auditevent SET summary = %s WHERE sequence = 2", ["nothing happened"])

    with pytest.raises(CommandError, match="event #2 .* was altered"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_verify_command_names_a_deleted_event():
    _append_three()
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2", [])

    with pytest.raises(CommandError, match="event #2 is missing"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_verify_detects_removal_of_the_newest_event():
    _append_three()
    tamper("DELETE FROM audit_auditevent WHERE sequence = 3", [])

    report = verify_chain()

    assert not report.intact
    assert report.broken_sequence == 3


@pytest.mark.django_db
def test_verify_detects_an_altered_payload():
    _append_three()
    tamper("UPDATE audit_auditevent SET payload = %s WHERE sequence = 1", ['{"n": 99}'])

    assert verify_chain().broken_sequence == 1


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"])
def test_the_database_rejects_update_and_delete_of_audit_events(statement):
    _append_three()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.count() == 3
    assert verify_chain().intact
