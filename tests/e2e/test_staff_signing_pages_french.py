"""The staff signing pages (send for decision, ask for install consent, the request page with its
timeline) in Canadian French at desktop (1366×900) and phone (390×844) width: French headings,
no sideways scroll, axe clean."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import PracticeProfile, Software
from recommendations import signing
from riskreg.accounts.models import User
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.e2e.test_walk import sideways_overflow
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory, UserFactory

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.django_db(transaction=True)
def test_a_vcio_reads_the_signing_pages_in_french(page, screenshot):
    vcio = UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO, language="fr-ca")
    practice = PracticeProfile.load()
    practice.mailing_address, practice.email = "120 King Street West, Toronto ON", "vcio@northwind.example"
    practice.save()
    client = ClientFactory(name="Lakeshore Dental", vcio=vcio)
    signatory = ContactFactory(client=client, name="Hélène Côté", can_sign=True)
    sent = RecommendationFactory(client=client, title="MFA", likelihood=4, impact=5, status="presented")
    RecommendationFactory(client=client, title="Offsite backups", likelihood=3, impact=4, status="presented")
    Software.objects.create(
        client=client,
        name="RMM agent",
        publisher="NinjaOne",
        function_and_purpose="Monitors and patches the computers.",
        install_status="planned",
    )
    request = signing.decision_request_send(actor=vcio, client=client, signatory=signatory, recommendations=[sent])
    log_in(page, "vera")

    pages = {
        "send-for-decision": (reverse("signing:request_create", args=[client.public_id]), "Envoyer pour décision"),
        "ask-consent": (
            reverse("register:consent_request_create", args=[client.public_id]),
            "Demander le consentement à l'installation",
        ),
        "request": (reverse("signing:request_detail", args=[request.public_id]), "Demande de décision"),
    }
    problems = []
    for name, (path, heading) in pages.items():
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            assert page.goto(path).status == 200, path
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            screenshot(page, f"{name}-{size}")
            assert axe_violations(page) == [], f"{name} at {size}"
            if sideways_overflow(page) > 0:
                problems.append(f"{name} scrolls sideways by {sideways_overflow(page)} px at {size}")
    assert problems == [], "\n".join(problems)
