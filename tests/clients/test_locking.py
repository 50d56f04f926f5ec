"""One lock order for every write about a client: concurrent staff and signer writes on the same
clients never deadlock, lose nothing, and leave one intact audit chain (PostgreSQL only: SQLite
serialises every write transaction anyway)."""

import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections

from clients import services as client_services
from clients import software as software_services
from clients.models import Contact, Software
from recommendations import signing
from recommendations.models import DecisionRequest, Recommendation
from recommendations.privacy import services as privacy
from recommendations.services import recommendation_create, recommendation_transition
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.signing.test_signing import signer_evidence
from tests.signing_helpers import latest_code

THREADS = 6
ROUNDS = 18  # each round is five writes or more: 6 x 18 x 5 = 540 writes at the least
TEXTS = {"description": "Turn it on.", "why_it_matters": "It stops attacks.", "consequences": "Account takeover."}


class Writer:
    """One staff member or signer working on the shared clients; counts what it wrote."""

    def __init__(self, *, seed: int, clients: list, vcio) -> None:
        self.random = random.Random(seed)
        self.clients = clients
        self.vcio = vcio
        self.written: Counter[str] = Counter()
        self.deadlocks = 0
        self.errors: list[str] = []
        self.contacts: list[int] = []
        self.recommendations: list[int] = []
        self.software: list[int] = []
        self.signed: list[int] = []

    def run(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(ROUNDS):
                steps: list[Callable[[], None]] = [self.contact, self.software_entry, self.recommendation, self.erase]
                self.random.shuffle(steps)
                for step in [*steps, self.sign]:
                    self.attempt(step)
        finally:
            connections.close_all()

    def attempt(self, step: Callable[[], None]) -> None:
        try:
            step()
        except OperationalError as error:
            if "deadlock" in str(error).lower():
                self.deadlocks += 1
            else:
                self.errors.append(f"{step.__name__}: {error}")
        except Exception as error:  # noqa: BLE001 - any other failure is reported by the test
            self.errors.append(f"{step.__name__}: {type(error).__name__}: {error}")

    def client(self):
        return self.random.choice(self.clients)

    def contact(self) -> None:
        client = self.client()
        contact = client_services.contact_create(
            actor=self.vcio,
            client=client,
            data={"name": "Pat Doe", "email": f"pat{self.random.random()}@c.example", "can_sign": False},
        )
        client_services.contact_update(actor=self.vcio, contact=contact, data={"title": "Office manager"})
        self.contacts.append(contact.pk)
        self.written["contact"] += 2

    def software_entry(self) -> None:
        program = software_services.software_create(
            actor=self.vcio,
            client=self.client(),
            data={"name": f"Agent {self.random.random():.6f}", "publisher": "Vendor", "function_and_purpose": "RMM"},
        )
        software_services.software_mark_installed(actor=self.vcio, software=program)
        self.software.append(program.pk)
        self.written["software"] += 2

    def presented(self, client, title: str) -> Recommendation:
        data = {"title": title, **TEXTS, "likelihood": 5, "impact": 4}
        recommendation = recommendation_create(actor=self.vcio, client=client, control=None, data=data)
        recommendation_transition(actor=self.vcio, recommendation=recommendation, action="present")
        self.recommendations.append(recommendation.pk)
        return recommendation

    def recommendation(self) -> None:
        self.presented(self.client(), "Offsite backups")
        self.written["recommendation"] += 2

    def erase(self) -> None:
        if not self.contacts:
            return
        contact = Contact.objects.get(pk=self.contacts.pop(0))
        privacy.contact_erase(actor=self.vcio, contact=contact)
        self.written["erasure"] += 1

    def sign(self) -> None:
        client = self.client()
        recommendation = self.presented(client, "Multi-factor authentication")
        signatory = client.contacts.filter(can_sign=True).first()
        request = signing.decision_request_send(
            actor=self.vcio, client=client, signatory=signatory, recommendations=[recommendation]
        )
        signing.decision_request_mark_viewed(request=request)
        signing.signing_code_send(request=request)
        signing.signing_code_verify(request=request, code=latest_code(request))
        [item] = request.items.all()
        choice = signing.ItemChoice(item_id=item.pk, outcome="refuse", reason="Budget")
        signing.decision_request_complete(
            request=request, choices=[choice], evidence=signer_evidence(typed_name=signatory.name)
        )
        self.signed.append(request.pk)
        self.written["signing"] += 7


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_about_the_same_clients_never_deadlock_or_lose_a_write():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent write transactions")
    vcio = UserFactory(username="vera")
    clients = [ClientFactory(vcio=vcio) for _ in range(3)]
    for client in clients:
        ContactFactory(client=client, can_sign=True)
        AgreementFactory(client=client)
    events_before = AuditEvent.objects.count()
    writers = [Writer(seed=seed, clients=clients, vcio=vcio) for seed in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    threads = [threading.Thread(target=writer.run, args=(barrier,)) for writer in writers]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not any(thread.is_alive() for thread in threads)
    assert [error for writer in writers for error in writer.errors] == []
    assert sum(writer.deadlocks for writer in writers) == 0
    written = sum((writer.written for writer in writers), Counter())
    assert written.total() >= 500
    # Nothing acknowledged is missing.
    contacts = [pk for writer in writers for pk in writer.contacts]
    assert Contact.objects.filter(pk__in=contacts, title="Office manager", erased_at__isnull=True).count() == len(
        contacts
    )
    assert Contact.objects.filter(erased_at__isnull=False).count() == written["erasure"]
    software = [pk for writer in writers for pk in writer.software]
    assert Software.objects.filter(pk__in=software, install_status="installed").count() == len(software)
    recommendations = [pk for writer in writers for pk in writer.recommendations]
    assert Recommendation.objects.filter(pk__in=recommendations).count() == len(recommendations)
    signed = [pk for writer in writers for pk in writer.signed]
    assert DecisionRequest.objects.filter(pk__in=signed, status="completed", document__isnull=False).count() == len(
        signed
    )
    assert AuditEvent.objects.count() - events_before >= written.total()
    report = verify_chain()
    assert report.intact, report
