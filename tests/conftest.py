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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    from riskreg.publish import broker_retry_now
    from riskreg.ratelimit import cache_retry_now

    cache_retry_now()
    broker_retry_now()
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request activates its page's language in the test's own thread, and it stays active after
    the response; each test starts, and code it runs outside a request runs, in the default one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def celery_eager():
    """Tests never publish to a real broker (it could be a developer's running worker): every
    task runs inline in the calling thread and its exceptions reach the test. Tasks queued with
    transaction.on_commit (outbox emails) run only when the transaction commits, so wrap the
    code in `django_capture_on_commit_callbacks(execute=True)` or use a transactional test.
    A test of the publishing path itself (broker down) sets `task_always_eager = False`."""
    from riskreg.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def unreachable_broker(celery_eager):
    """Publish for real, to a Redis port nobody listens on."""
    app = celery_eager
    saved_url = app.conf.broker_url

    def drop_cached_connections() -> None:
        # Celery keeps its connection and producer pools per app; a new broker URL needs new ones.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    drop_cached_connections()
    yield
    app.conf.broker_url = saved_url
    app.conf.task_always_eager = True
    drop_cached_connections()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Browser tests run last: Playwright keeps an event loop running in the main thread for
    the rest of the session, and code that calls asyncio.run (pyHanko's signer) cannot run
    while it does."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


@pytest.fixture(autouse=True)
def _digest_dir(settings, tmp_path):
    """Audit digests are files, one per day: each test writes its own, never into var/."""
    settings.RISKREG_DIGEST_DIR = tmp_path / "digests"


@pytest.fixture(scope="session")
def local_tsa():
    """A real RFC 3161 service (and its CRL and OCSP) on 127.0.0.1, from certomancer's Animator."""
    from riskreg.local_tsa import LocalTimestampAuthority

    with LocalTimestampAuthority() as authority:
        yield authority


@pytest.fixture
def tsa_settings(settings, local_tsa, tmp_path):
    """RISKREG_TSA_URL pointing at the local TSA, its root trusted through RISKREG_TSA_CA_FILE."""
    root = tmp_path / "tsa-root.pem"
    root.write_bytes(local_tsa.root_pem())
    settings.RISKREG_TSA_URL = local_tsa.url
    settings.RISKREG_TSA_CA_FILE = str(root)
    return local_tsa
