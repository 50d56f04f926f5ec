"""Emails and documents a client contact receives, in the contact's language (issue 24).

Until contacts carry a preferred language (Contact.language), these tests give every contact
French by patching that property in: the senders must pick it up, whatever the active language."""

import io
import json

import pytest
from pypdf import PdfReader

from clients.models import PracticeProfile
from recommendations.briefing.services import briefing_issue, briefing_send
from recommendations.documents import services as document_services
from recommendations.models import WaiverDocument
from recommendations.relationship.offboarding import offboarding_letter_send
from riskreg.mail.models import OutboundEmail
from tests.recommendations.briefing.conftest import quarter_of_work  # noqa: F401 - a fixture
from tests.recommendations.documents.test_pipeline import sign_request
from tests.recommendations.relationship.test_offboarding_letter import (  # noqa: F401 - fixtures
    letter,
    offboard,
    refused,
    signatory,
)
from tests.signing_helpers import delivered, latest_code, send_request


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(autouse=True)
def _remove_rendered_pdfs(db):
    """Media outlives the test database: a PDF left behind would give the next test's a suffixed name."""
    yield
    for document in WaiverDocument.objects.exclude(file=""):
        document.file.storage.delete(document.file.name)


@pytest.fixture
def contacts_read_french(db):
    """The practice writes to its contacts in French unless a contact chose otherwise."""
    profile = PracticeProfile.load()
    profile.default_language = "fr-ca"
    profile.save()


@pytest.mark.django_db
def test_the_signing_link_and_code_emails_read_french_when_sent_in_french(contacts_read_french, client_record, vcio):
    from recommendations import signing

    request, _, _ = send_request(client_record, vcio)
    link = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")
    signing.signing_code_send(request=request, language="fr-ca")
    code = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:code:1")

    assert "Nous avons besoin de votre décision sur 2 recommandations de sécurité" in link.body_text
    assert "Ouvrez votre lien personnel pour lire chaque recommandation" in link.body_text
    assert "Ne transférez pas ce courriel" in link.body_html
    assert 'lang="fr-ca"' in link.body_html
    assert "We need your decision" not in link.body_text
    assert "Votre code de signature à usage unique pour" in code.body_text
    assert latest_code(request) in delivered(code).body
    assert "Your one-time signing code" not in code.body_text


@pytest.mark.django_db
def test_the_signed_copy_is_emailed_and_printed_in_the_language_the_signer_read(
    contacts_read_french, client_record, vcio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = sign_request(client_record, vcio)

    with django_capture_on_commit_callbacks(execute=True):
        document_services.request_document_create(request_id=request.pk)
    document = WaiverDocument.objects.get(request=request)

    signer = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:document:signer")
    staff = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:document:vcio")
    kind = "acceptation des risques et décharge de responsabilité"
    # A subject is one line; French typography keeps its no-break space before the colon.
    assert signer.subject == f"Votre copie signée ({kind})\u00a0: {document.document_id}"
    assert "Merci. Votre décision pour" in signer.body_text
    # French typography: a non-breaking space before the colon.
    assert ": refusée (raison\u00a0: " in signer.body_text
    assert "Le PDF porte le sceau électronique de" in signer.body_text
    assert "Thank you. Your decision" not in signer.body_text
    # The practice's own copy of the news stays in the staff's language.
    assert "The signatory of" in staff.body_text
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Acceptation des risques et décharge de responsabilité" in text
    assert "Signing request sent to the signatory" not in text
    assert "Demande de signature envoyée au signataire" in text


@pytest.mark.django_db
def test_the_briefing_is_written_and_emailed_in_the_contacts_language(
    quarter_of_work,  # noqa: F811
    vcio,
    contacts_read_french,
    django_capture_on_commit_callbacks,
):
    briefing = briefing_issue(actor=vcio, client=quarter_of_work, note="")
    contact = quarter_of_work.contacts.get(can_sign=True)
    with django_capture_on_commit_callbacks(execute=True):
        briefing_send(actor=vcio, briefing=briefing, contacts=[contact])

    with briefing.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Bilan des risques" in text
    assert "Votre score de risque est de" in text
    assert "Feuille de route des quatre prochains trimestres" in text
    assert "Executive summary" not in text
    email = OutboundEmail.objects.get(kind="briefing")
    assert email.subject == f"Bilan des risques de {quarter_of_work.name}"
    assert "Vous trouverez ci-joint le bilan des risques de" in email.body_text
    assert "Attached is the risk briefing" not in email.body_text


@pytest.mark.django_db
def test_the_offboarding_letter_is_written_and_emailed_in_the_addressees_language(
    contacts_read_french,
    offboard,  # noqa: F811
    manager,
    signatory,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from tests.recommendations.relationship.test_offboarding_letter import issue

    with django_capture_on_commit_callbacks(execute=True):
        issued = issue(offboard, manager, signatory)
    issued.refresh_from_db()
    assert json.loads(issued.snapshot)["language"] == "fr-ca"
    with django_capture_on_commit_callbacks(execute=True):
        offboarding_letter_send(actor=manager, letter=issued)

    document = issued.document
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Avis de fin des services" in text
    assert "Veuillez agréer nos salutations distinguées" in text
    assert "Notice of end of service" not in text
    email = OutboundEmail.objects.get(kind="offboarding_letter")
    assert email.subject == f"Avis de fin des services\u00a0: {offboard.client.name}"
    assert "Vous trouverez ci-joint notre lettre datée du" in email.body_text
    assert "Attached is our letter" not in email.body_text
