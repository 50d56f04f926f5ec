"""The staff pages of part A (clients, dashboard, relationship, risk, recommendations) read in
Canadian French when French is the active language, and stay English otherwise.

The browser asks for French with Django's language cookie, which a staff user who has not picked a
language on their account page is served in."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import RecommendationFactory


@pytest.fixture
def french_page():
    def get(client, url: str, **params) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
        response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.fixture
def assessed_client(client_record):
    RecommendationFactory(client=client_record, status="presented", likelihood=4, impact=4)
    client_record.refresh_from_db()
    return client_record


def assert_no_english(page: str, *phrases: str) -> None:
    for phrase in phrases:
        assert phrase not in page, f"untranslated: {phrase!r}"


@pytest.mark.django_db
def test_the_client_list_is_in_french(vcio_client, assessed_client, french_page):
    page = french_page(vcio_client, reverse("clients:list"))

    assert "Nouveau client" in page
    assert ">Filtrer</button>" in page
    assert "Secteur" in page and "Couverture" in page
    assert_no_english(page, "New client", "Clear filters", "Industry", "Coverage")


@pytest.mark.django_db
def test_the_client_page_is_in_french(vcio_client, assessed_client, french_page):
    page = french_page(vcio_client, reverse("register:client_detail", args=[assessed_client.public_id]))

    assert "Nouvelle recommandation" in page
    assert "Score de risque" in page
    assert "Couverture de responsabilité" in page
    assert "Entente de services" in page
    assert "Présentée (1)" in page  # the status group heading, from the model's choices
    assert_no_english(
        page, "New recommendation", "Risk score", "Liability coverage", "Service agreement", "Edit client"
    )


@pytest.mark.django_db
def test_the_dashboard_is_in_french(manager_client, assessed_client, french_page):
    page = french_page(manager_client, reverse("register:dashboard"))

    assert "Tableau de bord du portefeuille" in page
    assert "Exporter en CSV" in page
    assert "Couverture du portefeuille" in page
    assert "Refus à reconfirmer" in page
    assert_no_english(page, "Portfolio dashboard", "Export CSV", "Headline figures", "Uncovered exposure")


@pytest.mark.django_db
def test_the_relationship_review_queue_and_decision_form_are_in_french(manager_client, assessed_client, french_page):
    queue = french_page(manager_client, reverse("register:dashboard_list", args=["review"]))
    form = french_page(manager_client, reverse("register:relationship_create", args=[assessed_client.public_id]))

    assert "Clients dont la relation doit être examinée" in queue
    assert "Retour au tableau de bord" in queue
    assert "Décision sur la relation avec" in form
    assert "Consigner une décision" in form
    assert "Poursuivre avec conditions" in form  # the outcome choices
    assert_no_english(queue, "Clients needing a relationship review", "Back to the dashboard")
    assert_no_english(form, "Record decision", "Where the client stands", "Continue with conditions")


@pytest.mark.django_db
def test_the_risk_model_pages_are_in_french(vcio_client, assessed_client, french_page):
    help_page = french_page(vcio_client, reverse("register:scoring_help"))
    breakdown = french_page(vcio_client, reverse("register:client_risk", args=[assessed_client.public_id]))

    assert "Comment le score de risque fonctionne" in help_page
    assert "Exemples chiffrés" in help_page
    assert "Un détaillant a refusé un élément critique" in help_page  # a worked example, from Python
    assert "Comment le score de risque de" in breakdown
    assert "Non couverte\u00a0: présentée, non signée" in breakdown  # the coverage words, from Python
    assert "pas couverte" in breakdown  # the reason sentence, from risk/reasons.py
    assert_no_english(help_page, "How the risk score works", "Worked examples", "Guarantees")
    assert_no_english(breakdown, "What adds to the score", "Uncovered: presented", "Sensitivity multiplier")


@pytest.mark.django_db
def test_the_recommendation_form_is_in_french(vcio_client, client_record, french_page):
    page = french_page(vcio_client, reverse("register:recommendation_create", args=[client_record.public_id]))

    assert "Nouvelle recommandation" in page
    assert "Enregistrer comme brouillon" in page
    assert "Probabilité (1-5)" in page
    assert "Utiliser cette mesure" in page
    assert_no_english(page, "Save as draft", "Use this control", "Likelihood (1-5)")


@pytest.mark.django_db
def test_a_french_message_follows_a_french_action(vcio_client, client_record):
    recommendation = RecommendationFactory(client=client_record, status="draft")

    vcio_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    response = vcio_client.post(
        reverse("register:recommendation_action", args=[recommendation.public_id, "present"]), follow=True
    )

    assert f"« {recommendation.title} » présentée au client." in response.content.decode().replace("\u00a0", " ")


@pytest.mark.django_db
def test_the_pages_stay_english_by_default(vcio_client, assessed_client):
    page = vcio_client.get(reverse("register:client_detail", args=[assessed_client.public_id])).content.decode()

    assert "New recommendation" in page and "Risk score" in page
    assert "Nouvelle recommandation" not in page
