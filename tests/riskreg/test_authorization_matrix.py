"""Who may open which page: every named route of the project needs a rule in RULES below.

Adding a view? Add its route name to RULES with the kind of access it grants:

- ``public``       anyone, no login (login page, health, public verification)
- ``staff``        any logged-in staff member, or only ``roles``; not about one client
- ``client``       a page about one client's object: another vCIO answers 404; ``kwargs`` builds
                   the URL from the ``World`` (default: the vCIO's client's public_id)
- ``signer``       a signatory's token link: an unknown, expired or revoked token answers the
                   neutral "link not valid" page
- ``signer_done``  a signatory's page after signing, bound to the browser that signed: any other
                   browser, including one that signed another request, gets the neutral page
- ``withdraw_link`` a consent-withdrawal link: an unknown token gets its neutral page (these links
                   never expire: withdrawing consent must stay easy)
- ``skip``         checked elsewhere; say where in ``reason`` (the REST API's routes answer to tokens:
                   tests/recommendations/api/test_api_authorization.py walks every one of them)

Each rule is then checked on GET and POST: anonymous visitors are sent to the login page, a vCIO
on another vCIO's client gets 404, a role outside ``roles`` gets 403, and an allowed user gets in
(so a 404 means "not yours", not "wrong URL").
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clients.models import ImportBatch, RelationshipDecision, Software
from clients.services import withdrawal_links_mint
from recommendations.models import (
    Briefing,
    Control,
    DecisionRequest,
    OffboardingLetter,
    RelationshipCondition,
    WaiverDocument,
)
from riskreg.accounts.models import User
from riskreg.mail.models import OutboundEmail
from riskreg.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import RecommendationFactory
from tests.signing_helpers import send_request

ALL_ROLES = ("vcio", "manager", "admin")
MANAGERS = ("manager", "admin")
ADMINS = ("admin",)
NEUTRAL_TEMPLATE = "signing/link_not_valid.html"
KINDS = ("public", "staff", "client", "signer", "signer_done", "withdraw_link", "skip")
WITHDRAW_NEUTRAL_TEMPLATE = "withdraw/not_valid.html"


@dataclass
class World:
    """One practice: vera (vCIO) owns the client; otto is another vCIO; morgan a manager; ada an admin."""

    users: dict[str, User]
    outsider: User
    client: object
    contact: object
    agreement: object
    recommendation: object
    decision_request: DecisionRequest
    token: str
    other_request: DecisionRequest
    other_token: str
    document: WaiverDocument
    email: OutboundEmail
    control: Control
    software: Software
    withdrawal_token: str
    webhook_endpoint: WebhookEndpoint
    webhook_delivery: WebhookDelivery
    import_batch: ImportBatch


@dataclass(frozen=True)
class Rule:
    kind: str
    roles: tuple[str, ...] = ALL_ROLES
    kwargs: Callable[[World], dict] | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        assert self.kind in KINDS, f"unknown rule kind {self.kind!r}; use one of {KINDS}"
        assert self.kind != "skip" or self.reason, "a skipped route needs a reason"


def client_id(w: World) -> dict:
    return {"public_id": w.client.public_id}


def contact_id(w: World) -> dict:
    return {"public_id": w.contact.public_id}


def agreement_id(w: World) -> dict:
    return {"public_id": w.agreement.public_id}


def recommendation_id(w: World) -> dict:
    return {"public_id": w.recommendation.public_id}


def conditions_decision(w: World) -> dict:
    return {"public_id": w.client.relationship_decisions.get(outcome="conditions").public_id}


def open_condition(w: World) -> dict:
    return {"public_id": w.client.relationship_conditions.get().public_id}


def refused_recommendation(w: World) -> dict:
    return {"public_id": w.client.recommendations.get(status="refused").public_id}


def recommendation_action(w: World) -> dict:
    return {"public_id": w.recommendation.public_id, "action": "withdraw"}


def request_id(w: World) -> dict:
    return {"public_id": w.decision_request.public_id}


def document_id(w: World) -> dict:
    return {"public_id": w.document.public_id}


def token(w: World) -> dict:
    return {"token": w.token}


def software_id(w: World) -> dict:
    return {"public_id": w.software.public_id}


def client_email(w: World) -> dict:
    return {"public_id": w.client.public_id, "email_id": w.email.pk}


def webhook_endpoint(w: World) -> dict:
    return {"public_id": w.webhook_endpoint.public_id}


def webhook_delivery(w: World) -> dict:
    return {"public_id": w.webhook_endpoint.public_id, "delivery_id": w.webhook_delivery.pk}


def import_batch(w: World) -> dict:
    return {"public_id": w.import_batch.public_id}


def briefing_id(w: World) -> dict:
    """An issued briefing of the vCIO's client (made once, directly: the matrix checks access, not issuing)."""
    briefing, _ = Briefing.objects.get_or_create(
        document_id="BRF-TEST-MATRIX",
        defaults={
            "client": w.client,
            "period_start": timezone.localdate(),
            "period_end": timezone.localdate(),
            "file": ContentFile(b"%PDF-1.4\n%briefing\n", name="briefing.pdf"),
            "sha256": "b" * 64,
            "issued_at": timezone.now(),
            "issued_by": w.users["vcio"],
        },
    )
    return {"public_id": briefing.public_id}


