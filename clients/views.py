from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clients import selectors, services
from clients.forms import AgreementForm, ClientFilterForm, ClientForm, ContactForm, PracticeProfileForm
from clients.models import PracticeProfile
from riskreg.accounts.permissions import admin_required


def apply_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's validation error on the form instead of a 500."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    filters = ClientFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    clients = selectors.client_list(
        user=request.user,
        search=criteria.get("q", ""),
        status=criteria.get("status", ""),
        industry=criteria.get("industry", ""),
        band=criteria.get("band", ""),
    )
    page = Paginator(clients, settings.RISKREG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "filtered": bool(criteria and any(criteria.values())),
        },
    )


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    initial = {"vcio": request.user.pk} if request.method == "GET" else None
    form = ClientForm(request.POST or None, initial=initial)
    if not request.user.sees_all_clients:
        # A vCIO creates clients for their own book only.
        form.fields["vcio"].queryset = form.fields["vcio"].queryset.filter(pk=request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Client “{client.name}” created. Add a signatory and an agreement next.")
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "clients/form.html", {"form": form, "title": "New client"})


@login_required
def contact_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Contact {form.cleaned_data['name']} added.")
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "clients/form.html", {"form": form, "client": client, "title": "Add contact"})


@login_required
def contact_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contact = selectors.contact_for_user(user=request.user, public_id=public_id)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Contact saved.")
            return redirect("register:client_detail", public_id=contact.client.public_id)
    return render(request, "clients/form.html", {"form": form, "client": contact.client, "title": "Edit contact"})


@login_required
def agreement_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_create(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Service agreement recorded.")
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "clients/form.html", {"form": form, "client": client, "title": "Record service agreement"})


@login_required
def agreement_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    agreement = selectors.agreement_for_user(user=request.user, public_id=public_id)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Service agreement saved.")
            return redirect("register:client_detail", public_id=agreement.client.public_id)
    return render(
        request,
        "clients/form.html",
        {"form": form, "client": agreement.client, "title": f"Edit agreement {agreement.reference}"},
    )


@admin_required
def practice_profile(request: HttpRequest) -> HttpResponse:
    form = PracticeProfileForm(request.POST or None, request.FILES or None, instance=PracticeProfile.load())
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_profile_update(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Practice profile saved.")
            return redirect("clients:practice_profile")
    return render(request, "clients/practice_profile.html", {"form": form})
