"""Part A of the staff pages (clients, dashboard, relationship, risk, recommendations) in Canadian
French, in a real browser at desktop (1366×900) and phone (390×844) width: French headings and
buttons, no sideways scroll on the phone (French runs about 20 % longer), axe clean.
The manager reads French because they chose it on their account page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.e2e.test_walk import sideways_overflow
from tests.factories import UserFactory
from tests.recommendations.relationship.test_uncovered_and_review import build_liability_portfolio

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_part_a_of_the_staff_pages_in_french(page, screenshot):
    UserFactory(username="morgan", first_name="Morgan", last_name="Reyes", role=User.Role.MANAGER)
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    build_liability_portfolio(vcio)
    from clients.models import Client

    dental = Client.objects.get(name="Lakeshore Dental")
    log_in(page, "morgan")
    User.objects.filter(username="morgan").update(language="fr-ca")  # as chosen on the account page

    pages = {
        "client-list": (reverse("clients:list"), "Clients", "Nouveau client"),
        "client-detail": (
            reverse("register:client_detail", args=[dental.public_id]),
            "Lakeshore Dental",
            "Nouvelle recommandation",
        ),
        "dashboard": (reverse("register:dashboard"), "Tableau de bord du portefeuille", "Exporter en CSV"),
        "review-queue": (
            reverse("register:dashboard_list", args=["review"]),
            "Clients dont la relation doit être examinée",
            "Exporter en CSV",
        ),
        "relationship-decision": (
            reverse("register:relationship_create", args=[dental.public_id]),
            "Décision sur la relation avec Lakeshore Dental",
            "Consigner une décision",
        ),
        "client-risk": (
            reverse("register:client_risk", args=[dental.public_id]),
            "Comment le score de risque de Lakeshore Dental est calculé",
            "Comment le score fonctionne",
        ),
        "scoring-help": (reverse("register:scoring_help"), "Comment le score de risque fonctionne", None),
        "recommendation-form": (
            reverse("register:recommendation_create", args=[dental.public_id]),
            "Nouvelle recommandation",
            "Enregistrer comme brouillon",
        ),
    }
    problems = []
    for name, (path, heading, button) in pages.items():
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            assert page.goto(path).status == 200, path
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            if button:
                expect(page.get_by_text(button, exact=True).first).to_be_visible()
            screenshot(page, f"{name}-{size}")
            problems += [f"{name} at {size}: {violation}" for violation in axe_violations(page)]
            if sideways_overflow(page) > 0:
                problems.append(f"{name} scrolls sideways by {sideways_overflow(page)} px at {size}")
    assert problems == [], "\n".join(problems)
