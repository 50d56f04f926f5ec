"""User-entered text is shown, never run: script and markup in names, titles and reasons come out
escaped on staff pages, the signer's page and the emails."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from riskreg.mail.models import OutboundEmail
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory
from tests.signing_helpers import send_request

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = '<script>alert("pwned")</script>'
MARKUP = '<img src=x onerror="alert(1)"><b>bold</b>'
PAYLOAD = SCRIPT + MARKUP


def assert_escaped(html: str, where: str) -> None:
    assert SCRIPT not in html, f"raw <script> payload on {where}"
    assert '<img src=x onerror="alert(1)">' not in html, f"raw markup payload on {where}"
    assert "&lt;script&gt;alert(" in html, f"the payload text is not shown (escaped) on {where}"


@pytest.fixture
def hostile(vcio):
    client = ClientFactory(name=f"Evil {PAYLOAD} Ltd", vcio=vcio, notes=PAYLOAD)
    ContactFactory(client=client, name=f"Mallory {PAYLOAD}", title=PAYLOAD, email="mallory@evil.example")
    RecommendationFactory(client=client, status="presented", title=f"Backups {PAYLOAD}", description=PAYLOAD)
    return client


@pytest.mark.django_db
def test_staff_pages_escape_names_titles_and_notes(vcio_client, hostile):
    pages = {
        "client list": reverse("clients:list"),
        "client page": reverse("register:client_detail", args=[hostile.public_id]),
        "risk breakdown": reverse("register:client_risk", args=[hostile.public_id]),
        "client edit form": reverse("register:client_edit", args=[hostile.public_id]),
    }
    for where, url in pages.items():
        response = vcio_client.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)


@pytest.mark.django_db
def test_the_managers_dashboard_escapes_client_names(manager_client, hostile):
    assert_escaped(manager_client.get(reverse("register:dashboard")).content.decode(), "dashboard")


@pytest.mark.django_db
def test_the_signer_page_and_the_emails_escape_what_staff_typed(client, vcio, hostile):
    cache.clear()
    request, token, _ = send_request(hostile, vcio, titles=(f"MFA {PAYLOAD}",))
    assert_escaped(client.get(reverse("sign:start", kwargs={"token": token})).content.decode(), "signer page")
    emails = OutboundEmail.objects.filter(scope=hostile.scope)
    assert emails.exists()
    for email in emails:
        assert SCRIPT not in email.body_html, f"raw <script> in the {email.kind} email"
        assert "<img src=x" not in email.body_html, f"raw markup in the {email.kind} email"


TRUST_MARKERS = re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off|mark_safe\(|SafeString\(|format_html\(")
# Reviewed uses that put trusted (never user-entered) HTML on a page. Add a line only after review.
REVIEWED: set[str] = set()


def test_no_template_or_view_marks_text_as_safe_without_review():
    offenders = []
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "clients").rglob("*.py")]
    files += [*(ROOT / "recommendations").rglob("*.py"), *(ROOT / "riskreg").rglob("*.py")]
    for path in files:
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            location = f"{path.relative_to(ROOT)}:{number}"
            if TRUST_MARKERS.search(line) and location.split(":")[0] not in REVIEWED:
                offenders.append(f"{location}: {line.strip()}")
    assert not offenders, (
        "Text marked safe skips HTML escaping. Escape it instead, or add the file to REVIEWED in "
        "tests/riskreg/test_security_escaping.py after checking no user input reaches it:\n" + "\n".join(offenders)
    )
