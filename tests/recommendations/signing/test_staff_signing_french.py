"""The staff side of signing (send forms, the request page and its timeline, the outbox) reads in
Canadian French for a French reader, while the audit summaries stay stored in English."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from recommendations import signing
from recommendations.audit_wording import event_label
from recommendations.selectors import request_timeline
from riskreg.audit.models import AuditEvent
from riskreg.mail.kinds import email_kind_label
from tests.factories import RecommendationFactory
from tests.signing_helpers import send_request


def french(client, url: str, method: str = "get", **data) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    response = getattr(client, method)(url, data, HTTP_ACCEPT_LANGUAGE="fr-ca", follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_send_form_is_in_french(vcio_client, client_record, vcio):
    RecommendationFactory(client=client_record, status="presented", likelihood=4, impact=4)
    page = french(vcio_client, reverse("signing:request_create", args=[client_record.public_id]))

    assert "Envoyer le lien de signature" in page
    assert "Recommandations à décider" in page and "Message au signataire" in page
    for english in ("Send signing link", "Message to the signatory", "Recommendations to decide", "Cancel"):
        assert english not in page, english


@pytest.mark.django_db
def test_the_request_page_and_its_timeline_are_in_french(vcio_client, client_record, vcio):
    request, _token, _recommendations = send_request(client_record, vcio)
    page = french(vcio_client, reverse("signing:request_detail", args=[request.public_id]))

    assert "Demande de décision" in page
    assert "Demande de décision envoyée pour 2 éléments" in page
    assert "Chronologie" in page
    for english in ("Decision request", "Items", "Re-send a new link", "Revoke link", "sent for 2 item(s)"):
        assert english not in page, english


@pytest.mark.django_db
def test_a_revoke_in_french_keeps_the_stored_summary_in_english(vcio_client, client_record, vcio):
    request, _token, _recommendations = send_request(client_record, vcio)
    page = french(vcio_client, reverse("signing:request_revoke", args=[request.public_id]), method="post")

    assert "Demande révoquée" in page
    event = AuditEvent.objects.get(event_type="request.revoked", object_id=str(request.public_id))
    assert event.summary == "Request revoked: revoked by staff"
    with translation.override("fr-ca"):
        assert event_label(event.event_type, event.summary) == "Demande révoquée par le personnel"


@pytest.mark.django_db
def test_an_unknown_summary_is_shown_as_stored(client_record, vcio):
    request, _token, _recommendations = send_request(client_record, vcio)
    with translation.override("fr-ca"):
        assert event_label("request.sent", "Something else entirely") == "Something else entirely"
        assert event_label("request.viewed", "Decision request sent for 2 item(s)") == (
            "Decision request sent for 2 item(s)"
        )
        labels = [event.label for event in request_timeline(request)]
    assert labels[0] == "Demande de décision envoyée pour 2 éléments"


def test_an_email_kind_has_a_label_and_an_unknown_kind_shows_its_identifier():
    with translation.override("fr-ca"):
        assert email_kind_label("signing_code") == "Code de signature"
        assert email_kind_label("something_new") == "something_new"
    with translation.override("en"):
        assert email_kind_label("decision_request") == "Decision request"


@pytest.mark.django_db
def test_a_resend_of_a_signed_request_is_refused_in_french(client_record, vcio):
    request, _token, _recommendations = send_request(client_record, vcio)
    request.status = "completed"  # as signed (in memory: signing for real needs the whole flow)
    with translation.override("fr-ca"), pytest.raises(signing.SigningError) as error:
        signing.decision_request_resend(actor=vcio, request=request)
    assert error.value.messages == ["Cette demande a été signée; il n'y a rien à renvoyer."]


@pytest.mark.parametrize(
    ("event_type", "summary", "french"),
    [
        ("recommendation.presented", "“MFA” presented to the client", "«\u00a0MFA\u00a0»\u00a0: présentée au client"),
        ("contact.created", "Contact added (signatory)", "Contact ajouté (signataire)"),
        ("email.sent", "Email sent: signing code", "Courriel envoyé\u00a0: Code de signature"),
        (
            "software.installed",
            "Software RMM agent marked installed",
            "Logiciel RMM agent marqué «\u00a0installé\u00a0»",
        ),
        (
            "document.sealed",
            "Risk acceptance and waiver RR-2026-000001 rendered and sealed",
            "Document «\u00a0Acceptation du risque et décharge de responsabilité\u00a0» RR-2026-000001 "
            "produit et scellé",
        ),
    ],
)
def test_known_summaries_read_french(event_type, summary, french):
    with translation.override("fr-ca"):
        assert event_label(event_type, summary) == french
