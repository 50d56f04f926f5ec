"""Daily digests outside the database, and the four ways of rewriting history they expose."""

import datetime
import json
import os
import stat
from pathlib import Path

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.management import CommandError, call_command
from django.db import connection

from riskreg.audit.chain import GENESIS_HASH, audit_append, stored_event_hash, verify_chain
from riskreg.audit.digests import check_chain_against, digest_take, digest_timestamp, missing_digest_days
from riskreg.audit.models import AuditEvent, ChainHead
from riskreg.audit.tasks import email_audit_digest, missing_digests_report
from riskreg.mail.models import OutboundEmail

DAY_ONE = datetime.date(2027, 3, 1)
DAY_TWO = datetime.date(2027, 3, 2)


def _append(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        audit_append(
            actor=None, event_type="client.updated", object_type="thing", object_id=str(n), summary=f"event {n}"
        )


def _as_database_owner(sql: str, params: list | None = None) -> None:
    """What an attacker with the database's owner or superuser account can do: the trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _rehash_from(sequence: int) -> None:
    """Recompute every hash from `sequence` on and move the head, so the chain verifies again."""
    previous = AuditEvent.objects.filter(sequence=sequence - 1).values_list("hash", flat=True).first() or GENESIS_HASH
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        digest = stored_event_hash(event, previous_hash=previous)
        _as_database_owner(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s", [previous, digest, event.pk]
        )
        previous = digest
    last = AuditEvent.objects.order_by("-sequence").first()
    ChainHead.objects.filter(id=1).update(sequence=last.sequence if last else 0, hash=previous)


def _digests_over_two_days() -> None:
    with time_machine.travel(datetime.datetime(2027, 3, 1, 0, 15, tzinfo=datetime.UTC), tick=False):
        _append(3)
        digest_take(day=DAY_ONE)
    with time_machine.travel(datetime.datetime(2027, 3, 2, 0, 15, tzinfo=datetime.UTC), tick=False):
        _append(2, start=3)
        digest_take(day=DAY_TWO)
    with time_machine.travel(datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        _append(2, start=5)


def _against(settings) -> None:
    call_command("verify_audit_chain", against=[Path(settings.RISKREG_DIGEST_DIR)])


@pytest.mark.django_db
def test_a_digest_is_written_once_read_only_and_never_rewritten(settings):
    _append(2)
    first = digest_take(day=DAY_ONE)
    written = first.path.read_bytes()
    _append(1, start=2)

    again = digest_take(day=DAY_ONE)

    assert again.path.read_bytes() == written
    assert json.loads(written)["head_sequence"] == 2
    assert first.head_hash == AuditEvent.objects.get(sequence=2).hash
    assert not os.stat(first.path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


@pytest.mark.django_db
def test_an_intact_chain_matches_every_digest_taken_so_far(settings, capsys):
    _digests_over_two_days()

    _against(settings)

    out = capsys.readouterr().out
    assert "audit-digest-2027-03-01.json: matches (head #3)" in out
    assert "audit-digest-2027-03-02.json: matches (head #5)" in out
    assert "The chain matches every digest (2)." in out


@pytest.mark.django_db
def test_a_chain_rewritten_after_an_altered_event_fails_against_the_digest(settings):
    _digests_over_two_days()
    _as_database_owner("UPDATE audit_auditevent SET summary = %s WHERE sequence = 2", ["nothing happened"])
    _rehash_from(2)
    assert verify_chain().intact  # the walk alone cannot tell

    with pytest.raises(CommandError, match="event #3 no longer has the hash recorded that day"):
        _against(settings)


@pytest.mark.django_db
def test_a_truncated_chain_with_its_head_moved_back_fails_against_the_digest(settings):
    _digests_over_two_days()
    _as_database_owner("DELETE FROM audit_auditevent WHERE sequence >= 5")
    ChainHead.objects.filter(id=1).update(sequence=4, hash=AuditEvent.objects.get(sequence=4).hash)
    assert verify_chain().intact

    with pytest.raises(CommandError, match="event #5 is gone; the chain was cut back"):
        _against(settings)


@pytest.mark.django_db
def test_a_chain_renumbered_after_a_delete_fails_against_the_digest(settings):
    _digests_over_two_days()
    _as_database_owner("DELETE FROM audit_auditevent WHERE sequence = 2")
    _as_database_owner("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence > 2")
    _rehash_from(2)
    assert verify_chain().intact

    with pytest.raises(CommandError, match="event #3 no longer has the hash recorded that day"):
        _against(settings)


@pytest.mark.django_db
def test_a_fabricated_event_dated_before_the_digest_fails_against_it(settings):
    _digests_over_two_days()
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        forged = audit_append(
            actor=None, event_type="request.signed", object_type="thing", object_id="x", summary="backdated"
        )
    # audit_append dates events with the clock; the forger sets the clock back, and it is appended last.
    assert forged.sequence == 8
    assert verify_chain().intact

    with pytest.raises(CommandError, match="event #8 is dated 2027-03-01T12:00:00.*added afterwards"):
        _against(settings)


@pytest.mark.django_db
def test_events_appended_after_a_digest_in_the_ordinary_way_match_it(settings):
    _digests_over_two_days()
    with time_machine.travel(datetime.datetime(2027, 3, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        _append(3, start=10)

    assert all(check_chain_against(digest_take(day=day)).matches for day in (DAY_ONE, DAY_TWO))


@pytest.mark.django_db
def test_a_missing_or_foreign_digest_file_is_a_clear_error(settings, tmp_path):
    foreign = tmp_path / "audit-digest-2027-03-01.json"
    foreign.write_text('{"format": "something else"}')

    with pytest.raises(CommandError, match="not a RiskReg audit digest"):
        call_command("verify_audit_chain", against=[foreign])
    with pytest.raises(CommandError, match="no such file or directory"):
        call_command("verify_audit_chain", against=[tmp_path / "nowhere"])


@pytest.mark.django_db
def test_with_a_tsa_the_digest_is_timestamped_and_a_changed_file_is_caught(settings, tsa_settings, capsys):
    _append(2)
    digest = digest_take(day=DAY_ONE)
    token = digest_timestamp(digest)

    assert token is not None and digest.token_path.read_bytes() == token
    _against(settings)
    assert "timestamped 20" in capsys.readouterr().out

    os.chmod(digest.path, 0o644)
    digest.path.write_text(digest.path.read_text().replace('"event_count": 2', '"event_count": 9'))
    with pytest.raises(CommandError, match="the file was changed after it was timestamped"):
        _against(settings)


@pytest.mark.django_db
def test_the_digest_task_writes_the_file_and_emails_it_with_its_token(settings, tsa_settings, practice_admin):
    _append(1)

    with time_machine.travel(datetime.datetime(2027, 3, 1, 0, 15, tzinfo=datetime.UTC), tick=False):
        email_audit_digest.delay().get()

    email = OutboundEmail.objects.get(kind="audit_digest")
    assert [a["filename"] for a in email.attachments] == [
        "audit-digest-2027-03-01.json",
        "audit-digest-2027-03-01.json.tsr",
    ]
    assert "RFC 3161 timestamp" in email.body_text
    assert (Path(settings.RISKREG_DIGEST_DIR) / "audit-digest-2027-03-01.json.tsr").exists()


@pytest.mark.django_db
def test_with_the_tsa_down_the_digest_is_kept_and_its_email_retried(settings, practice_admin):
    settings.RISKREG_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.RISKREG_TSA_TIMEOUT = 1
    _append(1)

    with pytest.raises(Retry):
        email_audit_digest.apply(throw=True)

    assert list(Path(settings.RISKREG_DIGEST_DIR).glob("*.json"))
    assert not OutboundEmail.objects.filter(kind="audit_digest").exists()


@pytest.mark.django_db
def test_a_day_without_a_digest_is_emailed_to_the_admins_once(settings, practice_admin):
    _append(1)
    digest_take(day=DAY_ONE)
    with time_machine.travel(datetime.datetime(2027, 3, 3, 0, 15, tzinfo=datetime.UTC), tick=False):
        digest_take(day=datetime.date(2027, 3, 3))

    email = missing_digests_report(today=datetime.date(2027, 3, 3))
    again = missing_digests_report(today=datetime.date(2027, 3, 3))

    assert email.pk == again.pk
    assert email.subject == "No audit-chain digest for 2027-03-02"
    assert email.to == ["ada@msp.example"]
    assert missing_digests_report(today=datetime.date(2027, 3, 1)) is None


@pytest.mark.django_db
def test_a_register_that_never_took_a_digest_is_reported_once_it_has_history(settings):
    assert missing_digest_days(today=DAY_ONE) == []
    with time_machine.travel(datetime.datetime(2027, 2, 20, tzinfo=datetime.UTC), tick=False):
        _append(1)

    with time_machine.travel(datetime.datetime(2027, 3, 1, 6, 30, tzinfo=datetime.UTC), tick=False):
        assert missing_digest_days(today=DAY_ONE) == [DAY_ONE]


def test_the_beat_schedule_watches_for_missing_digests(settings):
    from riskreg.celery import app

    app.loader.import_default_modules()
    watch = settings.CELERY_BEAT_SCHEDULE["daily-audit-digest-watch"]
    assert watch["task"] == "riskreg.audit.tasks.report_missing_digests"
    assert watch["task"] in app.tasks


@pytest.mark.django_db
def test_take_audit_digest_writes_today_s_file(settings, capsys):
    _append(1)

    call_command("take_audit_digest")

    assert "head #1" in capsys.readouterr().out
    assert len(list(Path(settings.RISKREG_DIGEST_DIR).glob("audit-digest-*.json"))) == 1
