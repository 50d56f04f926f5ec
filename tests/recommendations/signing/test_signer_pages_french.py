"""Every page a client contact sees, in Canadian French (issue 24): the signing steps, the neutral,
locked and error pages, the withdrawal pages and /verify/. Each test asserts French it shows and
that the English sentence is gone."""

import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from recommendations.models import DecisionRequest
from recommendations.signing.link import MAX_CODE_ATTEMPTS
from tests.recommendations.signing.test_views_signer import sign_data
from tests.signing_helpers import latest_code, send_request


@pytest.fixture
def french(client):
    """The browser and the server both in French, whatever way the language ends up being chosen."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr-CA"
    with translation.override("fr-ca"):
        yield client


@pytest.fixture
def sent(client_record, vcio):
    """A request sent to a signatory who reads French: its pages open in French."""
    client_record.contacts.filter(can_sign=True).update(preferred_language="fr-ca")
    return send_request(client_record, vcio)


@pytest.fixture
def verified(french, sent):
    request, token, recommendations = sent
    french.post(reverse("sign:send_code", args=[token]))
    french.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    return request, token, recommendations


def lock_out(client, request: DecisionRequest, token: str):
    client.post(reverse("sign:send_code", args=[token]))
    wrong = "000000" if latest_code(request) != "000000" else "111111"
    for _ in range(MAX_CODE_ATTEMPTS):
        response = client.post(reverse("sign:verify", args=[token]), {"code": wrong})
    return response


def _page(response) -> str:
    """The page's text as read: entities (an escaped apostrophe) decoded."""
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_start_page_is_in_french(french, sent):
    _, token, _ = sent

    page = _page(french.get(reverse("sign:start", args=[token])))

    assert '<html lang="fr-ca">' in page
    assert "vous demande, à titre de signataire autorisé de" in page
    assert "Prêt à décider?" in page
    assert "M'envoyer un code par courriel" in page
    assert "Notre entente de services" in page
    assert "Ce qui peut arriver sans elle" in page
    assert "Ready to decide?" not in page
    assert "asks you, as an authorised signatory" not in page


@pytest.mark.django_db
def test_the_code_page_is_in_french(french, sent):
    _, token, _ = sent
    french.post(reverse("sign:send_code", args=[token]))

    page = _page(french.get(reverse("sign:verify", args=[token])))

    assert "Entrez votre code" in page
    assert "Code à 6 chiffres reçu par courriel" in page
    assert "Confirmer le code" in page
    assert "Enter your code" not in page


@pytest.mark.django_db
def test_a_wrong_code_is_explained_in_french(french, sent):
    request, token, _ = sent
    french.post(reverse("sign:send_code", args=[token]))
    wrong = "000000" if latest_code(request) != "000000" else "111111"

    page = _page(french.post(reverse("sign:verify", args=[token]), {"code": wrong}))

    assert "Ce code n'est pas le bon. Il vous reste 4 essais." in page
    assert "That code is not right" not in page


@pytest.mark.django_db
def test_the_decide_page_and_its_errors_are_in_french(french, verified):
    request, token, _ = verified

    page = _page(french.get(reverse("sign:decide", args=[token])))
    assert "Décider et signer" in page
    assert "Signature électronique" in page
    assert "Dessinez votre signature" in page
    assert "Utiliser mon nom tapé comme signature" in page
    assert "Signer et transmettre" in page
    assert "Sign and submit" not in page

    first = request.items.order_by("position").first()
    page = _page(french.post(reverse("sign:decide", args=[token]), sign_data(request, **{f"reason_{first.pk}": ""})))
    assert "Indiquez pourquoi vous refusez cette recommandation." in page
    assert "Say why you refuse" not in page


@pytest.mark.django_db
def test_the_done_page_is_in_french(french, verified):
    request, token, _ = verified
    french.post(reverse("sign:decide", args=[token]), sign_data(request))

    page = _page(french.get(reverse("sign:done", args=[request.public_id])))

    assert "Merci — votre décision est consignée" in page
    assert "Refus valide jusqu'au" in page
    assert "Thank you — your decision is recorded" not in page


@pytest.mark.django_db
def test_a_signed_link_reopened_says_so_in_french(french, verified):
    request, token, _ = verified
    french.post(reverse("sign:decide", args=[token]), sign_data(request))

    page = _page(french.get(reverse("sign:start", args=[token]), follow=True))

    assert "Vous avez déjà signé cette demande le" in page
    assert "You already signed" not in page


