"""The re-acknowledgment sweep: the ladder, exactly-once steps, lapses and escalation."""

import datetime
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from clients.models import Client, PracticeProfile
from recommendations import reack, signing
from recommendations.models import DecisionRequest, ReackStep, Recommendation, WaiverDocument
from recommendations.reack.core import claim_items
from recommendations.signing.signature_image import decode_signature
from recommendations.tasks import run_reack_sweep
from riskreg.audit.chain import audit_append, verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.audit.tasks import audit_digest_enqueue, email_audit_digest
from riskreg.mail.models import OutboundEmail
from tests.factories import ContactFactory, RecommendationFactory, UserFactory
from tests.signing_helpers import latest_code, send_request, signature_data_url

UTC = datetime.UTC
START = datetime.datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
SWEEP_HOURS = (6, 18)
REACK_KINDS = ("reack_heads_up", "decision_request", "request_reminder")


def evidence() -> signing.SignerEvidence:
    return signing.SignerEvidence(
        typed_name="Hélène Côté",
        typed_title="Chief Executive Officer",
        signature_png=decode_signature(signature_data_url()),
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0",
        signer_timezone="America/Toronto",
    )


def sign(request: DecisionRequest, *, outcome: str = "refuse") -> None:
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    signing.decision_request_complete(
        request=request,
        choices=[
            signing.ItemChoice(item.pk, outcome, "Still not in this year's budget") for item in request.items.all()
        ],
        evidence=evidence(),
    )


def refuse_through_signing(client_record, vcio, title: str = "Multi-factor authentication") -> Recommendation:
    request, _, (recommendation,) = send_request(client_record, vcio, titles=(title,))
    sign(request)
    recommendation.refresh_from_db()
    return recommendation


def sweep_day(traveller, day: datetime.date, hours=SWEEP_HOURS) -> list[reack.SweepReport]:
    reports = []
    for hour in hours:
        traveller.move_to(datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC))
        reports.append(reack.reack_sweep(today=timezone.localdate()))
    return reports


def reack_emails(scope: str, *, after: datetime.date) -> list[tuple[datetime.date, str]]:
    rows = OutboundEmail.objects.filter(scope=scope, kind__in=REACK_KINDS).order_by("created_at", "pk")
    return [(timezone.localdate(e.created_at), e.kind) for e in rows if timezone.localdate(e.created_at) > after]


def open_reack_request(recommendation: Recommendation) -> DecisionRequest | None:
    return DecisionRequest.objects.filter(
        items__recommendation=recommendation, purpose="reacknowledgment", status__in=DecisionRequest.OPEN_STATUSES
    ).first()


def refusal(client, *, due_in: int, title: str = "", **fields) -> Recommendation:
    """A refusal recorded directly (no signing record): the sweep writes to the client's signatory."""
    return RecommendationFactory(
        client=client,
        status="refused",
        title=title or f"Refusal due in {due_in} days",
        valid_until=timezone.localdate() + datetime.timedelta(days=due_in),
        likelihood=5,
        impact=5,
        **fields,
    )


def state_counts() -> dict[str, int]:
    return {
        "emails": OutboundEmail.objects.count(),
        "steps": ReackStep.objects.count(),
        "events": AuditEvent.objects.count(),
        "requests": DecisionRequest.objects.count(),
        "open": DecisionRequest.objects.filter(status__in=DecisionRequest.OPEN_STATUSES).count(),
        "lapsed": Recommendation.objects.filter(status="lapsed").count(),
    }


# The full year


