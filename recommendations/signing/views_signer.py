"""The signatory's pages: no account, a personal link plus an emailed one-time code.

Every unusable link (unknown, expired, revoked, voided, used) gets the same neutral page, so a
visitor learns nothing about whether a token ever existed.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clients.models import PracticeProfile
from recommendations import signing
from recommendations.models import DecisionRequest, RequestItem, Signature
from recommendations.signing.content import english_choice_required, language_code
from recommendations.signing.forms import SigningCodeForm
from recommendations.signing.signature_image import decode_signature, render_typed_signature
from recommendations.signing.snapshot import cost_shown, in_language
from riskreg.accounts.language import chosen_language, remember_language
from riskreg.client_ip import client_ip
from riskreg.errors import too_many_requests
from riskreg.evidence import step_origin
from riskreg.ratelimit import rate_limited

# Which field a signing error belongs next to; any other error is shown above the form.
FIELD_OF_ERROR = {
    **dict.fromkeys(("missing", "not_png", "bad_base64", "blank", "size"), "signature"),
    **dict.fromkeys(("typed_name", "name_mismatch", "hidden_characters"), "typed_name"),
    "english_choice": "english_choice",
}
PER_IP_PER_MINUTE = 60
PER_TOKEN_PER_MINUTE = 30
CODE_TRIES_PER_IP = 10


def link_not_valid(request: HttpRequest, status: int = 404) -> HttpResponse:
    return render(request, "signing/link_not_valid.html", {"practice": PracticeProfile.load()}, status=status)


def signer_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Rate-limit by IP and token, resolve the token, and answer the neutral page when unusable."""

    @wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        if rate_limited(f"sign-ip:{client_ip(request)}", limit=PER_IP_PER_MINUTE, window_seconds=60) or rate_limited(
            f"sign-token:{signing.token_hash(token)}", limit=PER_TOKEN_PER_MINUTE, window_seconds=60
        ):
            return too_many_requests(request)
        # The page, the signing service and its emails read the practice's settings a handful of
        # times; signer pages never change them.
        with PracticeProfile.pinned():
            decision_request = signing.request_by_token(token)
            if decision_request is None or decision_request.expires_at <= timezone.now():
                return link_not_valid(request)
            if decision_request.status == DecisionRequest.Status.VOIDED:
                # Only the holder of the link learns this: what they were to sign has changed.
                return render(
                    request,
                    "signing/voided.html",
                    {"practice": PracticeProfile.load(), "decision_request": decision_request},
                    status=410,
                )
            return in_signer_language(
                request, decision_request, lambda: _open_link(request, token, decision_request, view)
            )

    return wrapped


def _open_link(request: HttpRequest, token: str, decision_request: DecisionRequest, view: Callable) -> HttpResponse:
    if not decision_request.is_open:
        return _closed_link(request, decision_request)
    return view(request, token, decision_request)


def _language_cookie(public_id: UUID | str) -> str:
    return f"signer-language-{public_id}"


