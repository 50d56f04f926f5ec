"""Every error Django answers itself is a branded page in the product's layout: the signer's
layout on the public signing pages, the staff layout elsewhere; never Django's raw page."""

import pytest
from django.test import Client
from django.urls import reverse

from clients.models import PracticeProfile
from tests.signing_helpers import latest_code, send_request, signature_data_url

STAFF_LAYOUT = 'class="navbar-brand fw-semibold"'
SIGNER_LAYOUT = "Secure signing · RiskReg"


def assert_branded(response, status: int, heading: str, layout: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert f"Error {status}" in page and heading in page
    assert layout in page
    assert "bootstrap.min.css" in page
    assert "<style" not in page and "style=" not in page and "<script>" not in page


@pytest.mark.django_db
def test_an_unknown_address_is_the_branded_404(client):
    assert_branded(client.get("/no-such-page/"), 404, "Page not found", STAFF_LAYOUT)


@pytest.mark.django_db
def test_a_staff_page_out_of_a_vcios_reach_is_the_branded_404(outsider_client, client_record):
    response = outsider_client.get(reverse("register:client_detail", args=[client_record.public_id]))

    assert_branded(response, 404, "Page not found", STAFF_LAYOUT)


@pytest.mark.django_db
def test_a_forbidden_staff_page_is_the_branded_403(vcio_client):
    response = vcio_client.get(reverse("register:practice_profile"))

    assert_branded(response, 403, "You cannot open this page", STAFF_LAYOUT)


@pytest.mark.django_db
def test_a_post_without_its_csrf_token_is_the_branded_403(client_record, vcio):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(vcio)

    response = browser.post(reverse("clients:contact_create", args=[client_record.public_id]), {"name": "X"})

    assert_branded(response, 403, "You cannot open this page", STAFF_LAYOUT)
    assert not client_record.contacts.filter(name="X").exists()


@pytest.mark.django_db
def test_a_seven_megabyte_signature_is_the_signers_branded_400_and_signs_nothing(client, client_record, vcio):
    PracticeProfile.objects.filter(pk=PracticeProfile.load().pk).update(legal_name="Northwind IT")
    request, token, _ = send_request(client_record, vcio)
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    [first, second] = request.items.order_by("position")
    data = {
        "consent": "on",
        "intent": "on",
        "typed_name": "Hélène Côté",
        "typed_title": "CEO",
        "signature": signature_data_url() + "A" * (7 * 1024 * 1024),
        "signer_timezone": "America/Toronto",
        f"outcome_{first.pk}": "accept",
        f"outcome_{second.pk}": "accept",
    }

    response = client.post(reverse("sign:decide", args=[token]), data)

    assert_branded(response, 400, "The request could not be understood", SIGNER_LAYOUT)
    assert "Northwind IT" in response.content.decode()
    request.refresh_from_db()
    assert request.status != "completed"


@pytest.mark.django_db
def test_too_many_signer_requests_is_the_signers_branded_429(client, client_record, vcio):
    _, token, _ = send_request(client_record, vcio)

    responses = [client.get(reverse("sign:start", args=[token])) for _ in range(35)]

    assert_branded(responses[-1], 429, "Too many requests", SIGNER_LAYOUT)


@pytest.mark.django_db
def test_an_unhandled_error_on_a_public_page_is_the_branded_500(client, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("recommendations.documents.verify.document_lookup", fail)
    client.raise_request_exception = False

    response = client.get(reverse("verify:page"), {"id": "RR-2026-000001", "sha256": "a" * 64})

    assert_branded(response, 500, "Something went wrong on our side", SIGNER_LAYOUT)
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_an_unhandled_error_on_a_staff_page_is_the_branded_500(vcio_client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("riskreg.views.health.database_ok", fail)
    vcio_client.raise_request_exception = False

    response = vcio_client.get("/healthz")

    assert_branded(response, 500, "Something went wrong on our side", STAFF_LAYOUT)
