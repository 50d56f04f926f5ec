"""Staff pages for API tokens: a staff member's own (on the account page) and, for practice
admins, everyone's. A new token's key is shown on the response page once and never again."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from riskreg.accounts.permissions import admin_required
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.api_tokens import selectors, services
from riskreg.api_tokens.forms import AdminTokenCreateForm, TokenCreateForm


def _created(request: HttpRequest, token, secret: str, back: str) -> HttpResponse:
    response = render(request, "api_tokens/created.html", {"token": token, "secret": secret, "back": back})
    # The key is in this page only: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@login_required
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return render(request, "api_tokens/token_form.html", {"form": form, "title": _("New API token")}, status=400)
    token, secret = services.api_token_create(
        actor=request.user,
        user=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        expires_at=form.expires_at(),
    )
    return _created(request, token, secret, reverse("accounts:account"))


@require_POST
@login_required
def token_revoke(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    token = selectors.token_for_manager(user=request.user, public_id=public_id)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("API token “{name}” revoked: it no longer works.").format(name=token.name))
    if token.user_id != request.user.pk:
        return redirect("api_tokens:all")
    return redirect("accounts:account")


@never_cache
@admin_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = AdminTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(
                actor=request.user,
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return _created(request, token, secret, reverse("api_tokens:all"))
    status = 400 if form.errors else 200
    return render(
        request, "api_tokens/token_list.html", {"form": form, "tokens": selectors.all_tokens()}, status=status
    )
