from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from riskreg.accounts.two_factor import OPEN_VIEWS, is_public_path, url_with_next, verification_required


class TwoFactorMiddleware:
    """Sends a logged-in but unverified staff user to the code step (or to enrolment) from every
    page except the public ones and the login/2FA/logout views: new pages are covered without
    doing anything. Anonymous users pass through to each view's own login_required."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if is_public_path(request.path_info) or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if not verification_required(request):
            return None
        # Coming back to a POST-only URL with GET would only answer 405.
        next_url = request.get_full_path() if request.method == "GET" else reverse(settings.LOGIN_REDIRECT_URL)
        target = url_with_next("accounts:two_factor_verify", next_url)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
