"""The staff frame and the part-B staff pages in Canadian French, in a real browser at desktop
(1366×900) and phone (390×844) width: no sideways scrolling, axe finds nothing serious, and the
phone menu opens. The user reads French because they chose it on their account page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from riskreg.accounts.models import User
from tests.e2e.test_integrations import at_both_widths
from tests.e2e.test_roadmap import plan
from tests.e2e.test_security import log_in
from tests.factories import UserFactory

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
def test_the_staff_frame_account_roadmap_and_integrations_read_in_french(page, screenshot):
    ada = UserFactory(username="ada", first_name="Ada", last_name="Tremblay-Bouchard", role=User.Role.ADMIN)
    client, _current, _following = plan(ada)
    page.set_viewport_size(DESKTOP)
    log_in(page, "ada")
    User.objects.filter(username="ada").update(language="fr-ca")  # as chosen on the account page

    page.goto(reverse("accounts:account"))
    expect(page.get_by_role("heading", name="Votre compte")).to_be_visible()
    nav = page.get_by_role("navigation", name="Principale")
    for label in ("Tableau de bord", "Reconfirmation", "Boîte d'envoi", "Intégrations", "Firme", "Compte"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
    at_both_widths(page, screenshot, "account")

    page.set_viewport_size(PHONE)
    toggler = page.get_by_role("button", name="Afficher ou masquer la navigation")
    expect(toggler).to_be_visible()
    screenshot(page, "nav-phone-collapsed")
    toggler.click()
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()
    expect(page.get_by_role("link", name="Tableau de bord")).to_be_visible()
    screenshot(page, "nav-phone-open")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the open phone menu scrolls sideways by {overflow}px"
    page.set_viewport_size(DESKTOP)

    page.goto(reverse("roadmap:client", args=[client.public_id]))
    expect(page.get_by_role("heading", name="Feuille de route et budget")).to_be_visible()
    expect(page.get_by_label("L'exercice commence en")).to_have_value("2")
    expect(page.get_by_role("heading", name="Non planifié")).to_be_visible()
    at_both_widths(page, screenshot, "roadmap")

    page.goto(reverse("integrations:index"))
    expect(page.get_by_role("heading", name="Intégrations", exact=True)).to_be_visible()
    at_both_widths(page, screenshot, "integrations")
    page.get_by_role("link", name="Points de terminaison webhook").click()
    expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
    at_both_widths(page, screenshot, "webhooks")
    page.goto(reverse("integrations:index"))
    page.get_by_role("link", name="Importer des clients et des contacts").click()
    expect(page.get_by_role("button", name="Vérifier le fichier")).to_be_visible()
    at_both_widths(page, screenshot, "imports")
    page.goto(reverse("integrations:index"))
    page.get_by_role("link", name="Jetons d'API de tout le monde").click()
    at_both_widths(page, screenshot, "tokens")
    assert page.console_errors == []
