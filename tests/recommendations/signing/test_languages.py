"""Issue 24: each contact's language, the request sent and signed in it, the signer's switch, and a
Quebec signer's express choice of English."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import F
from django.urls import reverse

from clients.models import Client, Contact, PracticeProfile
from recommendations import signing
from recommendations.catalog_fr import STARTER_CATALOG_FR
from recommendations.models import Control, Decision, DecisionRequest, Recommendation, Signature
from recommendations.services import recommendation_create
from recommendations.signing.content import (
    CONSENT_INTENT,
    DISCLOSURE,
    ENGLISH_CHOICE,
    INTENT,
    INTENTS,
    english_choice_required,
)
from recommendations.signing.signature_image import render_typed_signature
from recommendations.signing.snapshot import in_language, shown_to_signer
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.factories import ControlFactory, RecommendationFactory
from tests.recommendations.signing.test_consent import casl_practice, make_program, send_consent
from tests.recommendations.signing.test_views_signer import sign_data
from tests.signing_helpers import latest_code, link_email, token_from_mail

FRENCH_TEXTS = {
    "title_fr": "Authentification multifacteur",
    "description_fr": "Activer une deuxième vérification à chaque connexion.",
    "why_it_matters_fr": "Elle bloque les attaques les plus courantes.",
    "consequences_fr": "Un attaquant peut prendre le contrôle des comptes.",
}


def _signatory(client_record: Client) -> Contact:
    return client_record.contacts.get(can_sign=True)


def _french_signatory(client_record: Client) -> Contact:
    contact = _signatory(client_record)
    contact.preferred_language = "fr-ca"
    contact.save(update_fields=["preferred_language"])
    return contact


def _quebec(client_record: Client) -> Client:
    client_record.province = "QC"
    client_record.save(update_fields=["province"])
    return client_record


def _send(client_record, vcio, **french) -> tuple[DecisionRequest, str, Recommendation]:
    recommendation = RecommendationFactory(
        client=client_record, status="presented", title="Multi-factor authentication", likelihood=5, impact=5, **french
    )
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=_signatory(client_record), recommendations=[recommendation]
    )

    return request, token_from_mail(request), recommendation


def _verify(client, request: DecisionRequest, token: str) -> None:
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})


# Models


@pytest.mark.django_db
def test_text_in_gives_the_french_texts_and_falls_back_to_english_for_a_blank_one():
    recommendation = RecommendationFactory(**{**FRENCH_TEXTS, "why_it_matters_fr": "  "})

    french = recommendation.text_in("fr-ca")

    assert french["title"] == "Authentification multifacteur"
    assert french["consequences"] == FRENCH_TEXTS["consequences_fr"]
    assert french["why_it_matters"] == recommendation.why_it_matters, "blank French: the English text"
    assert recommendation.text_in("en")["title"] == recommendation.title


@pytest.mark.django_db
def test_a_contact_without_a_language_reads_the_practice_default(client_record):
    contact = _signatory(client_record)
    assert contact.language == "en"

    PracticeProfile.objects.filter(pk=PracticeProfile.load().pk).update(default_language="fr-ca")

    assert Contact.objects.get(pk=contact.pk).language == "fr-ca"
    contact.preferred_language = "en"
    assert contact.language == "en", "the contact's own choice wins"


@pytest.mark.django_db
def test_only_a_client_in_quebec_is_a_quebec_client(client_record):
    assert not client_record.is_quebec
    assert _quebec(client_record).is_quebec
    client_record.province = "ON"
    assert not client_record.is_quebec


@pytest.mark.django_db
def test_a_recommendation_made_from_a_control_copies_its_french_texts(client_record, vcio):
    control = ControlFactory(**{key: value for key, value in FRENCH_TEXTS.items()})

    recommendation = recommendation_create(
        actor=vcio,
        client=client_record,
        control=control,
        data={
            "title": control.title,
            "description": control.description,
            "why_it_matters": control.why_it_matters,
            "consequences": control.consequences,
            "likelihood": 3,
            "impact": 3,
        },
    )

    assert recommendation.text_in("fr-ca")["title"] == "Authentification multifacteur"


@pytest.mark.django_db
def test_the_migration_fills_the_starter_controls_and_their_blank_recommendations_from_the_french_catalog(
    client_record,
):
    migration = importlib.import_module("recommendations.migrations.0015_french_texts")
    Control.objects.update(title_fr="", description_fr="", why_it_matters_fr="", consequences_fr="")
    made_from = {
        code: RecommendationFactory(
            client=client_record,
            control=(control := Control.objects.get(code=code)),
            **{name: getattr(control, name) for name in ("title", "description", "why_it_matters", "consequences")},
        )
        for code in STARTER_CATALOG_FR
    }
    # A vCIO's own English wording gets no stock French beside it.
    reworded = RecommendationFactory(
        client=client_record, control=Control.objects.get(code="IAM-MFA"), title="MFA for the front desk"
    )

    migration.install_french_texts(apps, None)

    reworded.refresh_from_db()
    assert reworded.title_fr == ""

    for code, french in STARTER_CATALOG_FR.items():
        control = Control.objects.get(code=code)
        recommendation = Recommendation.objects.get(pk=made_from[code].pk)
        for name, text in french.items():
            assert getattr(control, f"{name}_fr") == text
            assert recommendation.text_in("fr-ca")[name] == text


@pytest.mark.django_db
def test_a_fresh_database_holds_the_french_catalog_in_its_starter_controls():
    for code, french in STARTER_CATALOG_FR.items():
        control = Control.objects.get(code=code)
        assert {name: getattr(control, f"{name}_fr") for name in french} == french


# Texts


def test_every_legal_text_exists_in_both_languages_and_old_versions_stay_readable():
    for text in (DISCLOSURE, INTENT, CONSENT_INTENT, ENGLISH_CHOICE):
        assert set(text.texts) == {"en", "fr-ca"}
        assert text.text_in("fr-ca") != text.text_in("en")
    assert INTENTS["2026-11"].text_in("en") == INTENT.text_in("en")
    assert "anglais" in ENGLISH_CHOICE.text_in("fr-ca")
    assert ENGLISH_CHOICE.text_in("en") == (
        "I expressly choose to be bound by this document in English; a French version was offered to me."
    )


def test_only_a_quebec_signer_reading_english_needs_the_express_choice():
    assert english_choice_required(quebec=True, language="en")
    assert not english_choice_required(quebec=True, language="fr-ca")
    assert not english_choice_required(quebec=False, language="en")


# Sending in the contact's language


@pytest.mark.django_db
def test_a_request_to_a_french_contact_is_sent_and_frozen_in_french(client_record, vcio):
    _french_signatory(client_record)

    request, _, recommendation = _send(client_record, vcio, **FRENCH_TEXTS)

    shown = json.loads(request.snapshot)
    assert (request.language, shown["language"], shown["format"]) == ("fr-ca", "fr-ca", "riskreg-signing-snapshot/3")
    assert shown["intent"]["text"] == INTENT.text_in("fr-ca")
    assert shown["intent"]["texts"]["en"] == INTENT.text_in("en"), "the record proves the English text too"
    assert shown["disclosure"]["text"] == DISCLOSURE.text_in("fr-ca")
    [item] = shown["items"]
    assert item["title"] == "Authentification multifacteur"
    assert item["texts"]["en"]["title"] == "Multi-factor authentication"
    email = link_email(request)
    assert email.subject == "Votre décision est requise\u00a0: 1 recommandation de sécurité pour Harbourview Clinic"
    assert "Authentification multifacteur" in email.body_text
    assert AuditEvent.objects.get(event_type="request.sent").payload["language"] == "fr-ca"


@pytest.mark.django_db
def test_a_request_to_a_contact_without_a_language_goes_in_the_practice_default(client_record, vcio):
    practice = PracticeProfile.load()
    practice.default_language = "fr-ca"
    practice.save()

    request, _, _ = _send(client_record, vcio)

    assert request.language == "fr-ca"
    assert link_email(request).subject.startswith("Votre décision est requise")


@pytest.mark.django_db
def test_a_consent_request_to_a_french_contact_carries_the_casl_disclosures_in_french(client_record, vcio):
    casl_practice()
    _french_signatory(client_record)
    rmm = make_program(client_record, "Atlas RMM agent", allows_remote_access=True)

    request, _ = send_consent(client_record, vcio, [rmm])

    shown = json.loads(request.snapshot)
    assert shown["intent"]["text"] == CONSENT_INTENT.text_in("fr-ca")
    assert shown["sought_because"].startswith("La Loi canadienne anti-pourriel")
    assert shown["items"][0]["disclosures"][0]["label"] == "Permet l’accès à distance"
    assert shown["items"][0]["texts"]["en"]["disclosures"][0]["label"] == "Allows remote access"
    assert OutboundEmail.objects.get(kind="consent_request").subject.startswith("Votre consentement est requis")


# The signer's pages


@pytest.mark.django_db
def test_a_french_request_opens_in_french_and_the_signer_can_switch_to_english_for_that_request(
    client, client_record, vcio
):
    _french_signatory(client_record)
    request, token, _ = _send(client_record, vcio, **FRENCH_TEXTS)
    start = reverse("sign:start", args=[token])

    french = client.get(start).content.decode()
    english = client.get(start + "?lang=en").content.decode()
    _verify(client, request, token)
    decide = client.get(reverse("sign:decide", args=[token])).content.decode()

    assert "Authentification multifacteur" in french
    assert "Multi-factor authentication" in english and "Authentification multifacteur" not in english
    assert INTENT.text_in("en") in decide, "the switch holds on the request's next pages"


@pytest.mark.django_db
def test_a_french_request_signed_in_french_records_the_french_texts(client, client_record, vcio):
    _french_signatory(client_record)
    request, token, _ = _send(client_record, vcio, **FRENCH_TEXTS)
    _verify(client, request, token)

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request))

    assert response.status_code == 302
    signature = Signature.objects.get(request=request)
    assert (signature.language, signature.english_choice) == ("fr-ca", None)
    assert signature.intent_text == INTENT.text_in("fr-ca")
    assert signature.consent_text == DISCLOSURE.text_in("fr-ca")
    request.refresh_from_db()
    shown = shown_to_signer(request)
    assert (shown["language"], shown["english_choice"]) == ("fr-ca", None)
    assert shown["items"][0]["title"] == "Authentification multifacteur"


@pytest.mark.django_db
def test_a_quebec_request_in_english_is_refused_without_the_express_choice_and_nothing_is_saved(
    client, client_record, vcio
):
    _quebec(client_record)
    request, token, recommendation = _send(client_record, vcio)
    _verify(client, request, token)
    decide = reverse("sign:decide", args=[token])

    page = client.get(decide).content.decode()
    response = client.post(decide, sign_data(request))

    assert ENGLISH_CHOICE.text_in("en") in page and ENGLISH_CHOICE.text_in("fr-ca") in page
    assert response.status_code == 200
    assert "This client is in Quebec: tick this box to sign in English" in response.content.decode()
    request.refresh_from_db()
    assert request.status != DecisionRequest.Status.COMPLETED
    assert not Signature.objects.exists() and not Decision.objects.exists()
    assert Recommendation.objects.get(pk=recommendation.pk).status == "presented"
    assert not AuditEvent.objects.filter(event_type="request.signed").exists()


@pytest.mark.django_db
def test_the_signing_service_itself_refuses_a_quebec_english_signing_without_the_choice(client, client_record, vcio):
    _quebec(client_record)
    request, token, _ = _send(client_record, vcio)
    _verify(client, request, token)
    item = request.items.get()

    with pytest.raises(signing.SigningError) as refused:
        signing.decision_request_complete(
            request=request,
            choices=[signing.ItemChoice(item_id=item.pk, outcome="accept", reason="")],
            evidence=signing.SignerEvidence(
                typed_name="Hélène Côté",
                typed_title="CEO",
                signature_png=render_typed_signature("Hélène Côté"),
                ip_address="203.0.113.9",
                user_agent="test",
                signer_timezone="America/Toronto",
                method="typed",
            ),
        )

    assert refused.value.code == "english_choice"
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_quebec_request_in_english_signed_with_the_express_choice_keeps_it_as_evidence(client, client_record, vcio):
    _quebec(client_record)
    request, token, _ = _send(client_record, vcio)
    _verify(client, request, token)

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request, english_choice="on"))

    assert response.status_code == 302
    request.refresh_from_db()
    choice = Signature.objects.get(request=request).english_choice
    assert (choice["version"], choice["text"]) == (ENGLISH_CHOICE.version, ENGLISH_CHOICE.text_in("en"))
    assert choice["chosen_at"]
    assert shown_to_signer(request)["english_choice"] == choice
    assert json.loads(request.snapshot)["english_choice_statement"]["texts"]["fr-ca"] == ENGLISH_CHOICE.text_in("fr-ca")
    signed = AuditEvent.objects.get(event_type="request.signed")
    assert (signed.payload["english_choice"], signed.payload["language"]) == (choice, "en")


@pytest.mark.django_db
def test_a_quebec_request_in_french_needs_no_express_choice(client, client_record, vcio):
    _quebec(client_record)
    _french_signatory(client_record)
    request, token, _ = _send(client_record, vcio)
    _verify(client, request, token)

    page = client.get(reverse("sign:decide", args=[token])).content.decode()
    response = client.post(reverse("sign:decide", args=[token]), sign_data(request))

    assert 'name="english_choice"' not in page
    assert response.status_code == 302
    assert Signature.objects.get(request=request).english_choice is None


@pytest.mark.django_db
def test_a_quebec_signer_who_switches_a_french_request_to_english_must_make_the_choice(client, client_record, vcio):
    _quebec(client_record)
    _french_signatory(client_record)
    request, token, _ = _send(client_record, vcio)
    _verify(client, request, token)
    decide = reverse("sign:decide", args=[token])

    client.get(decide + "?lang=en")
    refused = client.post(decide, sign_data(request))
    assert refused.status_code == 200 and not Signature.objects.filter(request=request).exists()

    signed = client.post(decide, sign_data(request, english_choice="on"))

    assert signed.status_code == 302
    assert Signature.objects.get(request=request).language == "en"


def test_a_snapshot_from_before_version_3_reads_the_same_in_any_language():
    old = {"language": "en", "intent": {"version": "2026-11", "text": "I have read"}, "items": []}

    assert in_language(old, "fr-ca") is old


# Staff language


@pytest.mark.django_db
def test_a_staff_user_who_chose_french_sees_the_staff_pages_in_french(vcio_client, vcio):
    vcio.language = "fr-ca"
    vcio.save(update_fields=["language"])

    page = vcio_client.get(reverse("accounts:account")).content.decode()

    assert "Langue des pages du personnel" in page


@pytest.mark.django_db
def test_a_staff_user_sets_their_language_on_the_account_page(vcio_client, vcio):
    response = vcio_client.post(reverse("accounts:language_set"), {"language": "fr-ca"})

    vcio.refresh_from_db()
    assert response.status_code == 302 and vcio.language == "fr-ca"


@pytest.mark.django_db
def test_a_language_the_site_does_not_offer_is_refused(vcio_client, vcio):
    vcio_client.post(reverse("accounts:language_set"), {"language": "de"})

    vcio.refresh_from_db()
    assert vcio.language == ""


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_set_a_language_on_an_account(client):
    response = client.post(reverse("accounts:language_set"), {"language": "fr-ca"})

    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_the_login_page_follows_the_browser_language(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")

    assert response.headers["Content-Language"] == "fr-ca"


@pytest.mark.django_db
def test_the_one_time_code_email_is_in_the_language_the_signer_reads_the_page_in(client, client_record, vcio):
    _french_signatory(client_record)
    request, token, _ = _send(client_record, vcio)

    client.post(reverse("sign:send_code", args=[token]))
    # Past the resend cooldown.
    DecisionRequest.objects.filter(pk=request.pk).update(code_sent_at=F("code_sent_at") - timedelta(minutes=1))
    client.get(reverse("sign:start", args=[token]) + "?lang=en")
    client.post(reverse("sign:send_code", args=[token]))

    first, second = OutboundEmail.objects.filter(kind="signing_code").order_by("pk")
    assert first.subject == "Votre code de signature à usage unique pour Harbourview Clinic"
    assert second.subject == "Your one-time signing code for Harbourview Clinic"


@pytest.mark.django_db
def test_the_verify_page_follows_the_signers_last_choice_and_otherwise_the_browser(client, client_record, vcio):
    _, token, _ = _send(client_record, vcio)
    verify = reverse("verify:page")

    assert client.get(verify, HTTP_ACCEPT_LANGUAGE="fr-CA").headers["Content-Language"] == "fr-ca"
    assert client.get(verify).headers["Content-Language"] == "en"
    client.get(reverse("sign:start", args=[token]) + "?lang=fr-ca")
    assert client.get(verify).headers["Content-Language"] == "fr-ca"