def in_signer_language(
    request: HttpRequest, decision_request: DecisionRequest, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page in the language the signer reads this request in: the one it was sent in, until
    they switch (`?lang=` on any of its pages); the switch holds for this request in this browser
    (a cookie of its own: the code and token steps, and the session, are not touched)."""
    cookie = _language_cookie(decision_request.public_id)
    picked = chosen_language(request.GET.get("lang"))
    language = language_code(picked or chosen_language(request.COOKIES.get(cookie)) or decision_request.language)
    with translation.override(language):
        response = page()
    if picked:
        remember_language(response, picked, name=cookie)
    return response


def _closed_link(request: HttpRequest, decision_request: DecisionRequest) -> HttpResponse:
    """A link that can no longer be used: the browser that signed it (or was locked out of it) is
    told where it stands and what to do next; any other visitor gets the neutral page."""
    public_id = decision_request.public_id
    if decision_request.status == DecisionRequest.Status.COMPLETED and request.session.get(_signer_key(public_id)):
        signed_on = decision_request.completed_at.astimezone(datetime.UTC)
        messages.info(
            request,
            _("You already signed this request on %(day)s — your copy is below.")
            % {"day": date_format(signed_on.date(), "j F Y")},
        )
        return redirect("sign:done", public_id=public_id)
    if decision_request.status == DecisionRequest.Status.LOCKED and request.session.get(_locked_key(public_id)):
        return _locked_page(request, decision_request)
    return link_not_valid(request)


def _locked_key(public_id: UUID | str) -> str:
    """Set in the browser whose wrong codes locked the request, so it can be told the next step again."""
    return f"signer-locked:{public_id}"


def _locked_page(request: HttpRequest, decision_request: DecisionRequest) -> HttpResponse:
    request.session[_locked_key(decision_request.public_id)] = True
    context = {"practice": PracticeProfile.load(), "decision_request": decision_request}
    return render(request, "signing/locked.html", context, status=403)


def _signer_key(public_id: UUID | str) -> str:
    """Set in the browser that confirmed the request's one-time code: it may then sign, and see
    the result once signed. Kept past the signing so that POST does not write the session again."""
    return f"signer:{public_id}"


def _shown(decision_request: DecisionRequest) -> dict:
    """The request's snapshot in the signer's language, with what its pages print worked out for
    each recommendation: its cost line, and the day it was first presented as a date."""
    shown = in_language(signing.shown_to_signer(decision_request), translation.get_language())
    for item in shown["items"]:
        if "estimated_cost" in item:
            item["cost_shown"] = cost_shown(item)
            first = item.get("first_presented_on")
            item["first_presented"] = datetime.date.fromisoformat(first) if first else None
    return shown


def _items(decision_request: DecisionRequest, shown: dict) -> list[RequestItem]:
    """The request's items, each with what the signer was shown of it (`item.shown`)."""
    by_position = {entry["position"]: entry for entry in shown["items"]}
    items = list(decision_request.items.order_by("position"))
    for item in items:
        item.shown = by_position[item.position]
    return items


def _page_context(decision_request: DecisionRequest, shown: dict | None = None) -> dict:
    """Everything a signer page shows comes from the request's frozen snapshot, not live rows."""
    shown = _shown(decision_request) if shown is None else shown
    return {
        "decision_request": decision_request,
        "purpose": signing.describe(decision_request.purpose),
        "client": decision_request.client,
        "shown": shown,
        "items": shown["items"],
        "agreement": shown.get("agreement"),
        "practice": PracticeProfile.load(),
    }


@require_http_methods(["GET"])
@signer_view
def start(request: HttpRequest, token: str, decision_request: DecisionRequest) -> HttpResponse:
    if decision_request.viewed_at is None:
        signing.decision_request_mark_viewed(request=decision_request, origin=step_origin(request))
    template = signing.describe(decision_request.purpose).start_template
    return render(request, template, {**_page_context(decision_request), "token": token})


@require_POST
@signer_view
def send_code(request: HttpRequest, token: str, decision_request: DecisionRequest) -> HttpResponse:
    try:
        signing.signing_code_send(
            request=decision_request, origin=step_origin(request), language=translation.get_language()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sign:verify", token=token)


@require_http_methods(["GET", "POST"])
@signer_view
def verify(request: HttpRequest, token: str, decision_request: DecisionRequest) -> HttpResponse:
    if request.session.get(_signer_key(decision_request.public_id)):
        return redirect("sign:decide", token=token)
    form = SigningCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(f"code-ip:{client_ip(request)}", limit=CODE_TRIES_PER_IP, window_seconds=600):
            return too_many_requests(request)
        try:
            signing.signing_code_verify(
                request=decision_request, code=form.cleaned_data["code"], origin=step_origin(request)
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session[_signer_key(decision_request.public_id)] = True
            return redirect("sign:decide", token=token)
    # Only what the code step changed: the request's client and signatory stay loaded.
    decision_request.refresh_from_db(fields=["status", "code_sent_at", "code_expires_at"])
    if decision_request.status == DecisionRequest.Status.LOCKED:
        return _locked_page(request, decision_request)
    return render(request, "signing/verify.html", {**_page_context(decision_request), "form": form, "token": token})


@require_http_methods(["GET", "POST"])
@signer_view
def decide(request: HttpRequest, token: str, decision_request: DecisionRequest) -> HttpResponse:
    if not request.session.get(_signer_key(decision_request.public_id)) or decision_request.code_verified_at is None:
        return redirect("sign:verify", token=token)
    shown = _shown(decision_request)
    items = _items(decision_request, shown)
    form_class = signing.describe(decision_request.purpose).decide_form
    signatory = decision_request.signatory
    language = shown["language"]
    needs_english_choice = english_choice_required(quebec=shown.get("quebec", False), language=language)
    # Pre-filled: the signer confirms who they are rather than typing any name at all.
    form = form_class(
        request.POST or None,
        items=items,
        english_choice=needs_english_choice,
        initial={"typed_name": signatory.name, "typed_title": signatory.title},
    )
    if request.method == "POST" and form.is_valid():
        origin = step_origin(request)
        try:
            method = form.cleaned_data["signature_method"] or Signature.Method.DRAWN
            png = (
                render_typed_signature(form.cleaned_data["typed_name"])
                if method == Signature.Method.TYPED
                else decode_signature(form.cleaned_data["signature"])
            )
            signing.decision_request_complete(
                request=decision_request,
                choices=[
                    signing.ItemChoice(
                        item_id=item.pk,
                        outcome=form.cleaned_data[f"outcome_{item.pk}"],
                        reason=form.cleaned_data[f"reason_{item.pk}"],
                    )
                    for item in items
                ],
                evidence=signing.SignerEvidence(
                    typed_name=form.cleaned_data["typed_name"],
                    typed_title=form.cleaned_data["typed_title"],
                    signature_png=png,
                    ip_address=origin.ip,
                    user_agent=origin.user_agent,
                    signer_timezone=form.cleaned_data["signer_timezone"],
                    session_hash=origin.session,
                    method=method,
                    language=language,
                    english_choice=form.cleaned_data.get("english_choice", False),
                ),
            )
        except ValidationError as error:
            form.add_error(FIELD_OF_ERROR.get(error.code) if hasattr(error, "code") else None, error)
        else:
            return redirect("sign:done", public_id=decision_request.public_id)
    return render(
        request,
        "signing/decide.html",
        {
            **_page_context(decision_request, shown),
            "form": form,
            "token": token,
            "english_choice_statement": _english_choice_statement(shown) if needs_english_choice else None,
        },
    )


def _english_choice_statement(shown: dict) -> dict[str, str]:
    """The express-choice statement to print: in English, which is signed, and in French, which was offered."""
    texts = shown["english_choice_statement"]["texts"]
    return {"en": texts["en"], "fr": texts["fr-ca"]}


def _completed_for_session(request: HttpRequest, public_id: UUID) -> DecisionRequest:
    if not request.session.get(_signer_key(public_id)):
        raise Http404
    return get_object_or_404(
        DecisionRequest.objects.select_related("client", "signatory"), public_id=public_id, status="completed"
    )


@never_cache
def done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        decision_request = _completed_for_session(request, public_id)
    except Http404:
        return link_not_valid(request)
    return in_signer_language(request, decision_request, lambda: _done(request, decision_request))


def _done(request: HttpRequest, decision_request: DecisionRequest) -> HttpResponse:
    shown = {entry["position"]: entry for entry in signing.shown_to_signer(decision_request)["items"]}
    decisions = list(decision_request.decisions.select_related("item").order_by("item__position"))
    for decision in decisions:
        decision.shown = shown[decision.item.position]
    return render(
        request,
        "signing/done.html",
        {
            "decision_request": decision_request,
            "decisions": decisions,
            "document": getattr(decision_request, "document", None),
            "practice": PracticeProfile.load(),
        },
    )


@never_cache
def document(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        decision_request = _completed_for_session(request, public_id)
    except Http404:
        return link_not_valid(request)
    waiver = getattr(decision_request, "document", None)
    if waiver is None or not waiver.file:
        return redirect("sign:done", public_id=public_id)
    signing.signed_copy_download_record(
        request=decision_request, document_id=waiver.document_id, origin=step_origin(request)
    )
    return FileResponse(waiver.file.open("rb"), as_attachment=True, filename=f"{waiver.document_id}.pdf")
