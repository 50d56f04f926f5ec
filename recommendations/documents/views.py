"""Public verification of issued documents: no login, anyone holding a copy may check it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients.models import PracticeProfile
from recommendations.documents import verify as verification
from recommendations.documents.forms import LookupForm, UploadForm
from riskreg.client_ip import client_ip
from riskreg.ratelimit import rate_limited
from riskreg.uploads import PDF_MAX_BYTES

UPLOADS_PER_IP = 20
LOOKUPS_PER_IP = 60
WINDOW_SECONDS = 10 * 60
# Multipart framing around the file; a body larger than this cannot hold an acceptable PDF.
BODY_SLACK_BYTES = 64 * 1024


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > PDF_MAX_BYTES + BODY_SLACK_BYTES


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    upload_form = UploadForm()
    lookup_form = LookupForm(initial={"id": request.GET.get("id", "")[:40]})
    context: dict = {"practice": PracticeProfile.load(), "max_size": PDF_MAX_BYTES}
    status = 200
    if request.method == "POST":
        if _too_large(request):
            # Answered from the header alone: an oversized body is never read or parsed.
            context["upload_error"] = _("The file is larger than %(size)s; this is not a RiskReg document.") % {
                "size": filesizeformat(PDF_MAX_BYTES)
            }
            context["mode"], status = "upload", 413
        elif rate_limited(f"verify-upload:{client_ip(request)}", limit=UPLOADS_PER_IP, window_seconds=WINDOW_SECONDS):
            context["mode"], context["slow_down"], status = "upload", True, 429
        else:
            upload_form = UploadForm(request.POST, request.FILES)
            context["mode"] = "upload"
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                upload.seek(0)
                context["result"] = verification.document_verify_file(pdf_bytes=upload.read())
            else:
                status = 400
    elif "sha256" in request.GET:
        context["mode"] = "lookup"
        if rate_limited(f"verify-lookup:{client_ip(request)}", limit=LOOKUPS_PER_IP, window_seconds=WINDOW_SECONDS):
            context["slow_down"], status = True, 429
        else:
            lookup_form = LookupForm(request.GET)
            if lookup_form.is_valid():
                context["result"] = verification.document_lookup(
                    document_id=lookup_form.cleaned_data["id"], sha256=lookup_form.cleaned_data["sha256"]
                )
            else:
                status = 400
    context.update(upload_form=upload_form, lookup_form=lookup_form)
    return render(request, "documents/verify.html", context, status=status)
