"""Personas: a vCIO with a client, an outsider vCIO, a manager, a practice admin."""

import pytest

from riskreg.accounts.models import User
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory


@pytest.fixture
def vcio(db) -> User:
    return UserFactory(username="vera", role=User.Role.VCIO)


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(username="otto", role=User.Role.VCIO)


@pytest.fixture
def manager(db) -> User:
    return UserFactory(username="morgan", role=User.Role.MANAGER)


@pytest.fixture
def practice_admin(db) -> User:
    return UserFactory(username="ada", role=User.Role.ADMIN)


@pytest.fixture
def client_record(vcio):
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio, industry="healthcare", holds_health_data=True)
    ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-001")
    return client


@pytest.fixture
def vcio_client(client, vcio):
    client.force_login(vcio)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
