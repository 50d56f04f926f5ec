"""Shared helpers for tests of the signing flow."""

import base64
import io
import re

from PIL import Image, ImageDraw

from recommendations import signing
from recommendations.models import DecisionRequest
from riskreg.mail.models import OutboundEmail
from tests.factories import RecommendationFactory


def signature_data_url(*, width: int = 400, height: int = 150, ink: bool = True, fmt: str = "PNG") -> str:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 100), (120, 30), (200, 110), (330, 40)], fill=(10, 20, 60, 255), width=4)
    buffer = io.BytesIO()
    (image if fmt == "PNG" else image.convert("RGB")).save(buffer, format=fmt)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def send_request(client_record, vcio, *, titles=("Multi-factor authentication", "Offsite backups")):
    recommendations = [
        RecommendationFactory(client=client_record, status="presented", title=title, likelihood=5, impact=5)
        for title in titles
    ]
    signatory = client_record.contacts.get(can_sign=True)
    request, token = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=signatory, recommendations=recommendations
    )
    return request, token, recommendations


def latest_code(request: DecisionRequest) -> str:
    email = OutboundEmail.objects.filter(kind="signing_code", scope=request.client.scope).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", email.body_text).group(1)


def link_from_outbox(request: DecisionRequest) -> str:
    email = OutboundEmail.objects.get(idempotency_key=f"request:{request.public_id}:link")
    return re.search(r"(https?://\S+/sign/[\w-]+/)", email.body_text).group(1)


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
