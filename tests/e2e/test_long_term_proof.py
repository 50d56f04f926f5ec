"""In a real browser: a B-LTA document on the verification page, the evidence level on the staff
pages, and a manager placing a litigation hold that the erase page then reports."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from recommendations.models import WaiverDocument
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.recommendations.documents.test_pipeline import sign_request, stored_bytes

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _both_sizes(page, screenshot, step: str) -> None:
    page.set_viewport_size(DESKTOP)
    screenshot(page, step)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{step}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_a_b_lta_document_shows_its_level_and_a_manager_places_a_litigation_hold(
    page, tmp_path, screenshot, tsa_settings
):
    vcio = UserFactory(username="vera", role=User.Role.VCIO)
    UserFactory(username="morgan", role=User.Role.MANAGER)
    client = ClientFactory(name="Harbourview Clinic", vcio=vcio)
    contact = ContactFactory(client=client, name="Hélène Côté", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-001")
    request = sign_request(client, vcio)  # committed, so the on-commit render has run
    document = WaiverDocument.objects.get(request=request)
    assert document.evidence_level == "B-LTA"
    copy = tmp_path / "waiver.pdf"
    copy.write_bytes(stored_bytes(document))

    page.goto("/verify/")
    page.locator("#id_file").set_input_files(str(copy))
    page.get_by_role("button", name="Check the file").click()
    result = page.locator("#result")
    expect(result).to_contain_text("Genuine and unaltered")
    expect(result).to_contain_text("by a trusted time-stamping authority")
    expect(result).to_contain_text("PAdES B-LTA")
    expect(result).to_contain_text(document.seal_fingerprint)
    assert axe_violations(page) == []
    _both_sizes(page, screenshot, "verify-b-lta")

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("morgan")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/clients/{client.public_id}/?section=requests")
    expect(page.locator("#litigation-hold")).to_contain_text("No litigation hold.")
    expect(page.get_by_text("B-LTA", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Place litigation hold").click()
    page.get_by_role("button", name="Place the hold").click()  # no reason: refused
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert axe_violations(page) == []
    _both_sizes(page, screenshot, "hold-form-error")
    page.get_by_label("Reason").fill("Claim 2027-114 by the client's insurer")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator("#litigation-hold")).to_contain_text("Litigation hold")
    _both_sizes(page, screenshot, "client-page-held")

    page.goto(f"/contacts/{contact.public_id}/erase/")
    expect(page.get_by_role("heading", name="Hélène Côté cannot be erased now")).to_be_visible()
    expect(page.get_by_role("button", name="Erase")).to_have_count(0)
    assert axe_violations(page) == []
    _both_sizes(page, screenshot, "erase-blocked")

    page.goto(f"/requests/{request.public_id}/")
    expect(page.get_by_text("PAdES B-LTA: sealed with the Practice's certificate")).to_be_visible()
    _both_sizes(page, screenshot, "request-page-level")
    assert page.console_errors == []
    assert settings.RISKREG_TSA_URL
