"""Web and worker as separate processes sharing only PostgreSQL, Redis and S3-compatible object
storage, as on separate hosts: a real Celery worker renders and stores the sealed document in the
bucket, and this process (the web side) serves it through the permission-checked view."""

import hashlib

import pytest
from django.urls import reverse

from recommendations.models import WaiverDocument
from tests.integration.conftest import wait_for
from tests.object_storage import CREDENTIALS, moto_server
from tests.recommendations.documents.test_pipeline import sign_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def s3():
    with moto_server() as endpoint:
        yield endpoint


def test_a_document_the_worker_stores_in_the_bucket_is_downloaded_through_the_web(
    broker, s3, settings, monkeypatch, client_record, vcio, client
):
    bucket = s3.new_bucket()
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage(bucket)}
    broker.env |= s3.env(bucket)
    broker.env |= {
        "RISKREG_SEAL_PKCS12": str(settings.RISKREG_SEAL_PKCS12),
        "RISKREG_SEAL_PASSPHRASE": settings.RISKREG_SEAL_PASSPHRASE,
        # Nothing on this machine's disk is shared with the worker.
        "MEDIA_ROOT": str(broker.tmp / "worker-media-never-used"),
    }
    # Signed before the worker starts: the link and the code go to this process's mailbox (the
    # test reads them there, as the signer reads their email), and the worker finds the render
    # task waiting in the queue.
    request = sign_request(client_record, vcio)
    broker.start_worker()
    document = wait_for(
        lambda: WaiverDocument.objects.filter(request=request).first(), timeout=60, what="the worker's document"
    )

    key = f"media/{document.file.name}"
    # The row commits first; the worker moves the file from its pending name to the final one
    # on that commit (documents/services.py), a moment later.
    wait_for(lambda: s3.keys(bucket) == [key], timeout=30, what=f"the document stored as {key}")
    assert s3.keys(bucket) == [key], broker.logs()
    assert not (broker.tmp / "worker-media-never-used").exists()
    client.force_login(vcio)
    response = client.get(reverse("signing:document_download", args=[document.public_id]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    # The worker attached the PDF from the bucket to the signer's and the vCIO's emails.
    wait_for(lambda: len(broker.delivered()) == 2, timeout=60, what="the signed copies")