def offboarding_letter_id(w: World) -> dict:
    """An issued offboarding letter of the vCIO's client (made once, directly: the matrix checks access)."""
    today = timezone.localdate()
    letter, _ = OffboardingLetter.objects.get_or_create(
        document_id="OFF-TEST-MATRIX",
        defaults={
            "client": w.client,
            "decision": RelationshipDecision.objects.create(
                client=w.client, manager=w.users["manager"], decided_on=today, outcome="offboard"
            ),
            "addressee": w.contact,
            "letter_date": today,
            "effective_on": today + datetime.timedelta(days=30),
            "snapshot": "{}",
            "content_hash": "c" * 64,
            "issued_by": w.users["manager"],
            "issued_at": timezone.now(),
        },
    )
    return {"public_id": letter.public_id}


API_REASON = "REST API: token-authenticated, tests/recommendations/api/test_api_authorization.py walks every route"


RULES: dict[str, Rule] = {
    # Public and the way in
    "healthz": Rule("public"),
    "login": Rule("public"),
    "logout": Rule("public"),
    "verify:page": Rule("public"),
    # Any logged-in staff member
    "home": Rule("staff"),
    "password_change": Rule("staff"),
    "password_change_done": Rule("staff"),
    "accounts:account": Rule("staff"),
    "accounts:two_factor_verify": Rule("staff"),
    "accounts:two_factor_setup": Rule("staff"),
    "accounts:backup_codes_regenerate": Rule("staff"),
    "accounts:logout_everywhere": Rule("staff"),
    "accounts:language_set": Rule("staff"),
    "clients:list": Rule("staff"),
    "integrations:index": Rule("staff"),
    "api:docs": Rule("staff"),
    "api_tokens:create": Rule("staff"),
    "api_tokens:revoke": Rule(
        "skip", reason="a token's owner or an admin; others get 404 (tests/riskreg/api_tokens/test_api_tokens.py)"
    ),
    "clients:create": Rule("staff"),
    "register:catalog": Rule("staff"),
    "register:scoring_help": Rule("staff"),
    "register:dashboard": Rule("staff"),
    "register:dashboard_csv": Rule("staff"),
    "register:dashboard_list": Rule("staff", kwargs=lambda w: {"kind": "lapsed"}),
    "register:dashboard_list_csv": Rule("staff", kwargs=lambda w: {"kind": "lapsed"}),
    "register:reack": Rule("staff"),
    "roadmap:pipeline": Rule("staff", roles=MANAGERS),
    "roadmap:pipeline_csv": Rule("staff", roles=MANAGERS),
    # Managers and admins only
    "mail:outbox": Rule("staff", roles=MANAGERS),
    "mail:email_detail": Rule("staff", roles=MANAGERS, kwargs=lambda w: {"email_id": w.email.pk}),
    "mail:email_html": Rule("staff", roles=MANAGERS, kwargs=lambda w: {"email_id": w.email.pk}),
    "imports:list": Rule("staff", roles=MANAGERS),
    "imports:detail": Rule("staff", roles=MANAGERS, kwargs=import_batch),
    "imports:apply": Rule("staff", roles=MANAGERS, kwargs=import_batch),
    "imports:discard": Rule("staff", roles=MANAGERS, kwargs=import_batch),
    # Practice admins only
    "register:practice_profile": Rule("staff", roles=ADMINS),
    "register:control_create": Rule("staff", roles=ADMINS),
    "register:control_edit": Rule("staff", roles=ADMINS, kwargs=lambda w: {"code": w.control.code}),
    "api_tokens:all": Rule("staff", roles=ADMINS),
    "webhooks:endpoint_list": Rule("staff", roles=ADMINS),
    "webhooks:endpoint_create": Rule("staff", roles=ADMINS),
    "webhooks:endpoint_detail": Rule("staff", roles=ADMINS, kwargs=webhook_endpoint),
    "webhooks:endpoint_edit": Rule("staff", roles=ADMINS, kwargs=webhook_endpoint),
    "webhooks:endpoint_rotate": Rule("staff", roles=ADMINS, kwargs=webhook_endpoint),
    "webhooks:endpoint_toggle": Rule("staff", roles=ADMINS, kwargs=webhook_endpoint),
    "webhooks:endpoint_ping": Rule("staff", roles=ADMINS, kwargs=webhook_endpoint),
    "webhooks:delivery_detail": Rule("staff", roles=ADMINS, kwargs=webhook_delivery),
    "webhooks:delivery_retry": Rule("staff", roles=ADMINS, kwargs=webhook_delivery),
    # One client's pages and objects
    "register:client_detail": Rule("client"),
    "register:client_edit": Rule("client"),
    "register:client_risk": Rule("client"),
    "register:recommendation_create": Rule("client"),
    "register:recommendation_detail": Rule("client", kwargs=recommendation_id),
    "register:recommendation_edit": Rule("client", kwargs=recommendation_id),
    "register:recommendation_confirm": Rule("client", kwargs=recommendation_action),
    "register:recommendation_action": Rule("client", kwargs=recommendation_action),
    "register:relationship_create": Rule("client", roles=MANAGERS),
    "relationship:client_value": Rule("client", roles=MANAGERS),
    "relationship:refusal_reassess": Rule("client", kwargs=refused_recommendation),
    "relationship:decision_conditions": Rule("client", kwargs=conditions_decision),
    "relationship:condition_meet": Rule("client", roles=MANAGERS, kwargs=open_condition),
    "relationship:offboarding_letter_issue": Rule("client", roles=MANAGERS, kwargs=conditions_decision),
    "relationship:offboarding_letter": Rule("client", kwargs=offboarding_letter_id),
    "relationship:offboarding_letter_send": Rule("client", roles=MANAGERS, kwargs=offboarding_letter_id),
    "clients:litigation_hold": Rule("client", roles=MANAGERS),
    "register:reack_send": Rule("client"),
    "register:consent_request_create": Rule("client"),
    "register:contact_export": Rule("client", kwargs=contact_id),
    "register:contact_erase": Rule("client", kwargs=contact_id),
    "clients:contact_create": Rule("client"),
    "clients:contact_edit": Rule("client", kwargs=contact_id),
    "clients:agreement_create": Rule("client"),
    "clients:agreement_edit": Rule("client", kwargs=agreement_id),
    "clients:agreement_signed_copy": Rule("client", kwargs=agreement_id),
    "clients:agreement_version": Rule("client", kwargs=lambda w: {**agreement_id(w), "number": 1}),
    "clients:outbox": Rule("client"),
    "clients:outbox_email": Rule("client", kwargs=client_email),
    "clients:outbox_email_html": Rule("client", kwargs=client_email),
    "clients:software_create": Rule("client"),
    "clients:software_edit": Rule("client", kwargs=software_id),
    "clients:software_mark": Rule("client", kwargs=lambda w: {**software_id(w), "status": "installed"}),
    "clients:software_withdraw": Rule("client", kwargs=software_id),
    "signing:request_create": Rule("client"),
    "signing:request_detail": Rule("client", kwargs=request_id),
    "signing:request_snapshot": Rule("client", kwargs=request_id),
    "signing:request_revoke": Rule("client", kwargs=request_id),
    "signing:request_resend": Rule("client", kwargs=request_id),
    "signing:document_download": Rule("client", kwargs=document_id),
    "roadmap:client": Rule("client"),
    "roadmap:client_csv": Rule("client"),
    "roadmap:fiscal_year": Rule("client"),
    "roadmap:move": Rule("client", kwargs=recommendation_id),
    "briefing:prepare": Rule("client"),
    "briefing:preview": Rule("client"),
    "briefing:issue": Rule("client"),
    "briefing:schedule": Rule("client"),
    "briefing:detail": Rule("client", kwargs=briefing_id),
    "briefing:download": Rule("client", kwargs=briefing_id),
    "briefing:send": Rule("client", kwargs=briefing_id),
    # The signatory's link
    "sign:start": Rule("signer", kwargs=token),
    "sign:send_code": Rule("signer", kwargs=token),
    "sign:verify": Rule("signer", kwargs=token),
    "sign:decide": Rule("signer", kwargs=token),
    "sign:done": Rule("signer_done", kwargs=request_id),
    "sign:document": Rule("signer_done", kwargs=request_id),
    # The signatory's consent-withdrawal link
    "clients:withdraw": Rule("withdraw_link", kwargs=lambda w: {"token": w.withdrawal_token}),
    # The REST API (tokens, not sessions)
    **{
        f"api:{name}": Rule("skip", reason=API_REASON)
        for name in [
            "clients",
            "client",
            "client_events",
            "contacts",
            "contact",
            "recommendations",
            "recommendation",
            "recommendation_transition",
            "requests",
            "request",
            "request_revoke",
            "decisions",
            "documents",
            "document",
            "document_download",
            "snapshots",
            "schema",
            "not_found",
        ]
    },
}

