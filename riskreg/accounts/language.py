"""The language each page is shown in.

Staff who chose a language on their account page see the staff pages in it. Everyone else — a
staff user who has not chosen one, the login page, and the public pages a client contact opens
(signing, withdrawal, /verify/) — gets the language Django's LocaleMiddleware reads from the
language cookie, else from the browser's Accept-Language, else English. A visitor of a public page
picks a language with `?lang=`; it is kept in that cookie (a preference, not a secret: no session
is read for it, so the public pages' query counts do not grow). The signing pages go further
(recommendations.signing.views_signer): each request opens in the language it was sent in, and a
switch there holds for that request.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from riskreg.accounts.two_factor import is_public_path

ONE_YEAR = 365 * 24 * 3600


def chosen_language(code: str | None) -> str | None:
    """`code` if it is one of the site's languages (settings.LANGUAGES), otherwise None."""
    return code if code in dict(settings.LANGUAGES) else None


def remember_language(response: HttpResponse, language: str, *, name: str = settings.LANGUAGE_COOKIE_NAME) -> None:
    response.set_cookie(
        name,
        language,
        max_age=ONE_YEAR,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class LanguageMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: activates a staff user's language, or
    a public visitor's `?lang=` choice (and remembers it in the language cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        picked = chosen_language(request.GET.get("lang")) if is_public_path(request.path_info) else None
        language = picked or self._staff_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if picked:
            remember_language(response, picked)
        return response

    @staticmethod
    def _staff_language(request: HttpRequest) -> str | None:
        # Public pages never read the user: a signer's page loads no session it does not need.
        if is_public_path(request.path_info):
            return None
        user = request.user
        return (user.language or None) if user.is_authenticated else None
