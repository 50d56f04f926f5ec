"""Shared helpers for tests of the signing flow.

Links and codes exist only in the messages handed to the mail server (the test runner's
in-memory mailbox, `django.core.mail.outbox`): the helpers send an outbox row if it has not
gone yet and read the message, as the signatory reads the email.
"""

import base64
import io
import re

from django.core import mail
from django.test import TestCase
from PIL import Image, ImageDraw

from recommendations import signing
from recommendations.documents import services as document_services
from recommendations.models import DecisionRequest
from riskreg.mail.models import OutboundEmail
from riskreg.mail.services import email_send
from tests.factories import RecommendationFactory

SIGNING_LINK = re.compile(r"(https?://\S+?/sign/([\w-]+)/)")
WITHDRAWAL_LINK = re.compile(r"(https?://\S+?/withdraw/([\w-]+)/)")
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def signature_data_url(*, width: int = 400, height: int = 150, ink: bool = True, fmt: str = "PNG") -> str:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 100), (120, 30), (200, 110), (330, 40)], fill=(10, 20, 60, 255), width=4)
    buffer = io.BytesIO()
    (image if fmt == "PNG" else image.convert("RGB")).save(buffer, format=fmt)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def delivered(email: OutboundEmail) -> mail.EmailMessage:
    """The message the mail server received for an outbox row, sending the row now if it has not gone."""
    email.refresh_from_db()
    if email.status != OutboundEmail.Status.SENT:
        email_send(email_id=email.pk)
        email.refresh_from_db()
    return next(message for message in reversed(mail.outbox) if message.extra_headers["Message-ID"] == email.message_id)


def link_email(request: DecisionRequest) -> OutboundEmail:
    return OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")


def link_from_mail(request: DecisionRequest) -> str:
    """The signing link in the request's email, as the signatory received it."""
    return SIGNING_LINK.search(delivered(link_email(request)).body).group(1)


def token_from_mail(request: DecisionRequest) -> str:
    return SIGNING_LINK.search(delivered(link_email(request)).body).group(2)


def latest_code(request: DecisionRequest) -> str:
    """The code in the latest code email the signatory asked for, as they received it."""
    request.refresh_from_db()
    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:code:{request.code_sends}")
    return CODE.search(delivered(email).body).group(1)


def send_request(client_record, vcio, *, titles=("Multi-factor authentication", "Offsite backups")):
    """A decision request sent and its link email delivered: (request, token, recommendations)."""
    recommendations = [
        RecommendationFactory(client=client_record, status="presented", title=title, likelihood=5, impact=5)
        for title in titles
    ]
    signatory = client_record.contacts.get(can_sign=True)
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=signatory, recommendations=recommendations
    )
    return request, token_from_mail(request), recommendations


def refusal_form(item_id: int, *, typed_name: str, reason: str = "Not in this year's budget") -> dict[str, str]:
    """The decide-and-sign form of a one-item request, refusing it."""
    return {
        "consent": "on",
        "intent": "on",
        "typed_name": typed_name,
        "typed_title": "CEO",
        "signature": signature_data_url(),
        "signer_timezone": "America/Toronto",
        f"outcome_{item_id}": "refuse",
        f"reason_{item_id}": reason,
    }


def document_create(request: DecisionRequest):
    """Render and seal the request's document as the worker does; its file takes its final name
    when the document's transaction commits, which a test's own transaction never does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return document_services.request_document_create(request_id=request.pk)
