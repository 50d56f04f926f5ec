"""Public verification: anyone with a copy learns whether it is genuine and unaltered."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.documents.views import UPLOADS_PER_IP
from recommendations.models import WaiverDocument
from tests.recommendations.documents.test_pipeline import altered_copy, signed, stored_bytes  # noqa: F401  (fixture)

GENUINE = "Genuine and unaltered"
NOT_ISSUED = "Not a document issued by this practice, or altered"


@pytest.fixture
def document(signed) -> WaiverDocument:  # noqa: F811
    return WaiverDocument.objects.select_related("request__client", "request__signature").get(request=signed)


@pytest.fixture
def genuine_pdf(document) -> bytes:
    return stored_bytes(document)


def upload(client, data: bytes, name: str = "waiver.pdf"):
    return client.post(reverse("verify:page"), {"file": SimpleUploadedFile(name, data, "application/pdf")})


@pytest.mark.django_db
def test_the_page_is_public_and_prefills_the_id_from_the_qr_link(client):
    response = client.get(reverse("verify:page"), {"id": "RR-2026-000042"})

    assert response.status_code == 200
    assert 'value="RR-2026-000042"' in response.content.decode()


@pytest.mark.django_db
def test_uploading_a_genuine_copy_shows_the_match_with_its_details(client, document, genuine_pdf):
    response = upload(client, genuine_pdf)

    page = response.content.decode()
    assert response.status_code == 200
    assert GENUINE in page
    assert document.document_id in page
    assert "Harbourview Clinic" in page
    assert "Hélène Côté" in page
    assert document.request.signature.signed_at.strftime("%-d %B %Y") in page
    assert "Valid — sealed by “Test practice document seal”" in page


@pytest.mark.django_db
def test_a_copy_with_one_byte_changed_is_reported_as_altered_with_a_broken_seal(client, genuine_pdf):
    response = upload(client, altered_copy(genuine_pdf))

    page = response.content.decode()
    assert NOT_ISSUED in page
    assert GENUINE not in page
    assert "Does not validate" in page
    assert "Harbourview Clinic" not in page


@pytest.mark.django_db
def test_a_file_that_is_not_a_pdf_gets_a_clear_message(client):
    response = upload(client, b"GIF89a not a document", name="waiver.pdf")

    assert response.status_code == 400
    assert "this file is not a PDF" in response.content.decode()
    assert NOT_ISSUED not in response.content.decode()


@pytest.mark.django_db
def test_garbage_with_a_pdf_header_gets_a_clear_message(client):
    response = upload(client, b"%PDF-1.7\n" + bytes(range(256)) * 8)

    assert response.status_code == 400
    assert "This PDF is damaged and cannot be read." in response.content.decode()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_without_reading_it(client):
    response = client.post(
        reverse("verify:page"), data=b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=11 * 1024**2
    )

    assert response.status_code == 413
    assert "The file is larger than 10.0\xa0MB" in response.content.decode()


@pytest.mark.django_db
def test_uploads_are_rate_limited_per_address(client):
    for _ in range(UPLOADS_PER_IP):
        assert upload(client, b"not a pdf").status_code == 400

    response = upload(client, b"not a pdf")

    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()


@pytest.mark.django_db
def test_looking_up_the_id_and_hash_of_a_genuine_document_shows_the_match(client, document):
    response = client.get(
        reverse("verify:page"), {"id": document.document_id.lower(), "sha256": document.sha256.upper()}
    )

    page = response.content.decode()
    assert GENUINE in page
    assert "Harbourview Clinic" in page
    assert "Hélène Côté" in page


@pytest.mark.django_db
def test_a_known_id_with_another_hash_is_a_mismatch(client, document, genuine_pdf):
    from riskreg.seal import sha256_hex

    response = client.get(
        reverse("verify:page"), {"id": document.document_id, "sha256": sha256_hex(altered_copy(genuine_pdf))}
    )

    page = response.content.decode()
    assert NOT_ISSUED in page
    assert "the SHA-256 its audit log recorded when it was issued is different" in page
    assert "Harbourview Clinic" not in page


@pytest.mark.django_db
def test_an_unknown_id_is_not_a_document_of_this_practice(client):
    response = client.get(reverse("verify:page"), {"id": "RR-2026-999999", "sha256": "a" * 64})

    page = response.content.decode()
    assert NOT_ISSUED in page
    assert "No document with this ID" in page


@pytest.mark.django_db
def test_a_malformed_hash_is_a_form_error_not_a_lookup(client):
    response = client.get(reverse("verify:page"), {"id": "RR-2026-000001", "sha256": "xyz"})

    assert response.status_code == 400
    assert NOT_ISSUED not in response.content.decode()


# --- python manage.py verify_waiver ---------------------------------------------------------


@pytest.mark.django_db
def test_the_command_passes_a_genuine_copy_with_one_line(tmp_path, document, genuine_pdf):
    path = tmp_path / "copy.pdf"
    path.write_bytes(genuine_pdf)
    out = io.StringIO()

    call_command("verify_waiver", str(path), stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "genuine and intact" in lines[0]
    assert document.document_id in lines[0]
    assert "Hélène Côté" in lines[0]


@pytest.mark.django_db
def test_the_command_fails_a_copy_with_one_byte_changed(tmp_path, genuine_pdf):
    path = tmp_path / "copy.pdf"
    path.write_bytes(altered_copy(genuine_pdf))

    with pytest.raises(CommandError) as failure:
        call_command("verify_waiver", str(path))

    assert failure.value.returncode == 1
    assert "NOT a document issued by this practice, or altered" in str(failure.value)
    assert "\n" not in str(failure.value)


@pytest.mark.django_db
def test_the_command_fails_a_file_that_is_not_a_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("just text")

    with pytest.raises(CommandError, match="not a PDF file") as failure:
        call_command("verify_waiver", str(path))

    assert failure.value.returncode == 2


@pytest.mark.django_db
def test_the_command_fails_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file") as failure:
        call_command("verify_waiver", str(tmp_path / "absent.pdf"))

    assert failure.value.returncode == 2
