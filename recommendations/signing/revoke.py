"""Closing an open request unsigned: revoking it, or re-sending a new link in its place."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.locking import lock_client
from recommendations.models import DecisionRequest
from recommendations.signing.content import (
    RequestStatus,
    SigningError,
)
from recommendations.signing.purposes import describe
from recommendations.signing.send import consent_request_send, decision_request_send
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.evidence import StepOrigin


def request_close(
    request: DecisionRequest,
    *,
    status: str,
    reason: str,
    actor: User | None,
    actor_label: str | None = None,
) -> None:
    changed = DecisionRequest.objects.filter(pk=request.pk, status__in=DecisionRequest.OPEN_STATUSES).update(
        status=status, closed_at=timezone.now(), close_reason=reason
    )
    if not changed:
        raise SigningError(_("This request is no longer open."))
    request.refresh_from_db()
    # The summary is stored evidence: always in English, whatever language is active.
    with translation.override(None):
        audit_append(
            actor=actor,
            actor_label=actor_label,
            event_type=f"request.{status}",
            object_type="decision_request",
            object_id=str(request.public_id),
            scope=request.client.scope,
            summary=f"Request {request.get_status_display().lower()}: {reason}",
            payload={"reason": reason},
        )


@transaction.atomic
def decision_request_revoke(*, actor: User | None, request: DecisionRequest, reason: str = "revoked by staff") -> None:
    lock_client(request.client_id)
    request_close(request, status=RequestStatus.REVOKED, reason=reason, actor=actor)


@transaction.atomic
def decision_request_resend(
    *, actor: User | None, request: DecisionRequest, origin: StepOrigin | None = None
) -> DecisionRequest:
    """Issue a new link for the same items and kill the old one (also after voiding or expiry)."""
    lock_client(request.client_id)
    if request.is_open:
        request_close(request, status=RequestStatus.REVOKED, reason="replaced by a new link", actor=actor)
    elif request.status == RequestStatus.COMPLETED:
        raise SigningError(_("This request has been signed; there is nothing to re-send."))
    if describe(request.purpose).subject_field == "software":
        return consent_request_send(
            actor=actor,
            client=request.client,
            signatory=request.signatory,
            software=[item.software for item in request.items.select_related("software")],
            message=request.message,
            replaces=request,
            origin=origin,
        )
    recommendations = [item.recommendation for item in request.items.select_related("recommendation")]
    return decision_request_send(
        actor=actor,
        client=request.client,
        signatory=request.signatory,
        recommendations=recommendations,
        message=request.message,
        purpose=request.purpose,
        replaces=request,
        origin=origin,
    )