# Django's admin checks is_staff itself on every page; the 2FA middleware test covers it too.
SKIPPED_NAMESPACES = {"admin": "Django admin: its own is_staff check (tests/riskreg/accounts/test_two_factor.py)"}


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def project_routes() -> dict[str, str]:
    return dict(_walk(get_resolver().url_patterns))


ROUTES = project_routes()
CHECKED = sorted(name for name in ROUTES if name.split(":")[0] not in SKIPPED_NAMESPACES)


def routes_of(*kinds: str) -> list[str]:
    return [name for name in CHECKED if name in RULES and RULES[name].kind in kinds]


def test_every_named_route_has_an_access_rule():
    missing = [name for name in CHECKED if name not in RULES]
    assert not missing, (
        "These routes have no access rule. Add each to RULES in tests/riskreg/test_authorization_matrix.py "
        f"(kinds: {', '.join(KINDS)}):\n" + "\n".join(f"  {name!r}: Rule(...),  # /{ROUTES[name]}" for name in missing)
    )


def test_every_rule_names_a_route_that_exists():
    stale = sorted(set(RULES) - set(ROUTES))
    assert not stale, f"Remove or rename these rules; no such route: {stale}"


# --- The world the checks run in ---------------------------------------------------------------


@pytest.fixture
def world(vcio, outsider, manager, practice_admin, client_record) -> World:
    cache.clear()  # the signer pages rate-limit by address in the cache
    recommendation = RecommendationFactory(client=client_record, status="presented", title="Offsite backups")
    RecommendationFactory(client=client_record, status="refused", title="Disk encryption")
    decision = RelationshipDecision.objects.create(
        client=client_record,
        manager=manager,
        decided_on=timezone.localdate(),
        outcome="conditions",
        conditions="Fund MFA this quarter.",
        next_review_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    RelationshipCondition.objects.create(
        decision=decision,
        client=client_record,
        what="Fund MFA",
        owner=vcio,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    decision_request, link_token = send_request(client_record, vcio, titles=("Multi-factor authentication",))[:2]
    other_request, other_token = send_request(client_record, vcio, titles=("EDR on every endpoint",))[:2]
    document = WaiverDocument.objects.create(
        document_id=f"RR-TEST-{uuid4().hex[:8]}",
        request=other_request,
        kind=WaiverDocument.Kind.WAIVER,
        file=ContentFile(b"%PDF-1.4\n%test\n", name="test.pdf"),
        sha256=uuid4().hex * 2,
        rendered_at=timezone.now(),
    )
    software = Software.objects.create(
        client=client_record, name="RMM agent", publisher="Example Tools", function_and_purpose="Remote monitoring."
    )
    [withdrawal_url] = withdrawal_links_mint(
        email=None, issued_for=str(other_request.public_id), software=[str(software.public_id)], slot="request"
    ).values()
    agreement = client_record.agreements.first()
    agreement.signed_file.save("signed.pdf", ContentFile(b"%PDF-1.4\n%signed\n"))
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/riskreg", events=["request.signed"], secret_nonce="0" * 32
    )
    batch = ImportBatch.objects.create(
        source="riskreg",
        kind="clients",
        filename="clients.csv",
        content="external_id,name\n",
        sha256="0" * 64,
        created_by=practice_admin,
    )
    return World(
        users={"vcio": vcio, "manager": manager, "admin": practice_admin},
        outsider=outsider,
        client=client_record,
        contact=client_record.contacts.first(),
        agreement=agreement,
        recommendation=recommendation,
        decision_request=decision_request,
        token=link_token,
        other_request=other_request,
        other_token=other_token,
        document=document,
        email=OutboundEmail.objects.filter(scope=client_record.scope).order_by("pk").first(),
        control=Control.objects.order_by("code").first(),
        software=software,
        withdrawal_token=re.search(r"/withdraw/([^/]+)/", withdrawal_url).group(1),
        webhook_endpoint=endpoint,
        webhook_delivery=WebhookDelivery.objects.create(endpoint=endpoint, event_type="request.signed", body="{}"),
        import_batch=batch,
    )


def url_for(name: str, w: World) -> str:
    rule = RULES[name]
    kwargs = rule.kwargs(w) if rule.kwargs else {}
    if not kwargs and re.search(r"<[^>]*public_id>", ROUTES[name]):
        kwargs = client_id(w)
    return reverse(name, kwargs=kwargs)


def browser_for(user: User | None) -> Browser:
    browser = Browser()
    if user is not None:
        browser.force_login(user)
    return browser


def is_login_redirect(response, url: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlparse(response["Location"])
    return location.path == reverse("login") and parse_qs(location.query).get("next") == [url]


def served(response) -> bool:
    """The method is not refused outright (a POST-only view answers 405 to GET and vice versa)."""
    return response.status_code != 405


def template_names(response) -> list[str]:
    return [template.name for template in (response.templates or [])]


# --- Staff pages -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("staff", "client"))
def test_anonymous_visitors_are_sent_to_the_login_page(name, world):
    url = url_for(name, world)
    anonymous = Browser()
    responses = {"GET": anonymous.get(url), "POST": anonymous.post(url, {"name": "x"})}
    answered = {method: response for method, response in responses.items() if served(response)}
    assert answered, f"{name} refuses both GET and POST"
    for method, response in answered.items():
        assert is_login_redirect(response, url), f"anonymous {method} {url} ({name}) answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in routes_of("client") if "vcio" in RULES[name].roles])
def test_a_vcio_gets_404_on_another_vcios_client(name, world):
    url = url_for(name, world)
    otto = browser_for(world.outsider)
    for method in ("get", "post"):
        response = getattr(otto, method)(url, {"name": "Hijacked", "reason": "x"})
        if served(response):
            assert response.status_code == 404, f"outsider {method.upper()} {url} ({name}): {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role"),
    [(name, role) for name in routes_of("staff", "client") for role in ALL_ROLES if role not in RULES[name].roles],
)
def test_a_role_without_access_gets_403(name, role, world):
    url = url_for(name, world)
    browser = browser_for(world.users[role])
    for method in ("get", "post"):
        response = getattr(browser, method)(url, {"name": "x"})
        if served(response):
            assert response.status_code == 403, f"{role} {method.upper()} {url} ({name}): {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name in routes_of("staff", "client") for role in RULES[name].roles]
)
def test_an_allowed_user_gets_in(name, role, world):
    """The control for the checks above: the same URL works for someone allowed to use it."""
    url = url_for(name, world)
    browser = browser_for(world.users[role])
    response = browser.get(url)
    if not served(response):
        response = browser.post(url, {})
    assert response.status_code not in {403, 404} and response.status_code < 500, (
        f"{role} on {url} ({name}) answered {response.status_code}"
    )
    assert not is_login_redirect(response, url)


