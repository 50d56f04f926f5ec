from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clients import selectors, services
from clients import software as software_services
from clients.forms import (
    AgreementForm,
    ClientFilterForm,
    ClientForm,
    ConsentWithdrawalForm,
    ContactForm,
    SoftwareForm,
)
from clients.models import PracticeProfile, Software
from riskreg.accounts.requests import AuthenticatedRequest
from riskreg.client_ip import client_ip
from riskreg.errors import too_many_requests
from riskreg.evidence import step_origin
from riskreg.mail import selectors as mail_selectors
from riskreg.mail.views import email_html_response, outbox_context
from riskreg.ratelimit import rate_limited


def apply_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's validation error on the form instead of a 500."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def client_list(request: AuthenticatedRequest) -> HttpResponse:
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
def client_create(request: AuthenticatedRequest) -> HttpResponse:
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
            messages.success(
                request, _("Client “%(name)s” created. Add a signatory and an agreement next.") % {"name": client.name}
            )
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "clients/form.html", {"form": form, "title": _("New client")})


@login_required
def contact_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": form.cleaned_data["name"]})
            return redirect("register:client_detail", public_id=client.public_id)
    return render(request, "clients/form.html", {"form": form, "client": client, "title": _("Add contact")})


@login_required
def contact_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    contact = selectors.contact_for_user(user=request.user, public_id=public_id)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("register:client_detail", public_id=contact.client.public_id)
    return render(request, "clients/form.html", {"form": form, "client": contact.client, "title": _("Edit contact")})


