"""A worker killed with SIGKILL inside the document transaction (the PDF sealed and written, its row
inserted, the audit append waiting) leaves no sealed document the register does not know: only
a pending file, which the document sweep removes, and the redelivered task renders it once."""

import hashlib
import time

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from recommendations.documents import selectors as document_selectors
from recommendations.documents import services as document_services
from recommendations.models import WaiverDocument
from recommendations.tasks import render_request_document
from tests.integration.conftest import (
    VISIBILITY_TIMEOUT,
    backends_waiting_for_a_lock,
    end_backends_waiting_for_a_lock,
    run_database_url,
    wait_for,
)
from tests.recommendations.documents.test_pipeline import sign_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _pending() -> list[str]:
    try:
        return default_storage.listdir(document_services.PENDING_DIR)[1]
    except FileNotFoundError:
        return []


def _documents_named(document_id: str) -> list[str]:
    found, folders = [], ["documents"]
    while folders:
        folder = folders.pop()
        subfolders, files = default_storage.listdir(folder)
        folders += [f"{folder}/{name}" for name in subfolders if name != "pending"]
        found += [f"{folder}/{name}" for name in files if name.startswith(document_id)]
    return found


def _waiting_for_the_chain_head() -> bool:
    return backends_waiting_for_a_lock("%audit_chainhead%") > 0


def test_a_worker_killed_inside_the_document_transaction_leaves_no_unregistered_document(
    broker, celery_eager, settings, monkeypatch, client_record, vcio
):
    broker.env |= {
        "RISKREG_SEAL_PKCS12": str(settings.RISKREG_SEAL_PKCS12),
        "RISKREG_SEAL_PASSPHRASE": settings.RISKREG_SEAL_PASSPHRASE,
    }
    # Signed here with its emails sent inline, and its render held back: the render is then the
    # only task the worker gets.
    celery_eager.conf.task_always_eager = True
    with monkeypatch.context() as patch:
        patch.setattr("recommendations.signing.complete.document_render_publish", lambda **kwargs: None)
        request = sign_request(client_record, vcio)
    celery_eager.conf.task_always_eager = False
    document_id = document_selectors.document_id_for(request)
    # Other tests' rolled-back renders leave pending files in the session's media folder.
    earlier = set(_pending())
    holder = psycopg.connect(run_database_url().replace("postgres://", "postgresql://", 1))
    holder.execute("SELECT id FROM audit_chainhead WHERE id = 1 FOR UPDATE")
    try:
        render_request_document.delay(request.pk)
        doomed = broker.start_worker()
        wait_for(_waiting_for_the_chain_head, timeout=60, what="the render to wait inside its transaction")

        doomed.kill()
        end_backends_waiting_for_a_lock("%audit_chainhead%")
    finally:
        holder.rollback()
        holder.close()

    assert not WaiverDocument.objects.filter(request=request).exists()
    assert _documents_named(document_id) == [], "no sealed file under a document name"
    [orphan] = set(_pending()) - earlier
    assert orphan.startswith(f"{document_id}.")

    # The unacknowledged task comes back to a new worker once its visibility timeout has passed,
    # which renders it once.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    broker.start_worker()
    document = wait_for(
        lambda: WaiverDocument.objects.filter(request=request).first(), timeout=60, what="the redelivered render"
    )
    wait_for(lambda: default_storage.exists(document.file.name), timeout=10, what="the final file")
    # The sweep, once the orphan is past its grace, removes it (and finishes nothing: the
    # redelivered render renamed its own file).
    later = timezone.now() + timezone.timedelta(minutes=1)
    finished, _ = document_services.pending_document_files_sweep(older_than=later)
    assert finished == 0
    assert _pending() == []
    assert _documents_named(document_id) == [document.file.name]
    with default_storage.open(document.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    assert WaiverDocument.objects.filter(request=request).count() == 1
