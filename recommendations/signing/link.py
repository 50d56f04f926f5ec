"""The signer's link before signing: resolving its token, the first view, and the emailed one-time code.

Neither the link's token nor the code is ever stored: the emails that carry them hold
placeholders, and the worker mints them when it sends the email (`signing_link_mint`,
`signing_code_mint`, registered in settings.RISKREG_SECRET_MINTERS), keeping only their hashes.
"""

import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.locking import lock_client
from recommendations.models import DecisionRequest
from recommendations.signing.content import (
    SIGNING_CODE,
    SIGNING_LINK,
    RequestStatus,
    SigningError,
    code_hash,
    language_code,
    signing_url,
    token_hash,
)
from recommendations.signing.revoke import request_close
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType
from riskreg.evidence import StepOrigin
from riskreg.links import absolute_reverse
from riskreg.mail.secrets import NotSendable, minter
from riskreg.mail.services import email_enqueue, email_message_id

CODE_VALID_FOR = timedelta(minutes=10)
CODE_RESEND_COOLDOWN = timedelta(seconds=30)
MAX_CODE_SENDS = 5
MAX_CODE_ATTEMPTS = 5


def request_by_token(token: str) -> DecisionRequest | None:
    """The request behind a link, whatever its state, or None."""
    if not token or len(token) > 100:
        return None
    try:
        # get(), not first(): the token hash is unique, and first() would add an ORDER BY.
        return DecisionRequest.objects.select_related("client", "signatory").get(token_hash=token_hash(token))
    except DecisionRequest.DoesNotExist:
        return None


def request_for_token(token: str) -> DecisionRequest | None:
    """The open, unexpired request behind a link, or None (and no hint why)."""
    request = request_by_token(token)
    if request is None or not request.is_open or request.expires_at <= timezone.now():
        return None
    return request


@transaction.atomic
def decision_request_mark_viewed(*, request: DecisionRequest, origin: StepOrigin | None = None) -> None:
    """Log the first view; later views change nothing."""
    lock_client(request.client_id)
    changed = DecisionRequest.objects.filter(pk=request.pk, viewed_at__isnull=True).update(
        viewed_at=timezone.now(), status=RequestStatus.VIEWED
    )
    if changed:
        _signer_event(request, EventType.REQUEST_VIEWED, "Signing link opened by the signatory", origin)


def signing_link_mint(*, email: Any, request: str) -> dict[str, str]:
    """The request email's link, made as the email is sent: a new token whose hash replaces the
    last one, so a link from an earlier, failed attempt stops working. NotSendable once the
    request is closed (nobody needs a link to a revoked or voided request)."""
    token = secrets.token_urlsafe(32)
    opened = DecisionRequest.objects.filter(
        public_id=request, status__in=DecisionRequest.OPEN_STATUSES, expires_at__gt=timezone.now()
    ).update(token_hash=token_hash(token))
    if not opened:
        raise NotSendable("the signing request is no longer open")
    return {SIGNING_LINK: signing_url(token)}


def signing_code_mint(*, email: Any, request: str, send: int) -> dict[str, str]:
    """The one-time code, made as its email is sent and valid for ten minutes from then; the
    request records where it went and in which message. NotSendable when a newer code was asked
    for since (only the latest code works) or the request closed."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    minted = DecisionRequest.objects.filter(
        public_id=request, status__in=DecisionRequest.OPEN_STATUSES, code_sends=send
    ).update(
        code_hash=code_hash(request, code),
        code_expires_at=now + CODE_VALID_FOR,
        code_sent_to=email.to[0],
        code_message_id=email_message_id(email),
    )
    if not minted:
        raise NotSendable("a newer code was asked for, or the signing request closed")
    return {SIGNING_CODE: code}


@transaction.atomic
def signing_code_send(
    *, request: DecisionRequest, origin: StepOrigin | None = None, language: str | None = None
) -> None:
    """Ask for a code: the email is queued with a placeholder, and the code is made when it is
    sent. The previous code stops working now. The email is in `language`, the one the signer
    reads the page in (default: the request's)."""
    request = _locked(request)
    now = timezone.now()
    if not request.is_open:
        raise SigningError(_("This request can no longer be signed."))
    if request.code_sends >= MAX_CODE_SENDS:
        raise SigningError(_("Too many codes have been sent for this request. Please contact your provider."))
    if request.code_sent_at and now - request.code_sent_at < CODE_RESEND_COOLDOWN:
        raise SigningError(_("A code was sent moments ago. Please check your email, or try again in 30 seconds."))
    request.code_hash = ""
    request.code_sent_at = now
    request.code_expires_at = None
    request.code_sends += 1
    request.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_sends"])
    _signer_event(
        request,
        EventType.REQUEST_CODE_SENT,
        f"One-time code requested by the signatory (code {request.code_sends})",
        origin,
        {"code": request.code_sends},
    )
    language = language_code(language or request.language)
    with translation.override(language):
        # Never the code itself: subjects show in notifications and on lock screens.
        subject = _("Your one-time signing code for %(client)s") % {"client": request.client.name}
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:code:{request.code_sends}",
        kind="signing_code",
        to=[request.signatory.email],
        subject=subject,
        language=language,
        template="signing_code",
        context={"signatory_name": request.signatory.name, "code": SIGNING_CODE, "client_name": request.client.name},
        scope=request.client.scope,
        minters=[minter("signing_code", request=str(request.public_id), send=request.code_sends)],
        urgent=True,
    )