@pytest.mark.django_db
def test_one_refusal_walks_a_full_year_and_each_email_goes_out_exactly_once(
    client_record, vcio, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False) as traveller:
        recommendation = refuse_through_signing(client_record, vcio)
        day_zero = timezone.localdate()
        assert recommendation.valid_until == day_zero + 90 * DAY
        re_signed: list[tuple[datetime.date, datetime.date]] = []

        for offset in range(1, 366):
            today = day_zero + offset * DAY
            sweep_day(traveller, today)
            request = open_reack_request(recommendation)
            if request and today - timezone.localdate(request.sent_at) == 8 * DAY:
                with django_capture_on_commit_callbacks(execute=True):
                    sign(request)
                recommendation.refresh_from_db()
                re_signed.append((today, recommendation.valid_until))
                assert WaiverDocument.objects.filter(request=request, kind="waiver").exists()

    expected, valid_until = [], day_zero + 90 * DAY
    while valid_until - 30 * DAY <= day_zero + 365 * DAY:
        expected += [
            (valid_until - 30 * DAY, "reack_heads_up"),
            (valid_until - 7 * DAY, "reack_heads_up"),
            (valid_until - 1 * DAY, "reack_heads_up"),
            (valid_until, "decision_request"),
            (valid_until + 3 * DAY, "request_reminder"),
            (valid_until + 7 * DAY, "request_reminder"),
        ]
        valid_until += 8 * DAY + 90 * DAY
    expected = [(day, kind) for day, kind in expected if day <= day_zero + 365 * DAY]
    assert reack_emails(client_record.scope, after=day_zero) == expected
    # re-signed eight days into each request, each time with a new 90-day valid-until
    assert re_signed == [
        (day_zero + 98 * DAY, day_zero + 188 * DAY),
        (day_zero + 196 * DAY, day_zero + 286 * DAY),
        (day_zero + 294 * DAY, day_zero + 384 * DAY),
    ]
    assert recommendation.status == "refused"
    assert Recommendation.objects.get(pk=recommendation.pk).status == "refused"
    assert verify_chain().intact


@pytest.mark.django_db
def test_an_unanswered_refusal_expires_lapses_and_escalates_and_coverage_drops(client_record, vcio, manager):
    with time_machine.travel(START, tick=False) as traveller:
        recommendation = refuse_through_signing(client_record, vcio)
        valid_until = recommendation.valid_until
        client_record.refresh_from_db()
        covered_before, score_before = client_record.liability_coverage, client_record.risk_score

        for offset in range(-1, 17):
            sweep_day(traveller, valid_until + offset * DAY)
            if offset == 14:
                request = DecisionRequest.objects.get(purpose="reacknowledgment")
                assert request.status == "expired"
                assert Recommendation.objects.get(pk=recommendation.pk).status == "refused"

    recommendation.refresh_from_db()
    client_record.refresh_from_db()
    assert recommendation.status == "lapsed"
    assert recommendation.valid_until == valid_until
    assert covered_before == 100
    assert client_record.liability_coverage == 0
    assert client_record.risk_score >= score_before >= 50
    steps = ReackStep.objects.filter(recommendation=recommendation, cycle=valid_until)
    assert steps.get(step="lapsed").done_at.date() == valid_until + 15 * DAY
    assert steps.get(step="escalated").done_at.date() == valid_until + 15 * DAY
    escalation = OutboundEmail.objects.get(kind="reack_escalation")
    assert sorted(escalation.to) == ["morgan@msp.example", "vera@msp.example"]
    assert "Multi-factor authentication" in escalation.body_text
    assert "Harbourview Clinic — liability coverage now 0.0 %" in escalation.body_text
    expired = OutboundEmail.objects.get(kind="request_expired")
    assert expired.to == ["vera@msp.example"]
    events = list(AuditEvent.objects.filter(scope=client_record.scope).values_list("event_type", flat=True))
    assert events.count("request.expired") == 1 and events.count("recommendation.lapsed") == 1
    lapse_event = AuditEvent.objects.get(event_type="recommendation.lapsed")
    assert lapse_event.actor_label == reack.SYSTEM
    assert lapse_event.payload["valid_until"] == valid_until.isoformat()
    assert verify_chain().intact


# Exactly once


@pytest.fixture
def every_threshold(client_record, vcio):
    """Refusals at every rung of the ladder, and requests aged 3, 7 and 15 days."""
    profile = PracticeProfile.load()
    for due_in in (30, 7, 1, 0, -5, -15):
        refusal(client_record, due_in=due_in)
    with time_machine.travel(timezone.now() - 3 * DAY):
        send_request(client_record, vcio, titles=("Sent three days ago",))
    with time_machine.travel(timezone.now() - 7 * DAY):
        send_request(client_record, vcio, titles=("Sent a week ago",))
    with time_machine.travel(timezone.now() - (profile.request_valid_days + 1) * DAY):
        send_request(client_record, vcio, titles=("Sent long ago",))
    return client_record


