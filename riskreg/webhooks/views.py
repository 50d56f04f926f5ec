"""Practice admins' pages for webhooks: endpoints, their signing secrets and the delivery log."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from riskreg.accounts.permissions import admin_required
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.webhooks import selectors, services
from riskreg.webhooks.events import EVENT_TYPES
from riskreg.webhooks.forms import DeliveryFilterForm, EndpointForm


def _form_errors(form: BaseForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, errors)


def _secret_page(request: HttpRequest, endpoint, secret: str, *, new: bool) -> HttpResponse:
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "new": new})
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def endpoint_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": selectors.endpoint_list(), "event_types": EVENT_TYPES.values()},
    )


@never_cache
@admin_required
def endpoint_create(request: AuthenticatedRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return _secret_page(request, endpoint, secret, new=True)
    status = 400 if form.errors else 200
    return render(
        request, "webhooks/endpoint_form.html", {"form": form, "title": _("Register a webhook endpoint")}, status=status
    )


@admin_required
def endpoint_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(selectors.delivery_log(endpoint, status=status), settings.RISKREG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "page": page,
            "filters": filters,
            "query": f"status={status}" if status else "",
            "event_labels": [EVENT_TYPES[name].label for name in endpoint.events if name in EVENT_TYPES],
            "max_attempts": services.MAX_ATTEMPTS,
        },
    )


@admin_required
def endpoint_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(actor=request.user, endpoint=endpoint, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhooks:endpoint_detail", public_id=endpoint.public_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "webhooks/endpoint_form.html",
        {"form": form, "endpoint": endpoint, "title": _("Edit {url}").format(url=endpoint.url)},
        status=status,
    )


@never_cache
@require_POST
@admin_required
def endpoint_rotate(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return _secret_page(request, endpoint, secret, new=False)


@require_POST
@admin_required
def endpoint_toggle(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    active = request.POST.get("active") == "1"
    try:
        services.endpoint_set_active(actor=request.user, endpoint=endpoint, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Endpoint enabled: waiting deliveries go out now.") if active else _("Endpoint disabled.")
        )
    return redirect("webhooks:endpoint_detail", public_id=endpoint.public_id)


@require_POST
@admin_required
def endpoint_ping(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    try:
        services.endpoint_ping(actor=request.user, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Test event queued; its delivery appears below in a moment."))
    return redirect("webhooks:endpoint_detail", public_id=endpoint.public_id)


@admin_required
def delivery_detail(request: AuthenticatedRequest, public_id: UUID, delivery_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    delivery = selectors.delivery_of(endpoint, delivery_id)
    return render(request, "webhooks/delivery_detail.html", {"endpoint": endpoint, "delivery": delivery})


@require_POST
@admin_required
def delivery_retry(request: AuthenticatedRequest, public_id: UUID, delivery_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_by_id(public_id)
    delivery = selectors.delivery_of(endpoint, delivery_id)
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:delivery_detail", public_id=endpoint.public_id, delivery_id=delivery.pk)
