"""Who may call which API route: every route of the `api` namespace needs a rule in RULES.

- ``object``      one client's object in the URL: no token 401, another vCIO's token 404 on every
                  method, a read-only token 403 on changes, the owner's token gets in
- ``collection``  a list (and create) across clients: no token 401, another vCIO's token lists none of
                  this client's rows and cannot create for it (400, as for an unknown client), a
                  read-only token 403 on create, the owner's token gets in
- ``schema``      the OpenAPI document: any token, or a staff session
- ``fallback``    any other path under /api/v1/: a JSON 404 for every method, with or without a token
"""

import datetime
import re
from dataclasses import dataclass
from uuid import uuid4

import pytest
from django.core.files.base import ContentFile
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clients.models import RiskSnapshot
from recommendations.models import DecisionRequest, WaiverDocument
from riskreg.api_tokens.services import api_token_revoke
from tests.factories import RecommendationFactory
from tests.recommendations.api.conftest import Api, token_for
from tests.signing_helpers import send_request

WRITES = ("post", "patch")


@dataclass
class World:
    client: object
    contact: object
    recommendation: object
    request: DecisionRequest
    document: WaiverDocument


@dataclass(frozen=True)
class ApiRule:
    kind: str
    methods: tuple[str, ...] = ("get",)
    kwargs: object = None  # World -> reverse kwargs
    body: object = None  # World -> a valid body for the write method


def client_id(w: World) -> dict:
    return {"public_id": w.client.public_id}


def body_for_client(w: World) -> dict:
    return {"client": str(w.client.public_id), "name": "Matrix", "email": "matrix@example.com"}


RULES: dict[str, ApiRule] = {
    "api:clients": ApiRule("collection", ("get", "post"), body=lambda w: {"name": f"Matrix {uuid4().hex[:6]}"}),
    "api:client": ApiRule("object", ("get", "patch"), kwargs=client_id, body=lambda w: {"notes": "matrix"}),
    "api:client_events": ApiRule("object", kwargs=client_id),
    "api:contacts": ApiRule("collection", ("get", "post"), body=body_for_client),
    "api:contact": ApiRule(
        "object", ("get", "patch"), kwargs=lambda w: {"public_id": w.contact.public_id}, body=lambda w: {"title": "CEO"}
    ),
    "api:recommendations": ApiRule(
        "collection",
        ("get", "post"),
        body=lambda w: {
            "client": str(w.client.public_id),
            "title": "Matrix",
            "description": "d",
            "why_it_matters": "w",
            "consequences": "c",
            "likelihood": 2,
            "impact": 2,
        },
    ),
    "api:recommendation": ApiRule(
        "object",
        ("get", "patch"),
        kwargs=lambda w: {"public_id": w.recommendation.public_id},
        body=lambda w: {"rationale": "r"},
    ),
    "api:recommendation_transition": ApiRule(
        "object",
        ("post",),
        kwargs=lambda w: {"public_id": w.recommendation.public_id, "action": "defer"},
        body=lambda w: {},
    ),
    "api:requests": ApiRule(
        "collection",
        ("get", "post"),
        body=lambda w: {
            "client": str(w.client.public_id),
            "signatory": str(w.contact.public_id),
            "recommendations": [str(RecommendationFactory(client=w.client, status="presented").public_id)],
        },
    ),
    "api:request": ApiRule("object", kwargs=lambda w: {"public_id": w.request.public_id}),
    "api:request_revoke": ApiRule(
        "object", ("post",), kwargs=lambda w: {"public_id": w.request.public_id}, body=lambda w: {}
    ),
    "api:decisions": ApiRule("collection"),
    "api:documents": ApiRule("collection"),
    "api:document": ApiRule("object", kwargs=lambda w: {"public_id": w.document.public_id}),
    "api:document_download": ApiRule("object", kwargs=lambda w: {"public_id": w.document.public_id}),
    "api:snapshots": ApiRule("collection"),
    "api:schema": ApiRule("schema"),
    "api:docs": ApiRule("schema"),
    "api:not_found": ApiRule("fallback"),
}
# What each list must show the owner and hide from everyone else.
LIST_ROWS = {
    "api:clients": lambda w: str(w.client.public_id),
    "api:contacts": lambda w: str(w.contact.public_id),
    "api:recommendations": lambda w: str(w.recommendation.public_id),
    "api:requests": lambda w: str(w.request.public_id),
    "api:decisions": lambda w: str(w.document.request.decisions.first().public_id),
    "api:documents": lambda w: str(w.document.public_id),
    "api:snapshots": lambda w: str(w.client.public_id),
}


