"""Branded error pages (400, 403, 404, 429, 500) in the product's layout: the signer's layout on
the pages a client executive reaches without an account, the staff layout everywhere else.

Django calls these for every error it answers itself (an oversized request body, a bad CSRF
token, an unknown URL, an unhandled exception), so no visitor ever sees a raw error page.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Public pages a signer or a consent holder reaches from an email; they get the signer's layout.
SIGNER_PATHS = ("/sign/", "/withdraw/", "/verify/")

PAGES = {
    400: (
        _("The request could not be understood"),
        _(
            "Something your browser sent was too large or not valid. Go back, check what you entered "
            "(a drawn signature must be small), and try again."
        ),
    ),
    403: (
        _("You cannot open this page"),
        _(
            "You do not have permission for this page, or the form you sent had expired. Go back, reload "
            "the page and try again."
        ),
    ),
    404: (_("Page not found"), _("There is nothing at this address. Check the link you followed.")),
    429: (_("Too many requests"), _("Please wait a few minutes and try again.")),
    500: (
        _("Something went wrong on our side"),
        _("The error has been logged. Nothing you sent was recorded twice: wait a moment, then try again."),
    ),
}


def _practice():
    """The practice's letterhead for the signer's layout, or None when the database cannot say."""
    from django.apps import apps

    try:
        return apps.get_model("clients", "PracticeProfile").load()
    except Exception:  # noqa: BLE001 - an error page must render even with the database down
        logger.warning("Error page rendered without the practice profile", exc_info=True)
        return None


def error_page(request: HttpRequest, status: int, *, with_request: bool = True) -> HttpResponse:
    """The branded page for `status`. Without the request (a 500), nothing in the layout reads
    the session or the user, which may be what failed."""
    heading, message = PAGES[status]
    signer = request.path_info.startswith(SIGNER_PATHS)
    context = {
        "base_template": "signing/base_signer.html" if signer else "base.html",
        "status": status,
        "heading": heading,
        "message": message,
        "practice": _practice() if signer else None,
        "signer": signer,
    }
    template = loader.get_template("errors/page.html")
    body = template.render(context, request if with_request else None)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403)


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return error_page(request, 429)
