"""Sealed documents and uploads in S3-compatible object storage (RISKREG_STORAGE_URL), against a
real S3 HTTP endpoint on 127.0.0.1: written, emailed, downloaded through the checked views, swept."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from recommendations.documents import services as document_services
from recommendations.models import WaiverDocument
from tests.object_storage import CREDENTIALS, moto_server
from tests.recommendations.documents.test_pipeline import sign_request


@pytest.fixture(scope="module")
def s3():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3, settings, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = s3.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage(name)}
    return name


@pytest.mark.django_db
def test_a_sealed_document_is_stored_in_the_bucket_and_downloaded_through_the_checked_views(
    s3, bucket, client_record, vcio, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = sign_request(client_record, vcio)
    document = WaiverDocument.objects.get(request=request)

    assert s3.keys(bucket) == [f"media/{document.file.name}"]
    stored = s3.client().get_object(Bucket=bucket, Key=f"media/{document.file.name}")["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    # The signer, in the browser that signed, and the vCIO both get the same bytes.
    client.force_login(vcio)
    staff = client.get(reverse("signing:document_download", args=[document.public_id]))
    assert b"".join(staff.streaming_content) == stored


@pytest.mark.django_db
def test_an_uploaded_agreement_lives_in_the_bucket_and_only_its_clients_staff_download_it(
    s3, bucket, client_record, vcio_client, outsider
):
    agreement = client_record.agreements.get()
    agreement.signed_file.save("agreement-1.pdf", ContentFile(b"%PDF-1.4\n%signed\n"))
    url = reverse("clients:agreement_signed_copy", args=[agreement.public_id])

    response = vcio_client.get(url)

    assert s3.keys(bucket) == [f"media/{agreement.signed_file.name}"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%signed\n"
    vcio_client.force_login(outsider)
    assert vcio_client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_document_sweep_removes_an_orphaned_pending_file_from_the_bucket(s3, bucket):
    default_storage.save(f"{document_services.PENDING_DIR}/RR-2026-000009.dead.pdf", ContentFile(b"%PDF-"))

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        cutoff = timezone.now() - timedelta(minutes=2)
        assert document_services.pending_document_files_sweep(older_than=cutoff) == (0, 1)

    assert s3.keys(bucket) == []

