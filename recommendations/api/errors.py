"""Errors as JSON: a service's ValidationError is a 400 with its messages, never a 500."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def validation_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        fields = dict(error.message_dict)
        general = fields.pop("__all__", [])
        return {**fields, **({"detail": " ".join(general)} if general else {})}
    return {"detail": " ".join(error.messages)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)
