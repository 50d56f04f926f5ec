"""The signer's link before signing: resolving its token, the first view, and the emailed one-time code."""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients.locking import lock_client
from recommendations.models import DecisionRequest
from recommendations.signing.content import RequestStatus, SigningError, code_hash, token_hash
from recommendations.signing.send import _close
from riskreg.audit.chain import audit_append
from riskreg.mail.services import email_enqueue

CODE_VALID_FOR = timedelta(minutes=10)
CODE_RESEND_COOLDOWN = timedelta(seconds=30)
MAX_CODE_SENDS = 5
MAX_CODE_ATTEMPTS = 5


def request_for_token(token: str) -> DecisionRequest | None:
    """The open, unexpired request behind a link, or None (and no hint why)."""
    if not token or len(token) > 100:
        return None
    try:
        # get(), not first(): the token hash is unique, and first() would add an ORDER BY.
        request = DecisionRequest.objects.select_related("client", "signatory").get(token_hash=token_hash(token))
    except DecisionRequest.DoesNotExist:
        return None
    if not request.is_open or request.expires_at <= timezone.now():
        return None
    return request


@transaction.atomic
def decision_request_mark_viewed(*, request: DecisionRequest) -> None:
    """Log the first view; later views change nothing."""
    lock_client(request.client_id)
    changed = DecisionRequest.objects.filter(pk=request.pk, viewed_at__isnull=True).update(
        viewed_at=timezone.now(), status=RequestStatus.VIEWED
    )
    if changed:
        _signer_event(request, "request.viewed", "Signing link opened by the signatory")


@transaction.atomic
def signing_code_send(*, request: DecisionRequest) -> None:
    request = _locked(request)
    now = timezone.now()
    if request.code_sends >= MAX_CODE_SENDS:
        raise SigningError("Too many codes have been sent for this request. Please contact your provider.")
    if request.code_sent_at and now - request.code_sent_at < CODE_RESEND_COOLDOWN:
        raise SigningError("A code was sent moments ago. Please check your email, or try again in 30 seconds.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    request.code_hash = code_hash(request, code)
    request.code_sent_at = now
    request.code_expires_at = now + CODE_VALID_FOR
    request.code_sends += 1
    request.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_sends"])
    _signer_event(request, "request.code_sent", f"One-time code sent to the signatory (code {request.code_sends})")
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:code:{request.code_sends}",
        kind="signing_code",
        to=[request.signatory.email],
        subject=f"Your RiskReg signing code: {code}",
        template="signing_code",
        context={"signatory_name": request.signatory.name, "code": code, "client_name": request.client.name},
        scope=request.client.scope,
    )


def signing_code_verify(*, request: DecisionRequest, code: str) -> None:
    """Raise SigningError for a wrong, expired or exhausted code. A wrong attempt is counted
    (and may lock the request) even though the caller sees an error."""
    with transaction.atomic():
        request = _locked(request)
        if request.status == RequestStatus.LOCKED:
            raise SigningError("This request is locked after too many wrong codes. Your provider has been told.")
        if not request.code_hash or request.code_expires_at is None or request.code_expires_at <= timezone.now():
            raise SigningError("This code has expired. Request a new code.")
        if hmac.compare_digest(request.code_hash, code_hash(request, code.strip())):
            request.code_verified_at = timezone.now()
            request.code_hash = ""
            request.save(update_fields=["code_verified_at", "code_hash"])
            _signer_event(request, "request.code_verified", "Signatory confirmed the one-time code")
            return
        request.code_attempts += 1
        request.save(update_fields=["code_attempts"])
        locked = request.code_attempts >= MAX_CODE_ATTEMPTS
        if locked:
            _lock(request)
    # Raised after the block commits: the failed attempt (and a lock) must be kept.
    if locked:
        raise SigningError("Too many wrong codes. This request is now locked and your provider has been told.")
    raise SigningError(f"That code is not right. {MAX_CODE_ATTEMPTS - request.code_attempts} attempt(s) left.")


def _locked(request: DecisionRequest) -> DecisionRequest:
    """The request re-read under its lock, its client's row locked first (clients.locking)."""
    lock_client(request.client_id)
    locked = DecisionRequest.objects.select_for_update(of=("self",)).select_related("client", "signatory")
    return locked.get(pk=request.pk)


def _lock(request: DecisionRequest) -> None:
    _close(
        request, status=RequestStatus.LOCKED, reason="too many wrong one-time codes", actor=None, actor_label="system"
    )
    vcio = request.client.vcio
    if vcio and vcio.email:
        email_enqueue(
            idempotency_key=f"request:{request.public_id}:locked",
            kind="request_locked",
            to=[vcio.email],
            subject=f"Signing request locked for {request.client.name}",
            template="staff_notice",
            context={
                "heading": "A signing request was locked",
                "paragraphs": [
                    f"The signing request for {request.client.name} received {MAX_CODE_ATTEMPTS} wrong one-time "
                    "codes and has been locked. If the signatory needs to sign, send a new link.",
                ],
                "link_url": settings.RISKREG_BASE_URL.rstrip("/")
                + reverse("signing:request_detail", args=[request.public_id]),
                "link_label": "Open the request",
            },
            scope=request.client.scope,
        )


def _signer_event(request: DecisionRequest, event_type: str, summary: str) -> None:
    """Audit a step the signatory took on their request (no staff user acted)."""
    audit_append(
        actor=None,
        actor_label=f"signer:{request.signatory.public_id}",
        event_type=event_type,
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=request.client.scope,
        summary=summary,
    )
