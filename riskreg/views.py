from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from riskreg import health
from riskreg.accounts.requests import AuthenticatedRequest


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = health.database_ok()
    broker = health.broker_ok()
    cache = health.cache_ok()
    body = {
        "status": "ok" if database and broker and cache else ("degraded" if database else "down"),
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
        "cache": "ok" if cache else "unavailable",
    }
    # Without the broker or the cache the app still records decisions (the outbox holds the
    # emails, rate limits count per process), so only a dead database takes the instance out
    # of rotation.
    return JsonResponse(body, status=200 if database else 503)


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Managers and admins start on the portfolio dashboard, vCIOs on their client list.
    Logging in from here comes back here, so each lands on their own start page."""
    if request.user.sees_all_clients:
        return redirect("register:dashboard")
    return redirect("clients:list")
