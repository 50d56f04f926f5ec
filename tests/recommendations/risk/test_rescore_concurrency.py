"""A practice-wide rescore (saving the scoring settings runs one) holds each client's row lock only
while its batch is written, so a signer's decide-and-sign does not wait for the whole portfolio
(issue 26). PostgreSQL only: SQLite serialises every write transaction anyway."""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from clients.models import Client, PracticeProfile
from recommendations import signing
from recommendations.models import DecisionRequest
from recommendations.risk import services as risk
from recommendations.risk.scoring import score_client
from recommendations.risk.stored import STORED_FIELDS, stored_figures
from recommendations.selectors import scoring_config, scoring_items_for_client, sensitivity_of
from riskreg.accounts.models import User
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory, UserFactory
from tests.recommendations.signing.test_signing import signer_evidence
from tests.signing_helpers import latest_code

CLIENTS = 60
SLOW_SCORING = 0.02  # seconds per client: the rescore takes over a second, batches of ten


def ready_to_sign(client, vcio) -> DecisionRequest:
    """A request whose code is verified: the next step is the decide-and-sign POST."""
    recommendation = RecommendationFactory(client=client, status="presented", likelihood=5, impact=5)
    request = signing.decision_request_send(
        actor=vcio, client=client, signatory=client.contacts.get(can_sign=True), recommendations=[recommendation]
    )
    signing.decision_request_mark_viewed(request=request)
    signing.signing_code_send(request=request)
    signing.signing_code_verify(request=request, code=latest_code(request))
    return request


def sign(request) -> float:
    """The decide-and-sign service a signer's POST runs; returns how long it took."""
    [item] = request.items.all()
    started = time.monotonic()
    signing.decision_request_complete(
        request=request,
        choices=[signing.ItemChoice(item_id=item.pk, outcome="refuse", reason="Budget")],
        evidence=signer_evidence(typed_name=request.signatory.name),
    )
    return time.monotonic() - started


def stored(client: Client) -> dict:
    return {name: getattr(Client.objects.get(pk=client.pk), name) for name in STORED_FIELDS}


def fresh(client: Client) -> dict:
    client.refresh_from_db()
    items = scoring_items_for_client(client)
    today = timezone.localdate()
    result = score_client(items, sensitivity_of(client), today, scoring_config())
    return stored_figures(items, result, today)


@pytest.mark.django_db(transaction=True)
def test_a_signing_does_not_wait_for_a_practice_wide_rescore(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent write transactions")
    vcio = UserFactory(username="vera")
    admin = UserFactory(username="ada", role=User.Role.ADMIN)
    PracticeProfile.objects.filter(pk=PracticeProfile.load().pk).update(
        mailing_address="200 Front Street West\nToronto, ON", email="office@msp.example"
    )
    clients = [ClientFactory(vcio=vcio, industry="legal") for _ in range(CLIENTS)]
    for client in clients:
        ContactFactory(client=client, can_sign=True)
        RecommendationFactory(client=client, status="presented", likelihood=4, impact=4)
    # The signer's client is near the end: a rescore holding every lock from its start would
    # make the signing wait for nearly all of it.
    signer_client = clients[-5]
    baseline = sign(ready_to_sign(clients[1], vcio))
    request = ready_to_sign(signer_client, vcio)

    monkeypatch.setattr(risk, "BATCH_SIZE", 10)
    started = threading.Event()
    portfolio_scoring = risk.score_figures

    def slow_score_figures(*args, **kwargs):
        started.set()
        time.sleep(SLOW_SCORING)
        return portfolio_scoring(*args, **kwargs)

    monkeypatch.setattr(risk, "score_figures", slow_score_figures)
    finished: list[float] = []
    errors: list[BaseException] = []

    def rescore() -> None:
        try:
            risk.practice_scoring_update(actor=admin, data={"multiplier_overrides": {"legal": 2.0}})
            finished.append(time.monotonic())
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=rescore)
    thread.start()
    assert started.wait(timeout=30), errors
    time.sleep(0.1)  # well into the first batches
    waited = sign(request)
    signed_at = time.monotonic()
    thread.join(timeout=120)

    assert not thread.is_alive() and errors == []
    # The signing finished while the rescore was still running, and took about as long as alone.
    assert signed_at < finished[0]
    assert waited < baseline + 0.1 + 0.5 * baseline, (waited, baseline)
    # Both writes landed: every client carries figures under the new multiplier, the signer's
    # client with its signed refusal counted.
    assert stored(signer_client)["open_refusals"] == 1
    for client in clients:
        assert stored(client) == fresh(client)
