"""Sealed documents and uploaded agreements are reachable only through views that check who is
asking, in every environment: nothing under MEDIA_URL is served."""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from recommendations.models import WaiverDocument
from tests.signing_helpers import send_request


@pytest.fixture
def signed_agreement(client_record):
    agreement = client_record.agreements.get()
    agreement.signed_file.save("agreement-1.pdf", ContentFile(b"%PDF-1.4\n%signed agreement\n"))
    return agreement


@pytest.fixture
def debug_urls():
    """The URLconf as `make run` (DEBUG on) builds it."""
    with override_settings(DEBUG=True):
        import importlib

        import riskreg.urls

        importlib.reload(riskreg.urls)
        clear_url_caches()
        yield
    importlib.reload(riskreg.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_a_sealed_document_is_not_public_at_its_media_url_even_under_make_run(client, client_record, vcio, debug_urls):
    request, _, _ = send_request(client_record, vcio)
    document = WaiverDocument.objects.create(
        document_id="RR-2026-000001",
        request=request,
        kind=WaiverDocument.Kind.WAIVER,
        file=ContentFile(b"%PDF-1.4\n%sealed\n", name="RR-2026-000001.pdf"),
        sha256="a" * 64,
        rendered_at=request.sent_at,
    )

    response = client.get("/media/" + document.file.name)

    assert response.status_code == 404
    assert b"%sealed" not in response.content


@pytest.mark.django_db
def test_an_uploaded_agreement_is_not_public_at_its_media_url(client, signed_agreement, debug_urls):
    response = client.get("/media/" + signed_agreement.signed_file.name)

    assert response.status_code == 404


@pytest.mark.django_db
def test_staff_of_the_client_download_the_signed_agreement(vcio_client, signed_agreement):
    response = vcio_client.get(reverse("clients:agreement_signed_copy", args=[signed_agreement.public_id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%signed agreement\n"
    assert response["Content-Type"] == "application/pdf"
    assert f'{signed_agreement.reference}-signed.pdf' in response["Content-Disposition"]


@pytest.mark.django_db
def test_another_vcio_cannot_download_the_signed_agreement(outsider_client, signed_agreement):
    response = outsider_client.get(reverse("clients:agreement_signed_copy", args=[signed_agreement.public_id]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_an_agreement_without_a_signed_copy_answers_404(vcio_client, client_record):
    agreement = client_record.agreements.get()

    response = vcio_client.get(reverse("clients:agreement_signed_copy", args=[agreement.public_id]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_client_page_and_the_edit_form_link_the_checked_download(vcio_client, signed_agreement):
    download = reverse("clients:agreement_signed_copy", args=[signed_agreement.public_id])

    client_page = vcio_client.get(reverse("register:client_detail", args=[signed_agreement.client.public_id]))
    edit_form = vcio_client.get(reverse("clients:agreement_edit", args=[signed_agreement.public_id]))

    assert download in client_page.content.decode()
    assert download in edit_form.content.decode()
    assert "/media/" not in edit_form.content.decode()
