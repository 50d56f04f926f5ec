"""Login, the second factor, and the staff member's own account page."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.accounts import services
from riskreg.accounts.forms import EnrolForm, LanguageForm, StaffLoginForm, VerifyCodeForm
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.accounts.two_factor import (
    PENDING_SESSION_KEY,
    grouped_key,
    is_verified,
    qr_data_uri,
    safe_next,
    url_with_next,
    verification_required,
)
from riskreg.api_tokens.forms import TokenCreateForm
from riskreg.api_tokens.selectors import tokens_of


class StaffLoginView(LoginView):
    form_class = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "require_2fa": settings.RISKREG_REQUIRE_2FA}

    def form_valid(self, form: StaffLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if verification_required(self.request):
            return redirect(url_with_next("accounts:two_factor_verify", self.get_success_url()))
        return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer: the login page again, saying why and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {
            "form": StaffLoginForm(request),
            "locked_out": True,
            "cooloff_minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "require_2fa": settings.RISKREG_REQUIRE_2FA,
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


def _verified(request: HttpRequest, device) -> None:
    django_otp.login(request, device)
    # A new session id for the verified session: an id seen before the code step is worthless after.
    request.session.cycle_key()
    request.session.pop(PENDING_SESSION_KEY, None)


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if is_verified(request.user):
        return redirect(next_url)
    if not user_has_device(request.user):
        request.session.pop(PENDING_SESSION_KEY, None)
        if settings.RISKREG_REQUIRE_2FA:
            return redirect(url_with_next("accounts:two_factor_setup", next_url))
        return redirect(next_url)
    form = VerifyCodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        _verified(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            messages.warning(
                request,
                ngettext(
                    "You used a backup code; {left} left. Create new ones on your account page if you run low.",
                    "You used a backup code; {left} left. Create new ones on your account page if you run low.",
                    left,
                ).format(left=left),
            )
        return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    # Someone holding only the password must not be able to enrol their own phone instead.
    if not is_verified(request.user) and user_has_device(request.user):
        return redirect(url_with_next("accounts:two_factor_verify", next_url))
    device = services.totp_device_pending(user=request.user)
    form = EnrolForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_enable(user=request.user, device=device)
        _verified(request, device)
        return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url, "enrolled": True})
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": qr_data_uri(device.config_url),
            "manual_key": grouped_key(device.bin_key),
            "replacing": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "require_2fa": settings.RISKREG_REQUIRE_2FA,
            "verified": is_verified(request.user),
        },
    )


@never_cache
@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "backup_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "require_2fa": settings.RISKREG_REQUIRE_2FA,
            "api_tokens": tokens_of(request.user),
            "token_form": TokenCreateForm(),
            "language_form": LanguageForm(instance=request.user),
        },
    )


@require_POST
@login_required
def language_set(request: AuthenticatedRequest) -> HttpResponse:
    form = LanguageForm(request.POST, instance=request.user)
    if form.is_valid():
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
        # The confirmation is in the language just chosen.
        with translation.override(form.cleaned_data["language"] or translation.get_language()):
            messages.success(request, _("Language saved."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("accounts:account")


@never_cache
@require_POST
@login_required
def backup_codes_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    if not is_verified(request.user):
        messages.error(request, _("Set up two-factor authentication first; backup codes come with it."))
        return redirect("accounts:account")
    codes = services.backup_codes_regenerate(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": "", "enrolled": False})


@require_POST
@login_required
def logout_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    ended = services.sessions_end_all(user=request.user)
    logout(request)
    message = ngettext(
        "Logged out of {ended} session, including this one.",
        "Logged out of {ended} sessions, including this one.",
        ended,
    )
    messages.success(request, message.format(ended=ended))
    return redirect("login")