@login_required
def agreement_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_create(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Service agreement recorded."))
            return redirect("register:client_detail", public_id=client.public_id)
    return render(
        request, "clients/form.html", {"form": form, "client": client, "title": _("Record service agreement")}
    )


@login_required
def agreement_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agreement = selectors.agreement_for_user(user=request.user, public_id=public_id)
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Service agreement saved."))
            return redirect("register:client_detail", public_id=agreement.client.public_id)
    return render(
        request,
        "clients/form.html",
        {
            "form": form,
            "client": agreement.client,
            "title": _("Edit agreement %(reference)s") % {"reference": agreement.reference},
        },
    )


@login_required
def agreement_signed_copy(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The uploaded signed agreement, for staff who see its client: uploads are never served
    from a public media URL."""
    agreement = selectors.agreement_for_user(user=request.user, public_id=public_id)
    if not agreement.signed_file:
        raise Http404("No signed copy of this agreement was uploaded.")
    return FileResponse(
        agreement.signed_file.open("rb"),
        as_attachment=True,
        filename=f"{agreement.reference}-signed.pdf",
        content_type="application/pdf",
    )


@login_required
def agreement_version(request: AuthenticatedRequest, public_id: UUID, number: int) -> HttpResponse:
    """One version of an agreement's terms, as requests and waivers that quoted it showed them."""
    agreement, versions = selectors.agreement_versions_for_user(user=request.user, public_id=public_id)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404("This agreement has no such version.")
    return render(
        request,
        "clients/agreement_version.html",
        {"agreement": agreement, "client": agreement.client, "version": version, "versions": versions},
    )


@login_required
def outbox(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    return render(request, "clients/outbox.html", {"client": client, **outbox_context(request, scope=client.scope)})


@login_required
def outbox_email(request: AuthenticatedRequest, public_id: UUID, email_id: int) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    email = mail_selectors.email_for_detail(email_id=email_id, scope=client.scope)
    html_url = reverse("clients:outbox_email_html", args=[client.public_id, email.pk])
    return render(request, "mail/email_detail.html", {"email": email, "client": client, "html_url": html_url})


@login_required
def outbox_email_html(request: AuthenticatedRequest, public_id: UUID, email_id: int) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    return email_html_response(mail_selectors.email_for_detail(email_id=email_id, scope=client.scope))


# --- software register and install consent ------------------------------------------------


@login_required
def software_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.client_for_user(user=request.user, public_id=public_id)
    form = SoftwareForm(request.POST or None, agreements=selectors.consent_agreements(client))
    if request.method == "POST" and form.is_valid():
        try:
            software = software_services.software_create(actor=request.user, client=client, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s added to the software register.") % {"name": software.name})
            return redirect(_software_anchor(client.public_id))
    return render(request, "clients/software_form.html", {"form": form, "client": client, "title": _("Add software")})


@login_required
def software_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    software = selectors.software_for_user(user=request.user, public_id=public_id)
    client = software.client
    form = SoftwareForm(request.POST or None, instance=software, agreements=selectors.consent_agreements(client))
    if request.method == "POST" and form.is_valid():
        try:
            software_services.software_update(actor=request.user, software=software, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Software saved."))
            return redirect(_software_anchor(client.public_id))
    return render(
        request,
        "clients/software_form.html",
        {"form": form, "client": client, "software": software, "title": _("Edit %(name)s") % {"name": software.name}},
    )


def _software_anchor(client_public_id: UUID) -> str:
    return reverse("register:client_detail", args=[client_public_id]) + "?section=software#software"


SOFTWARE_INSTALL_ACTIONS = {
    "installed": (software_services.software_mark_installed, gettext_lazy("%(name)s marked installed.")),
    "removed": (software_services.software_mark_removed, gettext_lazy("%(name)s marked removed.")),
}


@require_http_methods(["GET", "POST"])
@login_required
def software_install_status(request: AuthenticatedRequest, public_id: UUID, status: str) -> HttpResponse:
    software = selectors.software_for_user(user=request.user, public_id=public_id)
    if status not in SOFTWARE_INSTALL_ACTIONS:
        return redirect(_software_anchor(software.client.public_id))
    # CASL: installing without consent in force is recorded (the register states what is on the
    # client's computers) only after staff confirm they know consent is missing.
    needs_confirmation = status == "installed" and not selectors.consent_in_force(software)
    if request.method == "GET" or (needs_confirmation and request.POST.get("confirmed") != "yes"):
        if not needs_confirmation:
            return redirect(_software_anchor(software.client.public_id))
        return render(request, "clients/software_install_confirm.html", {"software": software})
    service, label = SOFTWARE_INSTALL_ACTIONS[status]
    try:
        service(actor=request.user, software=software)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, label % {"name": software.name})
    return redirect(_software_anchor(software.client.public_id))


@require_http_methods(["GET", "POST"])
@login_required
def software_withdraw(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Record a withdrawal of consent the client sent some other way (email, phone, letter)."""
    software = selectors.software_for_user(user=request.user, public_id=public_id)
    form = ConsentWithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            software_services.software_consent_withdraw(
                software=software, actor=request.user, received_by=form.cleaned_data["received_by"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Consent to %(name)s recorded as withdrawn; the vCIO has been alerted.") % {"name": software.name},
            )
            return redirect(_software_anchor(software.client.public_id))
    return render(
        request,
        "clients/software_withdraw.html",
        {
            "form": form,
            "software": software,
            "client": software.client,
            "may_withdraw": software_services.may_withdraw(software),
        },
    )


WITHDRAW_PER_IP_PER_MINUTE = 30


@never_cache
@require_http_methods(["GET", "POST"])
def consent_withdraw_public(request: HttpRequest, token: str) -> HttpResponse:
    """The signatory's withdrawal link: GET says what will be withdrawn, POST withdraws it.
    Unknown tokens get one neutral page, so a visitor learns nothing about which exist."""
    practice = PracticeProfile.load()
    if rate_limited(f"withdraw-ip:{client_ip(request)}", limit=WITHDRAW_PER_IP_PER_MINUTE, window_seconds=60):
        return too_many_requests(request)
    row = selectors.withdrawal_token_row(token)
    if row is None:
        return render(request, "withdraw/not_valid.html", {"practice": practice}, status=404)
    software = row.software
    if request.method == "POST" and row.used_at is None and software_services.may_withdraw(software):
        software_services.software_consent_withdraw(
            software=software, actor_label=f"link:{row.issued_for}", origin=step_origin(request)
        )
        row.refresh_from_db()
        software.refresh_from_db()
        return render(request, "withdraw/done.html", {"practice": practice, "software": software})
    return render(
        request,
        "withdraw/confirm.html",
        {
            "practice": practice,
            "software": software,
            "client": software.client,
            "token": token,
            "used": row.used_at is not None,
            "withdrawable": row.used_at is None and software_services.may_withdraw(software),
            "withdrawn": software.consent_status == Software.ConsentStatus.WITHDRAWN,
        },
    )