# --- Public pages ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("public"))
def test_public_pages_open_without_a_login(name, world):
    url = url_for(name, world)
    for method in ("get", "post"):
        response = getattr(Browser(), method)(url)
        assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        assert not is_login_redirect(response, url), f"{name} asks for a login"


# --- The signatory's pages ---------------------------------------------------------------------


def neutral(response) -> bool:
    return NEUTRAL_TEMPLATE in template_names(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("signer"))
def test_an_unknown_expired_or_revoked_link_gets_the_neutral_page(name, world):
    assert RULES[name].kwargs is token, "signer rules take the token"
    request = world.decision_request

    def answers(link_token: str) -> list:
        url = reverse(name, kwargs={"token": link_token})
        responses = [Browser().get(url), Browser().post(url, {"code": "123456"})]
        return [response for response in responses if served(response)]

    for response in answers(world.token):
        assert not neutral(response), f"{name}: the control, a valid link, already gets the neutral page"

    for response in answers("not-a-real-token-" + world.token[:8]):
        assert neutral(response), f"{name} with an unknown token: {response.status_code}"

    now = timezone.now()
    DecisionRequest.objects.filter(pk=request.pk).update(
        sent_at=now - datetime.timedelta(days=30), expires_at=now - datetime.timedelta(minutes=1)
    )
    for response in answers(world.token):
        assert neutral(response), f"{name} with an expired token: {response.status_code}"

    DecisionRequest.objects.filter(pk=world.other_request.pk).update(status=DecisionRequest.Status.REVOKED)
    for response in answers(world.other_token):
        assert neutral(response), f"{name} with a revoked token: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("signer_done"))
