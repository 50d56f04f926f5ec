"""What every API view shares: the token user's clients, ETags, filters, and the 404 rule."""

import hashlib
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_vary_headers
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from clients.models import Client
from clients.selectors import clients_visible_to
from recommendations.api.pagination import ApiCursorPagination


def scoped(queryset: QuerySet, user: Any, path: str = "client") -> QuerySet:
    """`queryset` limited to rows of the clients `user` may see (a vCIO: their own)."""
    if user.sees_all_clients:
        return queryset
    return queryset.filter(**{f"{path}__vcio" if path else "vcio": user})


def visible_client(user: Any, public_id: UUID) -> Client | None:
    """The client with this id if the user may see it; None for an unknown or another's client alike."""
    return clients_visible_to(user).filter(public_id=public_id).first()


def client_or_400(user: Any, public_id: UUID | None, field: str = "client") -> Client:
    if public_id is None:
        raise serializers.ValidationError({field: ["This field is required."]})
    client = visible_client(user, public_id)
    if client is None:
        raise serializers.ValidationError({field: ["No client with this id."]})
    return client


class ApiView(GenericAPIView):
    """GET answers carry a strong ETag of their body; If-None-Match with it answers 304."""

    pagination_class = ApiCursorPagination

    def finalize_response(self, request: Request, response: HttpResponseBase, *args, **kwargs) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        if request.method not in {"GET", "HEAD"} or response.status_code != 200 or not isinstance(response, Response):
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        # Each client revalidates with the ETag; shared caches keep nothing (the answers are per user).
        response["Cache-Control"] = "private, no-cache"
        return get_conditional_response(request, etag=response["ETag"], response=response)

    def object_or_404(self, queryset: QuerySet, public_id: UUID, path: str = "client") -> Any:
        return get_object_or_404(scoped(queryset, self.request.user, path), public_id=public_id)

    def validated(self, serializer_class: type[serializers.Serializer], instance: Any = None) -> dict[str, Any]:
        """The request body checked for shape (a PATCH when `instance` is given); a 400 otherwise."""
        write = serializer_class(instance, data=self.request.data, partial=instance is not None)
        write.is_valid(raise_exception=True)
        return dict(write.validated_data)

    def filters(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The validated query parameters; a bad one is a 400 naming it."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return {name: value for name, value in params.validated_data.items() if value not in (None, "")}

    def paginated(self, queryset: QuerySet, serializer_class: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class ClientFilter(serializers.Serializer):
    client = serializers.UUIDField(required=False, help_text="Only this client's rows.")


def client_filter(queryset: QuerySet, user: Any, params: dict[str, Any], path: str = "client") -> QuerySet:
    """Rows of the user's clients, and of one client when `client` is given (unknown: none)."""
    queryset = scoped(queryset, user, path)
    if "client" in params:
        queryset = queryset.filter(**{f"{path}__public_id": params["client"]})
    return queryset


def not_found() -> Http404:
    return Http404("No such object, or not one of your clients.")
