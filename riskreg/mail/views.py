from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from riskreg.accounts.permissions import manager_required
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.mail import selectors
from riskreg.mail.forms import OutboxFilterForm
from riskreg.mail.models import OutboundEmail

# The email's own inline styles may apply and nothing else: no script, no request, no form,
# and a unique origin (sandbox) even when the URL is opened outside the detail page's iframe.
EMAIL_PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'; sandbox"
)


def outbox_context(request: HttpRequest, *, scope: str | None = None) -> dict[str, Any]:
    """The filtered, paginated list shared by the global outbox and a client's outbox. A given
    `scope` wins over the query string, so a client page can never list another client's mail."""
    filters = OutboxFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    if scope is None:
        scope = criteria.get("scope", "")
    emails = selectors.outbox_list(status=criteria.get("status", ""), search=criteria.get("q", ""), scope=scope)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(emails, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": query.urlencode(),
        "filtered": bool(criteria.get("status") or criteria.get("q") or criteria.get("scope")),
    }


@manager_required
def outbox(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "mail/outbox.html", outbox_context(request))


@manager_required
def email_detail(request: AuthenticatedRequest, email_id: int) -> HttpResponse:
    email = selectors.email_for_detail(email_id=email_id)
    context = {
        "email": email,
        "client_url": _client_url(email.scope),
        "html_url": reverse("mail:email_html", args=[email.pk]),
    }
    return render(request, "mail/email_detail.html", context)


@manager_required
def email_html(request: AuthenticatedRequest, email_id: int) -> HttpResponse:
    return email_html_response(selectors.email_for_detail(email_id=email_id))


def email_html_response(email: OutboundEmail) -> HttpResponse:
    """The stored HTML body as its own document, for the sandboxed iframe on the detail page. It
    is not inlined with srcdoc because a srcdoc document inherits the staff pages' CSP, which
    blocks the inline styles every email needs."""
    response = HttpResponse(email.body_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = EMAIL_PREVIEW_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _client_url(scope: str) -> str | None:
    # riskreg cannot import clients, but it can link to a client's page by its URL name.
    if not scope.startswith("client:"):
        return None
    try:
        return reverse("register:client_detail", args=[scope.removeprefix("client:")])
    except NoReverseMatch:
        return None
