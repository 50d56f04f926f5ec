"""The signer's steps in Canadian French on a phone and a desktop (issue 24): each page in French
and axe clean. (The signed copy's language follows the snapshot's; tests/recommendations/documents
covers it.)"""

import importlib

import pytest
from django.apps import apps
from django.utils import translation
from playwright.sync_api import expect

from recommendations.models import Control, Recommendation
from tests.e2e.conftest import axe_violations
from tests.e2e.test_signing_flow import SIGNERS, draw_signature
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, UserFactory
from tests.signing_helpers import latest_code, link_from_mail


def present(client, code: str) -> Recommendation:
    control = Control.objects.get(code=code)
    return Recommendation.objects.create(
        client=client,
        control=control,
        title=control.title,
        description=control.description,
        why_it_matters=control.why_it_matters,
        consequences=control.consequences,
        likelihood=control.default_likelihood,
        impact=control.default_impact,
        status="presented",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(SIGNERS))
def test_a_signer_decides_and_signs_in_french(browser, live_server, screenshot, settings, device):
    # The live server answers in another thread: French is made the default for it, and the
    # test thread's emails are sent in French too.
    settings.LANGUAGE_CODE = "fr-ca"
    # A browser test empties the database, data migrations included: put the catalog back.
    importlib.import_module("recommendations.migrations.0002_starter_catalog").install_starter_catalog(apps, None)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo")
    client = ClientFactory(name="Clinique familiale Harbourview", vcio=vcio, industry="healthcare")
    ContactFactory(client=client, name="Hélène Côté", title="Directrice générale", email="helene@harbourview.example")
    AgreementFactory(client=client, reference="MSA-2026-014")
    mfa = present(client, "IAM-MFA")
    present(client, "BCK-OFFSITE")
    from recommendations import signing

    with translation.override("fr-ca"):
        request = signing.decision_request_send(
            actor=vcio,
            client=client,
            signatory=client.contacts.get(),
            recommendations=list(client.recommendations.order_by("pk")),
        )
    context = browser.new_context(base_url=live_server.url, locale="fr-CA", **SIGNERS[device])
    signer = context.new_page()
    signer.goto(link_from_mail(request).replace("http://localhost:8000", live_server.url))
    expect(signer.get_by_role("heading", name="Bonjour Hélène Côté,")).to_be_visible()
    expect(signer.get_by_role("heading", name="Prêt à décider?")).to_be_visible()
    screenshot(signer, "demande")
    assert axe_violations(signer) == []

    signer.get_by_role("button", name="M'envoyer un code par courriel").click()
    signer.get_by_label("Code à 6 chiffres reçu par courriel").fill(latest_code(request))
    screenshot(signer, "code")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Confirmer le code").click()

    expect(signer.get_by_role("heading", name="Décider et signer")).to_be_visible()
    items = list(request.items.order_by("position"))
    signer.locator(f"input[name=outcome_{items[0].pk}][value=refuse]").check()
    signer.locator(f"textarea[name=reason_{items[0].pk}]").fill("Pas dans le budget de cette année")
    signer.locator(f"input[name=outcome_{items[1].pk}][value=accept]").check()
    signer.get_by_label("J'accepte de signer électroniquement").check()
    signer.get_by_label("Je confirme la déclaration ci-dessus.").check()
    signer.locator("#signature-pad").scroll_into_view_if_needed()
    draw_signature(signer)
    screenshot(signer, "decider-et-signer")
    assert axe_violations(signer) == []
    signer.get_by_role("button", name="Signer et transmettre").click()

    expect(signer.get_by_role("heading", name="Merci — votre décision est consignée")).to_be_visible()
    screenshot(signer, "merci")
    assert axe_violations(signer) == []
    context.close()
    mfa.refresh_from_db()
    assert mfa.status == "refused"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(SIGNERS))
def test_the_public_pages_read_french(browser, live_server, screenshot, settings, device):
    settings.LANGUAGE_CODE = "fr-ca"
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