def api_routes() -> list[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "api":
                yield f"api:{pattern.name}"

    return sorted(walk(get_resolver().url_patterns))


def test_every_api_route_has_a_rule():
    missing = [name for name in api_routes() if name not in RULES]
    assert not missing, f"Add these API routes to RULES in {__name__}: {missing}"
    assert not set(RULES) - set(api_routes()), "a rule names a route that does not exist"


@pytest.fixture
def world(client_record, vcio) -> World:
    from recommendations import signing
    from tests.recommendations.signing.test_signing import signer_evidence, verify_code

    recommendation = RecommendationFactory(client=client_record, status="presented", title="Offsite backups")
    open_request = send_request(client_record, vcio, titles=("Multi-factor authentication",))[0]
    signed = send_request(client_record, vcio, titles=("EDR",))[0]
    verify_code(signed)
    item = signed.items.get()
    signing.decision_request_complete(
        request=signed, choices=[signing.ItemChoice(item.pk, "refuse", "No budget")], evidence=signer_evidence()
    )
    document = WaiverDocument.objects.create(
        document_id=f"RR-TEST-{uuid4().hex[:8]}",
        request=signed,
        kind=WaiverDocument.Kind.WAIVER,
        file=ContentFile(b"%PDF-1.4\n%test\n", name="test.pdf"),
        sha256=uuid4().hex * 2,
        rendered_at=timezone.now(),
    )
    RiskSnapshot.objects.create(
        client=client_record,
        taken_on=timezone.localdate() - datetime.timedelta(days=1),
        score=10,
        band="low",
        coverage=100,
    )
    return World(
        client=client_record,
        contact=client_record.contacts.get(),
        recommendation=recommendation,
        request=open_request,
        document=document,
    )


def url_of(name: str, w: World) -> str:
    rule = RULES[name]
    if rule.kind == "fallback":
        return "/api/v1/clients/not-a-uuid/"
    return reverse(name, kwargs=rule.kwargs(w) if rule.kwargs else {})


def call(api: Api | None, method: str, url: str, body=None):
    if api is None:
        browser = Browser()
        return (
            browser.get(url)
            if method == "get"
            else getattr(browser, method)(url, "{}", content_type="application/json")
        )
    return api.get(url) if method == "get" else getattr(api, method)(url, body or {})


def routes_of(kind: str) -> list[str]:
    return [name for name in api_routes() if RULES.get(name, ApiRule("")).kind == kind]


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("object") + routes_of("collection"))
def test_without_a_token_every_route_answers_401(name, world):
    for method in RULES[name].methods:
        response = call(None, method, url_of(name, world))
        assert response.status_code == 401, f"{method} {name}: {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("object") + routes_of("collection"))
def test_a_revoked_or_unknown_token_answers_401(name, world, vcio):
    token = token_for(vcio)
    api_token_revoke(actor=vcio, token=vcio.api_tokens.get(prefix=token[:10]))
    for api in (Api(token), Api("rr_" + "x" * 43)):
        response = (
            call(api, "get", url_of(name, world))
            if "get" in RULES[name].methods
            else call(api, "post", url_of(name, world))
        )
        assert response.status_code == 401, f"{name}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("object"))
def test_a_vcios_token_gets_404_for_another_vcios_client(name, world, outsider_api):
    rule = RULES[name]
    for method in rule.methods:
        body = rule.body(world) if rule.body and method in WRITES + ("post",) else None
        response = call(outsider_api, method, url_of(name, world), body)
        assert response.status_code == 404, f"outsider {method} {name}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("collection"))
def test_another_vcio_lists_none_of_the_clients_rows_and_cannot_create_for_it(name, world, outsider_api, vcio_api):
    rule = RULES[name]
    row = LIST_ROWS[name](world)
    key = "client" if name == "api:snapshots" else "id"

    mine = [str(item[key]) for item in vcio_api.get(url_of(name, world)).json()["results"]]
    theirs = [str(item[key]) for item in outsider_api.get(url_of(name, world)).json()["results"]]
    assert row in mine, f"{name}: the control, the owner sees the row"
    assert row not in theirs and theirs == [], f"{name}: {theirs}"
    if "post" in rule.methods and name != "api:clients":
        response = outsider_api.post(url_of(name, world), rule.body(world))
        assert response.status_code == 400 and response.json().get("client") == ["No client with this id."], name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [name for name in routes_of("object") + routes_of("collection") if set(RULES[name].methods) & {"post", "patch"}],
)
def test_a_read_only_token_gets_403_on_every_change_and_reads(name, world, vcio_read_api):
    rule = RULES[name]
    for method in rule.methods:
        response = call(vcio_read_api, method, url_of(name, world), rule.body(world) if rule.body else None)
        if method == "get":
            assert response.status_code == 200, f"read-only GET {name}: {response.status_code}"
        else:
            assert response.status_code == 403, f"read-only {method} {name}: {response.status_code}"
            assert "read-only" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("object") + routes_of("collection"))
def test_the_owners_token_gets_in(name, world, vcio_api):
    """The control for the checks above: the same call works for the client's own vCIO."""
    rule = RULES[name]
    for method in rule.methods:
        response = call(vcio_api, method, url_of(name, world), rule.body(world) if rule.body else None)
        assert response.status_code in {200, 201}, f"{method} {name}: {response.status_code} {response.content[:300]}"


@pytest.mark.django_db
def test_the_openapi_document_needs_a_token_or_a_staff_session(vcio, vcio_read_api):
    url = reverse("api:schema")
    session = Browser()
    session.force_login(vcio)

    assert Browser().get(url).status_code == 401
    assert vcio_read_api.get(url).status_code == 200
    assert session.get(url).status_code == 200
    assert re.match(r"3\.\d+\.\d+", vcio_read_api.get(url).json()["openapi"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", routes_of("fallback"))
def test_any_other_api_path_is_a_json_404_for_every_method(name, world, vcio_api):
    url = url_of(name, world)
    for response in (
        Browser().get(url),
        Browser().post(url, "{}", content_type="application/json"),
        vcio_api.get(url),
        vcio_api.patch(url, {}),
        vcio_api.get("/api/v1/requests/a%0Ab/revoke/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "No such API route."}
