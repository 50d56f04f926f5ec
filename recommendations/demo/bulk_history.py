"""The audit history a generated client's rows would have written, event by event in the order the
services write them (see bulk.py)."""

from collections.abc import Callable
from typing import Any

from recommendations.demo.bulk_data import EDITED_FIELDS
from recommendations.demo.bulk_plan import ClientPlan, PlannedRequest
from recommendations.models import DecisionRequest, Recommendation
from recommendations.signing import (
    DISCLOSURE_VERSION,
    INTENT_VERSION,
)
from riskreg.audit.events import EventType


class AuditHistory:
    """The audit events of a planned client (mixed into the builder, whose profile and signature it reads)."""

    # --- audit history -------------------------------------------------------------------------

    def events(self, plan: ClientPlan) -> list[dict[str, Any]]:
        """The events the services would have appended for this client, in the order they happened."""
        client, vcio = plan.client, plan.client.vcio
        scope = client.scope
        signer = f"signer:{plan.signatory.public_id}"
        events: list[dict[str, Any]] = []

        def add(event_type: str, object_type: str, object_id: Any, summary: str, payload: dict, **who: Any) -> None:
            events.append(
                {
                    "actor": who.get("actor", vcio if "actor_label" not in who else None),
                    "actor_label": who.get("actor_label"),
                    "event_type": event_type,
                    "object_type": object_type,
                    "object_id": str(object_id),
                    "scope": scope,
                    "summary": summary,
                    "payload": payload,
                }
            )

        add(
            EventType.CLIENT_CREATED,
            "client",
            client.public_id,
            f"Client {client.name} created",
            {"industry": client.industry, "service_tier": client.service_tier},
        )
        for contact in (plan.signatory, plan.office):
            add(
                EventType.CONTACT_CREATED,
                "contact",
                contact.public_id,
                "Contact added" + (" (signatory)" if contact.can_sign else ""),
                {"can_sign": contact.can_sign},
            )
        agreement = plan.agreement
        add(
            EventType.AGREEMENT_CREATED,
            "agreement",
            agreement.public_id,
            f"Service agreement {agreement.reference} recorded",
            {"reference": agreement.reference, "effective_date": agreement.effective_date.isoformat(), "version": 1},
        )

        def transition(r: Recommendation, source: str, target: str, label: str, payload=None, **who: Any) -> None:
            add(
                f"recommendation.{target}",
                "recommendation",
                r.public_id,
                f"“{r.title}” {label}",
                {"from": source, "to": target, **(payload or {})},
                **who,
            )

        for position, r in enumerate(plan.recommendations):
            add(
                EventType.RECOMMENDATION_CREATED,
                "recommendation",
                r.public_id,
                f"Recommendation raised: {r.title}",
                {"control": r.control.code, "likelihood": r.likelihood, "impact": r.impact},
            )
            for _ in range(plan.edits[position]):
                fields = plan.rng.choice(EDITED_FIELDS)
                add(
                    EventType.RECOMMENDATION_UPDATED,
                    "recommendation",
                    r.public_id,
                    f"Recommendation edited: {r.title} ({', '.join(fields)})",
                    {"fields": fields, "content_version": 1},
                )
            if r.status != "draft":
                transition(r, "draft", "presented", "presented to the client")
            if r.status == "deferred":
                transition(r, "presented", "deferred", "deferred")
            elif r.status == "withdrawn":
                transition(r, "presented", "withdrawn", "withdrawn")
        for request in [*plan.requests, *([plan.open_request] if plan.open_request else [])]:
            self.request_events(plan, request, add, transition, signer)
        for r in plan.recommendations:
            if r.status == "implemented":
                transition(r, "accepted", "implemented", "marked implemented")
            elif r.status == "lapsed":
                transition(
                    r,
                    "refused",
                    "lapsed",
                    "lapsed",
                    {"valid_until": r.valid_until.isoformat(), "grace_days": self.profile.lapse_grace_days},
                    actor_label="system:reack-sweep",
                )
        return events

    def request_events(
        self, plan: ClientPlan, request: PlannedRequest, add: Callable, transition: Callable, signer: str
    ) -> None:
        row = request.row
        rid = row.public_id
        add(
            EventType.REQUEST_SENT,
            "decision_request",
            rid,
            f"Decision request sent for {len(request.items)} item(s)",
            {
                "items": [str(r.public_id) for r in request.items],
                "signatory": str(plan.signatory.public_id),
                "content_hash": row.content_hash,
                "expires_at": row.expires_at.isoformat(),
                "replaces": None,
            },
        )
        if row.viewed_at:
            add(
                EventType.REQUEST_VIEWED,
                "decision_request",
                rid,
                "Signing link opened by the signatory",
                {},
                actor_label=signer,
            )
        if row.status != DecisionRequest.Status.COMPLETED:
            return
        add(
            EventType.REQUEST_CODE_SENT,
            "decision_request",
            rid,
            "One-time code sent to the signatory (code 1)",
            {},
            actor_label=signer,
        )
        add(
            EventType.REQUEST_CODE_VERIFIED,
            "decision_request",
            rid,
            "Signatory confirmed the one-time code",
            {},
            actor_label=signer,
        )
        for r in request.items:
            refused = r.status in {"refused", "lapsed"}
            valid_until = r.valid_until.isoformat() if refused else None
            transition(
                r,
                "presented",
                "refused" if refused else "accepted",
                "refused" if refused else "accepted",
                {"request": str(rid), "valid_until": valid_until},
                actor_label=signer,
            )
        accepted = sum(r.status in {"accepted", "implemented"} for r in request.items)
        add(
            EventType.REQUEST_SIGNED,
            "decision_request",
            rid,
            f"Signed by the signatory: {accepted} accepted, {len(request.items) - accepted} refused",
            {
                "content_hash": row.content_hash,
                "signature_sha256": self.png_sha,
                "consent_version": DISCLOSURE_VERSION,
                "intent_version": INTENT_VERSION,
                "code_verified_at": row.code_verified_at.isoformat(),
            },
            actor_label=signer,
        )
