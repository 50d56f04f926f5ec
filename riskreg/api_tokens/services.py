"""Writes for API tokens: create (the key is returned once and never stored), revoke, and the
last-used stamp. Creating and revoking write an audit event."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from riskreg.accounts.models import User
from riskreg.api_tokens.models import ApiToken
from riskreg.api_tokens.selectors import token_hash
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType

TOKEN_PREFIX = "rr_"
# A token's last use is written at most this often: the API must not write a row on every read.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def may_manage_tokens_of(actor: User | None, user: Any) -> bool:
    """Staff manage their own tokens; a practice admin anyone's."""
    return actor.pk == user.pk or actor.is_practice_admin


@transaction.atomic
def api_token_create(
    *,
    actor: User | None,
    user: Any,
    name: str,
    scope: str,
    expires_at: datetime | None = None,
    actor_label: str | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its key, which exists only in this return value.
    `actor` None is a command run on the server (`actor_label` says which)."""
    if actor is not None and not may_manage_tokens_of(actor, user):
        raise PermissionDenied("Only a practice admin creates API tokens for someone else.")
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated; its tokens would not work.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choose an expiry in the future.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=secret[:10],
        token_hash=token_hash(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    token.full_clean(exclude=["user", "created_by"])
    token.save()
    audit_append(
        actor=actor,
        actor_label=actor_label,
        event_type=EventType.API_TOKEN_CREATED,
        object_type="api_token",
        object_id=str(token.public_id),
        summary=f"API token “{token.name}” created for staff user #{user.pk} ({token.get_scope_display().lower()})",
        payload={
            "user": user.pk,
            "scope": token.scope,
            "prefix": token.prefix,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Stop a token working at once. Revoking a revoked token is refused and changes nothing."""
    if not may_manage_tokens_of(actor, token.user):
        raise PermissionDenied("Only a practice admin revokes someone else's API tokens.")
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor):
        raise ValidationError(_("This token was already revoked."))
    token.refresh_from_db()
    audit_append(
        actor=actor,
        event_type=EventType.API_TOKEN_REVOKED,
        object_type="api_token",
        object_id=str(token.public_id),
        summary=f"API token “{token.name}” of staff user #{token.user_id} revoked",
        payload={"user": token.user_id, "prefix": token.prefix},
    )
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used now, unless that was recorded less than a minute ago."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