@pytest.mark.django_db
def test_the_sweep_does_every_kind_of_step_once_and_a_second_run_changes_nothing(every_threshold, manager):
    first = reack.reack_sweep(today=timezone.localdate())
    after_first = state_counts()

    second = reack.reack_sweep(today=timezone.localdate())

    assert first.errors == []
    assert first.counts() == {
        "heads_up_30": 1,
        "heads_up_7": 1,
        "heads_up_1": 1,
        "reack_request": 2,
        "request_reminder_3": 1,
        "request_reminder_7": 1,
        "request_expired": 1,
        "lapsed": 1,
        "escalated": 1,
    }
    assert second.done == [] and second.errors == []
    assert state_counts() == after_first


@pytest.mark.django_db
def test_refusals_due_together_for_one_signatory_go_in_one_request(client_record):
    first = refusal(client_record, due_in=0, title="Offsite backups")
    second = refusal(client_record, due_in=-3, title="Endpoint detection")

    reack.reack_sweep(today=timezone.localdate())

    request = DecisionRequest.objects.get(purpose="reacknowledgment")
    assert set(request.items.values_list("recommendation", flat=True)) == {first.pk, second.pk}
    assert request.signatory.email == "helene@harbourview.example"
    assert OutboundEmail.objects.filter(kind="decision_request").count() == 1
    steps = ReackStep.objects.filter(step="reack_request")
    assert {(s.recommendation_id, s.cycle, s.request_id) for s in steps} == {
        (first.pk, first.valid_until, request.pk),
        (second.pk, second.valid_until, request.pk),
    }


@pytest.mark.django_db
def test_a_step_is_not_claimed_for_a_refusal_re_signed_since_it_was_selected(client_record):
    selected = refusal(client_record, due_in=1)
    Recommendation.objects.filter(pk=selected.pk).update(valid_until=selected.valid_until + 90 * DAY)

    with transaction.atomic():
        won = claim_items([selected], step="heads_up_1")

    assert won == []
    assert not ReackStep.objects.exists()


@pytest.mark.django_db
def test_a_missed_day_sends_the_nearest_rung_only(client_record):
    item = refusal(client_record, due_in=5)

    reack.reack_sweep(today=timezone.localdate())

    assert list(ReackStep.objects.filter(recommendation=item).values_list("step", flat=True)) == ["heads_up_7"]
    body = OutboundEmail.objects.get(kind="reack_heads_up").body_text
    assert "due for review in 5 days" in body


@pytest.mark.django_db
def test_a_re_signed_refusal_starts_a_new_cycle(client_record, vcio):
    with time_machine.travel(START, tick=False):
        recommendation = refuse_through_signing(client_record, vcio)
    first_cycle = recommendation.valid_until
    with time_machine.travel(datetime.datetime.combine(first_cycle, datetime.time(6), tzinfo=UTC), tick=False):
        reack.reack_sweep(today=timezone.localdate())
        sign(open_reack_request(recommendation))
        recommendation.refresh_from_db()
        reack.reack_sweep(today=timezone.localdate())

    assert recommendation.valid_until == first_cycle + 90 * DAY
    assert ReackStep.objects.filter(recommendation=recommendation, cycle=first_cycle, step="reack_request").exists()
    assert not ReackStep.objects.filter(recommendation=recommendation, cycle=recommendation.valid_until).exists()
    assert OutboundEmail.objects.filter(kind="decision_request").count() == 2  # the first decision and one re-ack


@pytest.mark.django_db
def test_an_accepted_refusal_is_left_alone(client_record, vcio):
    with time_machine.travel(START, tick=False):
        recommendation = refuse_through_signing(client_record, vcio)
    with time_machine.travel(datetime.datetime.combine(recommendation.valid_until, datetime.time(6), tzinfo=UTC)):
        reack.reack_sweep(today=timezone.localdate())
        sign(open_reack_request(recommendation), outcome="accept")
    later = recommendation.valid_until + 30 * DAY
    with time_machine.travel(datetime.datetime.combine(later, datetime.time(6), tzinfo=UTC)):
        report = reack.reack_sweep(today=timezone.localdate())

    assert report.done == []
    assert Recommendation.objects.get(pk=recommendation.pk).status == "accepted"


# The signatory