def signing_code_verify(*, request: DecisionRequest, code: str, origin: StepOrigin | None = None) -> None:
    """Raise SigningError for a wrong, expired or exhausted code. A wrong attempt is counted
    (and may lock the request) even though the caller sees an error."""
    with transaction.atomic():
        request = _locked(request)
        if request.status == RequestStatus.LOCKED:
            raise SigningError(_("This request is locked after too many wrong codes. Your provider has been told."))
        if request.code_sent_at is not None and request.code_expires_at is None:
            raise SigningError(_("Your new code is on its way: enter the code from the latest email."))
        if not request.code_hash or request.code_expires_at is None or request.code_expires_at <= timezone.now():
            raise SigningError(_("This code has expired. Request a new code."))
        if hmac.compare_digest(request.code_hash, code_hash(request.public_id, code.strip())):
            request.code_verified_at = timezone.now()
            request.code_hash = ""
            request.save(update_fields=["code_verified_at", "code_hash"])
            _signer_event(
                request,
                EventType.REQUEST_CODE_VERIFIED,
                "Signatory confirmed the one-time code",
                origin,
                {"message_id": request.code_message_id},
            )
            return
        request.code_attempts += 1
        request.save(update_fields=["code_attempts"])
        _signer_event(
            request,
            EventType.REQUEST_CODE_FAILED,
            f"Wrong one-time code entered (attempt {request.code_attempts} of {MAX_CODE_ATTEMPTS})",
            origin,
            {"attempt": request.code_attempts},
        )
        locked = request.code_attempts >= MAX_CODE_ATTEMPTS
        if locked:
            _lock(request)
    # Raised after the block commits: the failed attempt (and a lock) must be kept.
    if locked:
        raise SigningError(_("Too many wrong codes. This request is now locked and your provider has been told."))
    left = MAX_CODE_ATTEMPTS - request.code_attempts
    raise SigningError(
        ngettext(
            "That code is not right. %(count)d attempt left.", "That code is not right. %(count)d attempts left.", left
        )
        % {"count": left}
    )


def _locked(request: DecisionRequest) -> DecisionRequest:
    """The request re-read under its lock, its client's row locked first (clients.locking)."""
    lock_client(request.client_id)
    locked = DecisionRequest.objects.select_for_update(of=("self",)).select_related("client", "signatory")
    return locked.get(pk=request.pk)


def _lock(request: DecisionRequest) -> None:
    request_close(
        request, status=RequestStatus.LOCKED, reason="too many wrong one-time codes", actor=None, actor_label="system"
    )
    vcio = request.client.vcio
    if vcio and vcio.email:
        email_enqueue(
            idempotency_key=f"request:{request.public_id}:locked",
            kind="request_locked",
            to=[vcio.email],
            subject=format_lazy(gettext_lazy("Signing request locked for {client}"), client=request.client.name),
            template="notices/request_locked",
            context={
                "client_name": request.client.name,
                "max_code_attempts": MAX_CODE_ATTEMPTS,
                "link_url": absolute_reverse("signing:request_detail", request.public_id),
            },
            scope=request.client.scope,
        )


def _signer_event(
    request: DecisionRequest,
    event_type: str,
    summary: str,
    origin: StepOrigin | None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Audit a step the signatory took on their request (no staff user acted), with where it came from."""
    audit_append(
        actor=None,
        actor_label=f"signer:{request.signatory.public_id}",
        event_type=event_type,
        object_type="decision_request",
        object_id=str(request.public_id),
        scope=request.client.scope,
        summary=summary,
        payload={**(payload or {}), **(origin.payload() if origin else {})},
    )


@transaction.atomic
def signed_copy_download_record(*, request: DecisionRequest, document_id: str, origin: StepOrigin) -> None:
    """The signer downloaded their signed copy from the done page."""
    _signer_event(
        request,
        EventType.REQUEST_DOCUMENT_DOWNLOADED,
        "Signatory downloaded the signed copy",
        origin,
        {"document": document_id},
    )
