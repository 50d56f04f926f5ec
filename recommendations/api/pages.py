"""Staff pages of the integrations: the hub that links them, and the browsable API documentation
(Swagger UI from the drf-spectacular-sidecar package, served locally; no CDN, no inline script)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from riskreg.api_tokens.authentication import BearerTokenAuthentication
from riskreg.webhooks.events import EVENT_TYPES


@login_required
def integrations(request: HttpRequest) -> HttpResponse:
    return render(request, "api/integrations.html", {"event_types": EVENT_TYPES.values()})


# Token clients send no CSRF cookie: a POST to an unknown path must get this 404, not the CSRF 403.
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "No such API route."}, status=404)


@login_required
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")


class SignedIn(BasePermission):
    """Any API token (read scope is enough) or a logged-in staff session (the docs page)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 document."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [SignedIn]