@pytest.mark.django_db
def test_the_neutral_page_is_in_french(french):
    response = french.get(reverse("sign:start", args=["not-a-token"]))

    assert response.status_code == 404
    assert "Ce lien n'est pas valide" in _page(response)
    assert "This link is not valid" not in _page(response)


@pytest.mark.django_db
def test_the_locked_page_is_in_french(french, sent):
    request, token, _ = sent

    page = _page(lock_out(french, request, token))

    assert "Cette demande est verrouillée" in page
    assert "Que faire maintenant" in page
    assert "This request is locked" not in page


@pytest.mark.django_db
def test_the_voided_page_is_in_french(french, sent):
    request, token, _ = sent
    DecisionRequest.objects.filter(pk=request.pk).update(status="voided", close_reason="le texte a changé")

    response = french.get(reverse("sign:start", args=[token]))

    assert response.status_code == 410
    assert "Cette demande a changé après son envoi" in _page(response)
    assert "This request changed" not in _page(response)


@pytest.mark.django_db
def test_the_rate_limit_page_is_in_french(french, sent, settings):
    _, token, _ = sent
    from recommendations.signing import views_signer

    settings.RATELIMIT_ENABLE = True
    limit = views_signer.PER_TOKEN_PER_MINUTE
    responses = [french.get(reverse("sign:start", args=[token])) for _ in range(limit + 1)]

    assert responses[-1].status_code == 429
    assert "Trop de demandes" in _page(responses[-1])
    assert "Too many requests" not in _page(responses[-1])


@pytest.mark.django_db
def test_the_error_page_for_signers_is_in_french(french):
    response = french.get("/sign/")

    assert response.status_code == 404
    assert "Page introuvable" in _page(response)
    assert "Page not found" not in _page(response)


@pytest.mark.django_db
def test_the_verify_page_is_in_french(french):
    page = _page(french.get(reverse("verify:page")))

    assert "Vérifier un document signé" in page
    assert "Téléverser le PDF" in page
    assert "Ou entrez le numéro du document et son SHA-256" in page
    assert "Upload the PDF" not in page

    page = _page(french.get(reverse("verify:page"), {"id": "RR-2026-000001", "sha256": "a" * 64}))
    assert "Document non émis par cette firme, ou modifié" in page
    assert "Aucun document portant ce numéro n'a été émis par" in page


# --- install consent and its withdrawal --------------------------------------------------------


@pytest.mark.django_db
def test_the_consent_request_its_pages_and_the_withdrawal_read_french(french, client_record, vcio):
    from riskreg.mail.models import OutboundEmail
    from tests.recommendations.signing.test_consent import (
        casl_practice,
        make_program,
        send_consent,
        sign_consent,
        withdrawal_link,
    )

    casl_practice()
    client_record.contacts.filter(can_sign=True).update(preferred_language="fr-ca")
    program = make_program(client_record, "Atlas RMM agent", allows_remote_access=True, install_status="installed")
    request, token = send_consent(client_record, vcio, [program])
    email = OutboundEmail.objects.get(kind="consent_request")
    assert "demande le consentement de" in email.body_text
    assert "Pourquoi nous le demandons" in email.body_text
    assert "asks for the consent of" not in email.body_text

    page = _page(french.get(reverse("sign:start", args=[token])))
    assert "Votre droit de retrait" in page
    assert "Qui le demande" in page
    assert "Your right to withdraw" not in page

    sign_consent(request, {program.pk: "consent_given"})
    link = withdrawal_link(email, program)
    page = _page(french.get(link))
    assert "Retirer votre consentement à Atlas RMM agent" in page
    assert "Le retrait est sans frais" in page
    assert "Withdraw your consent" not in page

    page = _page(french.post(link, follow=True))
    assert "Votre consentement est retiré" in page
    assert "Your consent is withdrawn" not in page


@pytest.mark.django_db
def test_an_unusable_withdrawal_link_reads_french(french):
    page = _page(french.get(reverse("clients:withdraw", args=["not-a-real-token"])))

    assert "Ce lien n'est pas valide" in page
    assert "Vous pouvez aussi retirer votre consentement en écrivant à" in page
    assert "You can also withdraw" not in page
