"""Reads for API tokens."""

import hashlib
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from riskreg.api_tokens.models import ApiToken

# Longer than any token this app issues, so a look-up never hashes a megabyte someone sent.
MAX_TOKEN_LENGTH = 100


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token behind a key, with its user; None for anything unknown, revoked, expired
    or belonging to a deactivated user (no hint which)."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
            token_hash=token_hash(secret),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def all_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "created_by").order_by("revoked_at", "user__username", "-created_at")


def token_for_manager(*, user: Any, public_id: UUID) -> ApiToken:
    """A token the user may revoke: their own, or anyone's for a practice admin; otherwise 404."""
    tokens = ApiToken.objects.select_related("user")
    if not user.is_practice_admin:
        tokens = tokens.filter(user=user)
    return get_object_or_404(tokens, public_id=public_id)