def test_a_signed_page_is_neutral_for_any_browser_but_the_signers(name, world):
    from recommendations.signing import views_signer

    now = timezone.now()
    DecisionRequest.objects.filter(pk__in=[world.decision_request.pk, world.other_request.pk]).update(
        status=DecisionRequest.Status.COMPLETED, code_verified_at=now, completed_at=now
    )
    url = reverse(name, kwargs=request_id(world))

    stranger = Browser()
    assert neutral(stranger.get(url)), f"{name}: a browser that never signed"

    # A signatory who completed the *other* request cannot use that session for this one.
    signer_of_other = Browser()
    session = signer_of_other.session
    session[views_signer._signer_key(world.other_request.public_id)] = True
    session.save()
    assert neutral(signer_of_other.get(url)), f"{name}: the session of another request"

    signer = Browser()
    session = signer.session
    session[views_signer._signer_key(world.decision_request.public_id)] = True
    session.save()
    response = signer.get(url)
    assert response.status_code < 400 and not neutral(response), f"{name}: the control, the signer's own browser"


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("withdraw_link"))
def test_an_unknown_withdrawal_link_gets_the_neutral_page(name, world):
    valid = reverse(name, kwargs=RULES[name].kwargs(world))
    assert WITHDRAW_NEUTRAL_TEMPLATE not in template_names(Browser().get(valid)), f"{name}: the control, a valid link"
    unknown = reverse(name, kwargs={"token": "not-a-real-token-" + world.withdrawal_token[:8]})
    for response in [Browser().get(unknown), Browser().post(unknown)]:
        assert WITHDRAW_NEUTRAL_TEMPLATE in template_names(response), f"{name} with an unknown token"
        assert "RMM agent" not in response.content.decode()


def test_the_matrix_fails_when_a_rule_is_removed(monkeypatch):
    """Deleting any rule must make the coverage test fail, naming the route."""
    name = "register:client_detail"
    monkeypatch.delitem(RULES, name)
    with pytest.raises(AssertionError, match=re.escape(repr(name))):
        test_every_named_route_has_an_access_rule()


def test_a_new_route_without_a_rule_fails_the_matrix(monkeypatch):
    monkeypatch.setitem(ROUTES, "register:brand_new_page", "brand-new/")
    monkeypatch.setattr(f"{__name__}.CHECKED", [*CHECKED, "register:brand_new_page"])
    with pytest.raises(AssertionError, match="brand_new_page"):
        test_every_named_route_has_an_access_rule()