@pytest.mark.django_db
def test_a_gone_signatory_makes_the_vcio_choose_another_once_per_cycle(client_record, vcio):
    with time_machine.travel(START, tick=False) as traveller:
        recommendation = refuse_through_signing(client_record, vcio)
        ContactFactory(client=client_record, name="Second Signer", email="second@harbourview.example")
        client_record.contacts.filter(email="helene@harbourview.example").update(is_active=False)
        for offset in (-30, -7, -1, 0, 3):
            sweep_day(traveller, recommendation.valid_until + offset * DAY)

    notices = OutboundEmail.objects.filter(kind="reack_signatory_gone")
    assert notices.count() == 1
    assert notices.get().to == ["vera@msp.example"]
    assert "Hélène Côté can no longer sign" in notices.get().body_text
    assert not DecisionRequest.objects.filter(purpose="reacknowledgment").exists()
    assert not OutboundEmail.objects.filter(kind="reack_heads_up").exists()
    # the other active signatory is not written to behind the vCIO's back
    assert not OutboundEmail.objects.filter(to__icontains="second@harbourview.example").exists()


@pytest.mark.django_db
def test_the_signer_of_the_refusal_is_asked_not_another_signatory(client_record, vcio):
    with time_machine.travel(START, tick=False):
        recommendation = refuse_through_signing(client_record, vcio)
        ContactFactory(client=client_record, name="Aaron First", email="aaron@harbourview.example")
    with time_machine.travel(datetime.datetime.combine(recommendation.valid_until, datetime.time(6), tzinfo=UTC)):
        reack.reack_sweep(today=timezone.localdate())

    assert open_reack_request(recommendation).signatory.email == "helene@harbourview.example"


@pytest.mark.django_db
def test_a_client_without_any_signatory_gets_a_notice_to_the_managers_when_it_has_no_vcio(manager):
    orphan = Client.objects.create(name="Orphan Co", vcio=None)
    refusal(orphan, due_in=0)

    reack.reack_sweep(today=timezone.localdate())

    assert OutboundEmail.objects.get(kind="reack_signatory_gone").to == ["morgan@msp.example"]


# Staff sending now


@pytest.mark.django_db
def test_sending_now_records_the_step_so_the_sweep_sends_nothing_more_this_cycle(client_record, vcio):
    item = refusal(client_record, due_in=20)
    signatory = client_record.contacts.get()

    request = reack.reack_request_send(actor=vcio, client=client_record, signatory=signatory, recommendations=[item])
    for due_in in (7, 1, 0):
        reack.reack_sweep(today=item.valid_until - due_in * DAY)

    assert request.purpose == "reacknowledgment"
    assert ReackStep.objects.get(recommendation=item, step="reack_request").request == request
    assert OutboundEmail.objects.filter(kind__in=["decision_request", "reack_heads_up"]).count() == 1
    assert AuditEvent.objects.get(event_type="request.sent").actor == vcio


@pytest.mark.django_db
def test_sending_now_after_the_sweeps_request_was_revoked_is_allowed(client_record, vcio):
    item = refusal(client_record, due_in=0)
    reack.reack_sweep(today=timezone.localdate())
    first = open_reack_request(item)
    signing.decision_request_revoke(actor=vcio, request=first)

    second = reack.reack_request_send(
        actor=vcio, client=client_record, signatory=first.signatory, recommendations=[item]
    )

    assert second.pk != first.pk and second.is_open
    assert ReackStep.objects.get(recommendation=item, step="reack_request").request == first


# Practice settings


@pytest.mark.django_db
def test_the_practice_ladder_and_grace_are_used(client_record):
    PracticeProfile.objects.update_or_create(id=1, defaults={"heads_up_days": "14", "lapse_grace_days": 2})
    coming = refusal(client_record, due_in=10)
    overdue = refusal(client_record, due_in=-3)

    report = reack.reack_sweep(today=timezone.localdate())

    assert report.counts() == {"heads_up_14": 1, "lapsed": 1, "escalated": 1}
    assert ReackStep.objects.get(recommendation=coming).step == "heads_up_14"
    assert Recommendation.objects.get(pk=overdue.pk).status == "lapsed"


@pytest.mark.django_db
def test_a_malformed_ladder_fails_loudly(client_record):
    PracticeProfile.objects.update_or_create(id=1, defaults={"heads_up_days": "30,soon"})

    with pytest.raises(ValueError, match="heads_up_days"):
        reack.reack_sweep(today=timezone.localdate())


@pytest.mark.django_db
def test_former_clients_are_not_chased(client_record):
    refusal(client_record, due_in=1)
    Client.objects.filter(pk=client_record.pk).update(status="former")

    assert reack.reack_sweep(today=timezone.localdate()).done == []


# Interfaces: the command, the task, the beat schedule


