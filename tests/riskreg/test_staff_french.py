"""The staff frame and the part-B staff pages (account, integrations, tokens, webhooks, imports,
re-acknowledgment, roadmap, briefing, outbox) and the staff notices speak Canadian French when
French is the active language, and keep their English otherwise."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from riskreg.mail.services import email_enqueue

# Each page: the URL builder, the persona, French it must show, English it must no longer show.
PAGES = {
    "account": (
        lambda c: reverse("accounts:account"),
        "vcio",
        ["Votre compte", "Authentification à deux facteurs", "Jetons d'API", "Se déconnecter partout"],
        ["Your account", "Password and sessions", "Create token"],
    ),
    "integrations": (
        lambda c: reverse("integrations:index"),
        "practice_admin",
        ["Intégrations", "Importation CSV", "Points de terminaison webhook"],
        ["Connect RiskReg to your PSA", "Webhook endpoints"],
    ),
    "tokens": (
        lambda c: reverse("api_tokens:all"),
        "practice_admin",
        ["Jetons d'API", "Aucun jeton d'API pour l'instant.", "Créer le jeton", "Lecture seule", "Portée"],
        ["No API tokens yet.", "Create a token", "Read only"],
    ),
    "webhooks": (
        lambda c: reverse("webhooks:endpoint_list"),
        "practice_admin",
        ["Enregistrer un point de terminaison", "Événements"],
        ["Register an endpoint", "No endpoints yet."],
    ),
    "imports": (
        lambda c: reverse("imports:list"),
        "manager",
        ["Importer des clients et des contacts", "Téléverser un fichier", "Vérifier le fichier", "Fichier CSV"],
        ["Upload a file", "Check the file", "Recent imports"],
    ),
    "outbox": (
        lambda c: reverse("mail:outbox"),
        "manager",
        ["Boîte d'envoi", "Destinataire", "Tout statut"],
        ["Every email RiskReg sends", "Any status"],
    ),
    "reack": (
        lambda c: reverse("register:reack"),
        "vcio",
        ["Reconfirmation", "À échéance", "En attente de réponse", "30 prochains jours"],
        ["Coming due", "Awaiting answer", "Signed refusals of your clients"],
    ),
    "roadmap": (
        lambda c: reverse("roadmap:client", args=[c.public_id]),
        "vcio",
        ["Feuille de route et budget", "L'exercice commence en", "Non planifié", "Plus tard", "janvier"],
        ["Roadmap and budget", "Fiscal year starts in", "Not scheduled"],
    ),
    "briefing": (
        lambda c: reverse("briefing:prepare", args=[c.public_id]),
        "vcio",
        ["Bilan des risques pour", "Aucun bilan émis pour l'instant.", "Émettre le bilan", "Note personnelle"],
        ["Issue briefing", "No briefing issued yet.", "Personal note"],
    ),
}

NAV_FRENCH = ["Aller au contenu principal", "Tableau de bord", "Reconfirmation", "Intégrations", "Se déconnecter"]
NAV_ENGLISH = ["Skip to main content", ">Dashboard<", ">Integrations<", ">Log out<"]


def _page(client, request, name: str, language: str) -> str:
    url, persona, _french, _english = PAGES[name]
    client.force_login(request.getfixturevalue(persona))
    record = request.getfixturevalue("client_record")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url(record))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_staff_page_speaks_french_in_french(client, request, name):
    page = _page(client, request, name, "fr-ca")
    _url, _persona, french, english = PAGES[name]
    for text in [*french, *NAV_FRENCH]:
        assert text in page, text
    for text in [*english, *NAV_ENGLISH]:
        assert text not in page, text
    assert '<html lang="fr-ca">' in page


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_staff_page_keeps_its_english_in_english(client, request, name):
    page = _page(client, request, name, "en")
    _url, _persona, french, english = PAGES[name]
    for text in english:
        assert text in page, text
    assert "Skip to main content" in page and '<html lang="en">' in page


def test_the_login_page_and_its_errors_are_french(client, vcio):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    page = client.post(reverse("login"), {"username": "vera", "password": "wrong"}).content.decode()
    assert "Se connecter à RiskReg" in page
    assert "ce mot de passe ne correspondent pas. Après 5 tentatives échouées" in page


def test_a_messages_flash_is_french(client, request, practice_admin):
    client.force_login(practice_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    response = client.post(
        reverse("webhooks:endpoint_create"), {"url": "ftp://example.com/", "events": ["request.sent"]}
    )
    assert "Seules les URL http:// et https:// peuvent recevoir des webhooks." in response.content.decode()


def test_a_staff_notice_email_is_french_when_sent_in_french(db):
    email = email_enqueue(
        idempotency_key="notice:fr",
        kind="webhook_disabled",
        to=["ada@msp.example"],
        subject="Webhook endpoint disabled",
        template="notices/webhook_disabled",
        context={
            "endpoint_url": "https://hooks.example/in",
            "consecutive_failures": 8,
            "last_error": "HTTP 503",
            "link_url": "https://riskreg.example/x/",
        },
        language="fr-ca",
    )
    assert "Un point de terminaison webhook a été désactivé" in email.body_text
    assert "après 8 tentatives échouées d'affilée" in email.body_text
    assert "Ouvrir le point de terminaison" in email.body_html
    assert not re.search(r"\bThe last error\b|\bOpen the endpoint\b", email.body_text + email.body_html)


def test_a_staff_notice_caused_on_a_french_page_is_written_in_the_default_language(db):
    with translation.override("fr-ca"):  # e.g. a contact withdrawing consent on a French page
        email = email_enqueue(
            idempotency_key="notice:default",
            kind="webhook_disabled",
            to=["ada@msp.example"],
            subject=gettext_lazy("Webhook endpoint disabled"),
            template="notices/webhook_disabled",
            context={
                "endpoint_url": "https://hooks.example/in",
                "consecutive_failures": 8,
                "last_error": "HTTP 503",
                "link_url": "https://riskreg.example/x/",
            },
        )
    assert email.subject == "Webhook endpoint disabled"
    assert "Un point de terminaison webhook a été désactivé" not in email.body_text


def test_a_reackescalation_subject_follows_the_language(db):
    from recommendations.reack.lapses import escalation_subject

    subject = escalation_subject(2, [type("C", (), {"name": "Northwind"})()])
    with translation.override("fr-ca"):
        assert str(subject) == "Échus\u00a0: 2 refus restés sans réponse chez Northwind"
    assert str(subject) == "Lapsed: 2 refusals went unanswered at Northwind"


@pytest.mark.django_db
def test_an_import_checked_for_a_french_uploader_words_its_rows_in_french(
    manager_client, vcio, django_capture_on_commit_callbacks
):
    from clients.models import ImportBatch
    from tests.clients.test_imports import upload

    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    with django_capture_on_commit_callbacks(execute=True):
        upload(manager_client, b"external_id,name,industry\nA-1,Broken,fishing\n", source="riskreg", vcio=vcio)
    batch = ImportBatch.objects.get()
    # Read later in English, the stored row message stays in the uploader's language.
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = manager_client.get(reverse("imports:detail", args=[batch.public_id])).content.decode()

    assert "«\u00a0fishing\u00a0» n'est pas un secteur" in page.replace("&#x27;", "'")
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    page = manager_client.get(reverse("imports:detail", args=[batch.public_id])).content.decode()
    assert "1 ligne ne peut pas être importée" in page
