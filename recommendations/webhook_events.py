"""The data of the register's webhook events (riskreg.webhooks), one builder per event.

Called inside the transaction of the change they report, so an event goes out only for a change
that committed. Ids are the public ones the API uses; no signing token, code or personal data
beyond what the MSP's own systems already hold (names of clients, titles of recommendations).
"""

from collections.abc import Iterable
from typing import Any

from clients.models import Client
from recommendations.models import Decision, DecisionRequest, Recommendation, WaiverDocument
from riskreg.webhooks.services import WebhookEvent, webhook_enqueue_many


def _client(client: Client) -> dict[str, str]:
    return {"id": str(client.public_id), "name": client.name}


def requests_sent(pairs: Iterable[tuple[DecisionRequest, list[Any]]]) -> None:
    """request.sent for each new request and the recommendations or programs it carries."""
    webhook_enqueue_many(
        WebhookEvent(
            "request.sent",
            {
                "request": str(request.public_id),
                "client": _client(request.client),
                "purpose": request.purpose,
                "signatory": str(request.signatory.public_id),
                "items": [str(subject.public_id) for subject in subjects],
                "sent_at": request.sent_at.isoformat(),
                "expires_at": request.expires_at.isoformat(),
            },
            request.client.scope,
        )
        for request, subjects in pairs
    )


def request_signed(request: DecisionRequest, decisions: list[Decision], items: dict[int, Any]) -> None:
    outcomes = []
    for decision in decisions:
        item = items[decision.item_id]
        subject = item.recommendation if item.recommendation_id else item.software
        outcomes.append(
            {
                "item": str(subject.public_id),
                "kind": "recommendation" if item.recommendation_id else "software",
                "outcome": decision.outcome,
                "valid_until": decision.valid_until.isoformat() if decision.valid_until else None,
            }
        )
    webhook_enqueue_many(
        [
            WebhookEvent(
                "request.signed",
                {
                    "request": str(request.public_id),
                    "client": _client(request.client),
                    "purpose": request.purpose,
                    "signed_at": request.completed_at.isoformat(),
                    "decisions": outcomes,
                },
                request.client.scope,
            )
        ]
    )


def _refusal(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "recommendation": str(recommendation.public_id),
        "client": _client(recommendation.client),
        "title": recommendation.title,
        "risk_level": recommendation.level,
        "valid_until": recommendation.valid_until.isoformat() if recommendation.valid_until else None,
    }


def refusals(event_type: str, recommendations: Iterable[Recommendation]) -> None:
    """refusal.due or refusal.lapsed, one event per refusal."""
    webhook_enqueue_many(
        WebhookEvent(event_type, _refusal(recommendation), recommendation.client.scope)
        for recommendation in recommendations
    )


def document_sealed(document: WaiverDocument, request: DecisionRequest) -> None:
    webhook_enqueue_many(
        [
            WebhookEvent(
                "document.sealed",
                {
                    "document": str(document.public_id),
                    "document_id": document.document_id,
                    "request": str(request.public_id),
                    "client": _client(request.client),
                    "kind": document.kind,
                    "sha256": document.sha256,
                    "sealed": document.sealed,
                },
                request.client.scope,
            )
        ]
    )


def bands_changed(changes: Iterable[tuple[Client, str]]) -> None:
    """client.rescored for each (client with its new figures, the band it had before)."""
    webhook_enqueue_many(
        WebhookEvent(
            "client.rescored",
            {
                "client": _client(client),
                "previous_band": previous,
                "band": client.risk_band,
                "score": client.risk_score,
                "liability_coverage": float(client.liability_coverage),
            },
            client.scope,
        )
        for client, previous in changes
    )