@pytest.mark.django_db
def test_the_command_prints_what_it_did(every_threshold, manager, capsys):
    call_command("reack_sweep", "--today", timezone.localdate().isoformat())

    out = capsys.readouterr().out
    assert "Heads-up 30 days before: Harbourview Clinic — Refusal due in 30 days" in out
    assert "1 × lapsed" in out and "2 × reack_request" in out and "1 × request_expired" in out


@pytest.mark.django_db
def test_the_demo_data_shows_every_kind_of_step_once():
    call_command("seed_demo", "--clients", "12", "--recommendations", "3", stdout=StringIO())
    first, second = StringIO(), StringIO()

    call_command("reack_sweep", "--today", timezone.localdate().isoformat(), stdout=first)
    call_command("reack_sweep", "--today", timezone.localdate().isoformat(), stdout=second)

    done = set(ReackStep.objects.values_list("step", flat=True))
    assert done == {step.value for step in ReackStep.Step}
    assert "nothing due" in second.getvalue()


@pytest.mark.django_db
def test_the_command_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reack_sweep", "--today", "next tuesday")


@pytest.mark.django_db
def test_the_task_runs_the_sweep_for_today(client_record):
    refusal(client_record, due_in=1)

    assert run_reack_sweep.delay().get() == {"heads_up_1": 1}


@pytest.mark.django_db
def test_the_task_retries_when_a_step_failed(monkeypatch, celery_eager):
    calls = []

    def sweep(*, today):
        calls.append(today)
        report = reack.SweepReport(today=today)
        if len(calls) == 1:
            report.errors.append("heads_up_7 for Harbourview Clinic: OperationalError: deadlock detected")
        return report

    monkeypatch.setattr("recommendations.tasks.reack_sweep", sweep)
    # Eagerly, a retry runs the task again inline (instead of raising Retry to the caller).
    celery_eager.conf.task_eager_propagates = False  # the fixture restores it

    result = run_reack_sweep.apply()

    assert len(calls) == 2
    assert result.get() == {}


def test_the_beat_schedule_runs_the_sweep_and_the_digest_daily(settings):
    from riskreg.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    sweep = schedule["daily-reacknowledgment-sweep"]
    assert sweep["task"] == "recommendations.tasks.run_reack_sweep"
    assert sweep["schedule"].hour == {settings.RISKREG_SWEEP_HOUR}
    assert schedule["daily-audit-digest"]["task"] == "riskreg.audit.tasks.email_audit_digest"
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


# The audit digest


@pytest.mark.django_db
def test_the_audit_digest_emails_the_chain_head_to_admins_once_a_day(client_record, practice_admin, vcio):
    UserFactory(username="retired-admin", role="admin", is_active=False)
    audit_append(actor=vcio, event_type="client.updated", object_type="client", object_id="1", summary="Something")
    report = verify_chain()

    email = audit_digest_enqueue(day=datetime.date(2027, 3, 1))
    again = audit_digest_enqueue(day=datetime.date(2027, 3, 1))

    assert email.pk == again.pk
    assert email.to == ["ada@msp.example"]
    assert report.head_hash in email.body_text
    assert report.events_checked == 1
    assert "Events checked: 1." in email.body_text
    assert email.subject.startswith("Audit chain intact on 2027-03-01")
    assert OutboundEmail.objects.filter(kind="audit_digest").count() == 1


@pytest.mark.django_db
def test_the_audit_digest_task_sends_nothing_without_an_admin(vcio):
    assert email_audit_digest.delay().get() is None
    assert not OutboundEmail.objects.filter(kind="audit_digest").exists()


# Concurrency (PostgreSQL: SQLite serialises every write transaction anyway)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_email_once(every_threshold, manager):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent write transactions")
    barrier = threading.Barrier(2)
    reports: list[reack.SweepReport] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(reack.reack_sweep(today=timezone.localdate()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(reports) == 2
    assert [error for report in reports for error in report.errors] == []
    combined = [entry.step for report in reports for entry in report.done]
    assert sorted(combined) == sorted(
        ["heads_up_30", "heads_up_7", "heads_up_1", "reack_request", "reack_request"]
        + ["request_reminder_3", "request_reminder_7", "request_expired", "lapsed", "escalated"]
    )
    keys = list(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))
    assert OutboundEmail.objects.filter(kind="reack_heads_up").count() == 3
    assert DecisionRequest.objects.filter(purpose="reacknowledgment").count() == 1
    assert AuditEvent.objects.filter(event_type="recommendation.lapsed").count() == 1
    assert verify_chain().intact
