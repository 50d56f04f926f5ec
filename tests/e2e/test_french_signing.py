"""Issue 24 in the browser: a request signed entirely in French (phone and desktop), a Quebec
client's English request that cannot be signed without the express choice of English, and the
public pages a visitor whose browser asks for French reads."""

import subprocess
import time

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from recommendations import signing
from recommendations.models import DecisionRequest, Recommendation, Signature, WaiverDocument
from recommendations.signing.content import ENGLISH_CHOICE, INTENT
from recommendations.signing.snapshot import shown_to_signer
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.e2e.test_signing_flow import SIGNERS
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.signing_helpers import latest_code, link_from_mail


def _request(*, language: str, province: str = "") -> DecisionRequest:
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    client = ClientFactory(name="Clinique Harbourview", vcio=vcio, industry="healthcare", province=province)
    signatory = ContactFactory(
        client=client,
        name="Hélène Côté",
        title="Directrice générale",
        email="helene@harbourview.example",
        preferred_language=language,
    )
    AgreementFactory(client=client, reference="MSA-2026-014")
    recommendation = Recommendation.objects.create(
        client=client,
        title="Multi-factor authentication",
        description="A second check at every sign-in.",
        why_it_matters="It blocks most account takeovers.",
        consequences="An attacker with a stolen password can read every mailbox.",
        title_fr="Authentification multifacteur",
        description_fr="Une deuxième vérification à chaque connexion.",
        why_it_matters_fr="Elle bloque la plupart des prises de contrôle de comptes.",
        consequences_fr="Un attaquant muni d’un mot de passe volé peut lire toutes les boîtes de courriel.",
        likelihood=5,
        impact=5,
        status="presented",
    )
    return signing.decision_request_send(
        actor=vcio, client=client, signatory=signatory, recommendations=[recommendation]
    )


def _open_and_verify(signer, request: DecisionRequest, screenshot, prefix: str) -> None:
    signer.goto(link_from_mail(request).replace("http://localhost:8000", signer.context_base_url))
    screenshot(signer, f"{prefix}-start")
    assert axe_violations(signer) == []
    signer.locator("form[action$='/code/'] button[type=submit]").click()
    signer.locator("input[name=code]").fill(latest_code(request))
    screenshot(signer, f"{prefix}-code")
    assert axe_violations(signer) == []
    signer.locator("input[name=code]").press("Enter")
    expect(signer.locator("#sign-form")).to_be_visible()


def _fill_and_submit(signer) -> None:
    signer.locator("input[type=radio][value=accept]").check()
    signer.locator("#id_consent").check()
    signer.locator("#id_intent").check()
    signer.locator("input[name=signature_method][value=typed]").check()
    signer.locator("#sign-form button[type=submit]").click()


def _sealed_pdf_text(request: DecisionRequest) -> str:
    """The sealed document's text as pdftotext reads it, once the on-commit render has stored it."""
    for _ in range(60):
        document = WaiverDocument.objects.filter(request=request).exclude(file="").first()
        if document is not None:
            with default_storage.open(document.file.name, "rb") as handle:
                pdf = handle.read()
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
            return " ".join(text.decode().split())
        time.sleep(0.5)
    raise AssertionError("the signed document was not rendered")


@pytest.fixture(params=["phone"])
def signer(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, **SIGNERS[request.param])
    page = context.new_page()
    page.context_base_url = live_server.url
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signer", ["phone", "desktop"], indirect=True)
def test_a_french_signer_signs_entirely_in_french(signer, screenshot):
    request = _request(language="fr-ca")

    _open_and_verify(signer, request, screenshot, "fr")
    expect(signer.get_by_role("heading", name="Décider et signer")).to_be_visible()
    expect(signer.get_by_text(INTENT.text_in("fr-ca"))).to_be_visible()
    expect(signer.get_by_text("Authentification multifacteur").first).to_be_visible()
    screenshot(signer, "fr-decide")
    assert axe_violations(signer) == []
    _fill_and_submit(signer)
    expect(signer).to_have_url(f"{signer.context_base_url}/sign/done/{request.public_id}/")
    expect(signer.get_by_role("heading", name="Merci — votre décision est consignée")).to_be_visible()
    screenshot(signer, "fr-done")
    assert axe_violations(signer) == []

    request.refresh_from_db()
    assert request.status == "completed"
    assert shown_to_signer(request)["language"] == "fr-ca"
    pdf = _sealed_pdf_text(request).replace("'", "’")
    assert "Confirmation des recommandations de sécurité acceptées" in pdf
    assert "Authentification multifacteur" in pdf
    assert "J’ai lu les recommandations ci-dessus" in pdf
    assert "I have read the recommendations above" not in pdf


@pytest.mark.django_db(transaction=True)
def test_a_quebec_signer_reading_english_must_expressly_choose_english(signer, screenshot):
    request = _request(language="en", province="QC")

    _open_and_verify(signer, request, screenshot, "qc-en")
    expect(signer.get_by_text(ENGLISH_CHOICE.text_in("en"))).to_be_visible()
    _fill_and_submit(signer)
    error = signer.locator("[data-error-for=english_choice]")
    expect(error).to_be_visible()
    screenshot(signer, "qc-en-choice-missing")
    assert axe_violations(signer) == []
    assert not Signature.objects.filter(request=request).exists()

    signer.locator("#id_english_choice").check()
    _fill_and_submit(signer)
    expect(signer).to_have_url(f"{signer.context_base_url}/sign/done/{request.public_id}/")

    request.refresh_from_db()
    choice = shown_to_signer(request)["english_choice"]
    assert choice["text"] == ENGLISH_CHOICE.text_in("en")
    pdf = _sealed_pdf_text(request)
    assert "I have read the recommendations above" in pdf
    assert "Express choice of English" in pdf
    assert ENGLISH_CHOICE.text_in("en") in pdf


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(SIGNERS))
def test_the_public_pages_read_french(browser, live_server, screenshot, device):
    # A visitor with no request to go by reads the language their browser asks for.
    context = browser.new_context(base_url=live_server.url, locale="fr-CA", **SIGNERS[device])
    visitor = context.new_page()
    for path, heading, name in (
        ("/verify/", "Vérifier un document signé", "verifier"),
        ("/verify/?id=RR-2026-000001&sha256=" + "a" * 64, "Document non émis par cette firme, ou modifié", "inconnu"),
        ("/sign/not-a-real-token/", "Ce lien n'est pas valide", "lien-non-valide"),
        ("/withdraw/not-a-real-token/", "Ce lien n'est pas valide", "retrait-non-valide"),
        ("/sign/", "Page introuvable", "erreur-404"),
    ):
        visitor.goto(path)
        expect(visitor.get_by_role("heading", name=heading)).to_be_visible()
        screenshot(visitor, name)
        assert axe_violations(visitor) == []
    context.close()
