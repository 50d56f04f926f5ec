import pytest
from playwright.sync_api import expect

from recommendations.models import WaiverDocument
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.documents.test_pipeline import altered_copy, sign_request, stored_bytes


def _signed_waiver() -> WaiverDocument:
    vcio = UserFactory(username="vera", role=User.Role.VCIO)
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio)
    ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-001")
    request = sign_request(client, vcio)  # committed, so the on-commit render has run
    return WaiverDocument.objects.get(request=request)


@pytest.mark.django_db(transaction=True)
def test_anyone_checks_a_copy_by_upload_and_by_id_and_hash(page, tmp_path, screenshot):
    document = _signed_waiver()
    genuine, changed = tmp_path / "genuine.pdf", tmp_path / "changed.pdf"
    genuine.write_bytes(stored_bytes(document))
    changed.write_bytes(altered_copy(stored_bytes(document)))

    page.goto(f"/verify/?id={document.document_id}")
    expect(page.locator("#id_id")).to_have_value(document.document_id)
    screenshot(page, "empty")
    assert axe_violations(page) == []

    page.locator("#id_file").set_input_files(str(genuine))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Genuine and unaltered")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("Hélène Côté")
    expect(page.locator("#result")).to_contain_text("Valid — sealed by")
    screenshot(page, "genuine")

    page.locator("#id_file").set_input_files(str(changed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Not a document issued by this practice, or altered")).to_be_visible()
    screenshot(page, "altered")

    page.locator("#id_id").fill(document.document_id)
    page.locator("#id_sha256").fill(document.sha256)
    page.get_by_role("button", name="Look it up").click()
    expect(page.get_by_role("heading", name="Genuine and unaltered")).to_be_visible()
    screenshot(page, "lookup")
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_copy_re_sealed_with_the_practice_key_is_refused_with_an_alarm(page, tmp_path, screenshot):
    import dataclasses

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from recommendations.documents import sealer
    from recommendations.documents import selectors as document_selectors
    from recommendations.documents.pdf import render_document
    from riskreg.seal import seal_pdf, sha256_hex

    document = _signed_waiver()
    data = document_selectors.document_data_for_request(document.request)
    forged = seal_pdf(
        render_document(dataclasses.replace(data, client_name="Someone Else Ltd")),
        signer=sealer.practice_sealer(),
        reason="Issued by the practice",
        attachments=document_selectors.document_attachments(data),
    )
    default_storage.delete(document.file.name)
    default_storage.save(document.file.name, ContentFile(forged))
    WaiverDocument.objects.filter(pk=document.pk).update(sha256=sha256_hex(forged))
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)

    for width, size in (("desktop", {"width": 1366, "height": 900}), ("phone", {"width": 390, "height": 844})):
        page.set_viewport_size(size)
        page.goto("/verify/")
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="Check the file").click()
        expect(
            page.get_by_role("heading", name="Sealed with this practice's key but not issued by this register")
        ).to_be_visible()
        expect(page.get_by_text("audit log recorded different contents")).to_be_visible()
        screenshot(page, f"re-sealed-{width}")
        assert axe_violations(page) == []
    assert page.console_errors == []
