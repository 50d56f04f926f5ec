"""The sweep works in batches of clients per transaction: as correct as one at a time, and a
failing client still fails alone."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client, Contact
from recommendations import reack
from recommendations.models import DecisionRequest, ReackStep, Recommendation, TransitionError
from recommendations.risk.scoring import score_client
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of
from recommendations.services import refusals_lapse
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory


def clients_with_refusals(count: int, *, due_in: int) -> list[Client]:
    clients = []
    for number in range(count):
        client = ClientFactory(name=f"Client {number:02d}")
        ContactFactory(client=client, email=f"ceo{number}@client{number}.example")
        RecommendationFactory(
            client=client,
            status="refused",
            title=f"Offsite backups {number}",
            valid_until=timezone.localdate() + datetime.timedelta(days=due_in),
            likelihood=5,
            impact=4,
        )
        clients.append(client)
    return clients


def fresh_score(client: Client) -> tuple[int, float]:
    client.refresh_from_db()
    result = score_client(
        scoring_items_for_client(client), sensitivity_of(client), timezone.localdate(), scoring_config()
    )
    return result.score, result.coverage


@pytest.mark.django_db
def test_a_client_failing_inside_a_batch_is_reported_alone_and_the_others_go_through():
    good, bad, also_good = clients_with_refusals(3, due_in=1)
    # Saved around validation, as an import might: the outbox refuses to write to it.
    Contact.objects.filter(client=bad).update(email="not an address")

    report = reack.reack_sweep(today=timezone.localdate())

    assert report.counts() == {"heads_up_1": 2}
    assert [done.client for done in report.done] == [good.name, also_good.name]
    assert len(report.errors) == 1 and report.errors[0].startswith(
        "heads-up 1 day before for Client 01: ValidationError"
    )
    assert set(OutboundEmail.objects.values_list("scope", flat=True)) == {good.scope, also_good.scope}
    # The failed client's claim went back with its email: fixed, the next run sends it.
    assert not ReackStep.objects.filter(recommendation__client=bad).exists()
    Contact.objects.filter(client=bad).update(email="ceo@bad.example")
    assert reack.reack_sweep(today=timezone.localdate()).counts() == {"heads_up_1": 1}


@pytest.mark.django_db
def test_more_clients_in_a_batch_cost_no_more_statements_their_requests_and_emails_are_written_together():
    def statements_to_send(clients: int) -> int:
        with transaction.atomic():
            clients_with_refusals(clients, due_in=0)
            with CaptureQueriesContext(connection) as queries:
                report = reack.reack_sweep(today=timezone.localdate())
            assert report.counts() == {"reack_request": clients} and report.errors == []
            assert DecisionRequest.objects.count() == clients
            transaction.set_rollback(True)
        return len(queries)

    one, six = statements_to_send(1), statements_to_send(6)

    assert six == one


@pytest.mark.django_db
def test_lapses_of_many_clients_rescore_each_of_them_and_chain_one_event_per_refusal():
    clients = clients_with_refusals(4, due_in=-30)
    Client.objects.update(risk_score=0, risk_band="low", liability_coverage=100)

    report = reack.reack_sweep(today=timezone.localdate())

    assert report.counts()["lapsed"] == 4
    assert Recommendation.objects.filter(status="lapsed").count() == 4
    for client in clients:
        score, coverage = fresh_score(client)
        assert (client.risk_score, float(client.liability_coverage)) == (score, pytest.approx(coverage, abs=0.05))
        assert (client.risk_score, client.liability_coverage) != (0, 100)
    assert AuditEvent.objects.filter(event_type="recommendation.lapsed", actor_label=reack.SYSTEM).count() == 4
    assert verify_chain().intact


@pytest.mark.django_db
def test_lapsing_a_recommendation_that_is_not_refused_changes_nothing():
    (client,) = clients_with_refusals(1, due_in=-30)
    RecommendationFactory(
        client=client, status="refused", valid_until=timezone.localdate() - datetime.timedelta(days=40)
    )
    Recommendation.objects.filter(client=client, title="Offsite backups 0").update(status="accepted", valid_until=None)
    read_after_locking = list(Recommendation.objects.filter(client=client).select_related("client").order_by("pk"))
    events = AuditEvent.objects.count()

    with pytest.raises(TransitionError, match="is accepted and cannot be lapsed"), transaction.atomic():
        refusals_lapse(actor_label="test", refusals=read_after_locking, payload={})

    assert not Recommendation.objects.filter(status="lapsed").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_sweep_never_mixes_up_which_request_each_refusal_went_out_in():
    clients = clients_with_refusals(3, due_in=0)

    reack.reack_sweep(today=timezone.localdate())

    for client in clients:
        request = DecisionRequest.objects.get(client=client)
        step = ReackStep.objects.get(recommendation__client=client, step="reack_request")
        assert step.request_id == request.pk
        assert list(request.items.values_list("recommendation__client", flat=True)) == [client.pk]


@pytest.mark.django_db
def test_lapsing_more_refusals_costs_no_more_statements(vcio):
    def statements_to_lapse(count: int) -> int:
        with transaction.atomic():
            clients_with_refusals(count, due_in=-30)
            # One vCIO, so one escalation email whatever the count: what is counted is the lapse.
            Client.objects.update(vcio=vcio)
            with CaptureQueriesContext(connection) as queries:
                report = reack.reack_sweep(today=timezone.localdate())
            assert report.counts() == {"lapsed": count, "escalated": count} and report.errors == []
            transaction.set_rollback(True)
        return len(queries)

    two, twelve = statements_to_lapse(2), statements_to_lapse(12)

    # A further lapsed refusal costs no statement: the batch's refusals are written by one
    # executemany and their clients rescored together, in one read and one write.
    assert twelve == two


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_claiming_refusals_looks_them_up_by_primary_key_not_through_every_refusal():
    clients_with_refusals(3, due_in=-30)

    with CaptureQueriesContext(connection) as captured:
        reack.reack_sweep(today=timezone.localdate())
    claims = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "recommendations_reackstep"')
    ]
    lock_read = 'SELECT "recommendations_recommendation"."id" AS "pk", "recommendations_recommendation"."valid_until"'
    locks = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(lock_read)]
    plans = []
    with connection.cursor() as cursor:
        for sql in [claims[0], locks[0]]:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" ".join(row[-1] for row in cursor.fetchall()))

    # The status index holds every refusal of the practice: reading it per batch cost 0.6 s a
    # statement at 10,000 clients.
    for plan in plans:
        assert "PRIMARY KEY" in plan and "rec_status_valid_client_idx" not in plan, plan
