"""How the REST API knows who calls: `Authorization: Bearer <key>`, and what the key's scope allows."""

from typing import Any

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from riskreg.api_tokens.models import ApiToken
from riskreg.api_tokens.selectors import token_for_secret
from riskreg.api_tokens.services import api_token_touch

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    """An API token in the Authorization header. Its user's role rules apply to every request."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        token = token_for_secret(parts[1].decode("ascii", errors="replace"))
        if token is None:
            raise AuthenticationFailed("This API token is not valid: unknown, revoked or expired.")
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="RiskReg API"'


class TokenScopePermission(BasePermission):
    """A token authenticates every call; reading needs any token, changing needs a write token."""

    message = "This API token is read-only; changes need a token with the read-and-write scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in SAFE_METHODS or token.may_write
