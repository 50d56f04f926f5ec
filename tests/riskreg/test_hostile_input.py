"""Unauthenticated hostile input gets a clear answer, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from riskreg.accounts.models import User
from riskreg.seal import validate_seal
from tests.hostile_pdfs import deep_page_tree_pdf, inflating_object_stream_pdf


@pytest.mark.django_db
def test_a_login_with_an_overlong_username_is_refused_with_a_message(client, settings):
    settings.AXES_ENABLED = True

    response = client.post(reverse("login"), {"username": "a" * 300, "password": "whatever-it-is"})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pdf", [deep_page_tree_pdf, inflating_object_stream_pdf], ids=["deep-tree", "inflating"])
def test_the_verification_page_calls_a_parser_breaking_pdf_unreadable(client, pdf):
    upload = SimpleUploadedFile("waiver.pdf", pdf(), "application/pdf")

    response = client.post(reverse("verify:page"), {"file": upload})

    assert response.status_code == 400
    assert "This PDF is damaged and cannot be read." in response.content.decode()


@pytest.mark.parametrize("pdf", [deep_page_tree_pdf, inflating_object_stream_pdf], ids=["deep-tree", "inflating"])
def test_a_parser_breaking_pdf_has_no_valid_seal(pdf):
    status = validate_seal(pdf(), trust_roots=[])

    assert not status.sealed and not status.valid
