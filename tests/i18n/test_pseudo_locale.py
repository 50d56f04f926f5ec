"""Nothing a person reads is left unmarked for translation (issue 24, "Done when", first bullet).

Every msgid of our catalog and of Django's is "translated" to itself between ⟦ and ⟧ and installed
as English's translation (tests/i18n/pseudo.py); then every page, email and PDF is rendered in it,
and any English outside the markers that is not data is a finding. A finding means a string
nobody marked (or a date, number or label formatted in English): mark it, run makemessages,
translate it.

Where to look when this test fails or grows:

- the pages are every named route of tests/riskreg/test_authorization_matrix.py (RULES), built
  from its World, plus the extra views below (EXTRA_PAGES, the signer steps, errors, withdrawal,
  /verify/); a route that answers CSV, JSON or a PDF is not a page (the PDFs are checked below);
- the allow-list is tests/i18n/pseudo.py ALLOWED_WORDS (product names, acronyms, UTC) and the data
  the test built (every text field of every row of our apps' models, read before and after the
  walk, see `built_data`), plus what is data by nature: language names, webhook event identifiers
  and the versioned legal texts of recommendations/signing/content.py (matched by the pieces a PDF
  wraps them into). Not read at all: <code>/<pre> (verbatim: a setup key, an email's source), an
  element whose lang attribute names another language, and withheld-secret placeholders;
- tests/i18n/test_pseudo_detects.py proves the check finds an unmarked template string, Python
  message and PDF label, and passes marked ones.
"""

import dataclasses
import datetime
import re
import subprocess
from collections.abc import Iterable, Iterator

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.template import engines
from django.test import Client as Browser
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from django.utils import timezone

from clients.models import PracticeProfile
from recommendations.models import DecisionRequest, WaiverDocument
from riskreg.mail.models import OutboundEmail
from tests.i18n.pseudo import PSEUDO, WORD, Data, build_pseudo_locale, findings, use_pseudo_locale, visible_text
from tests.riskreg.test_authorization_matrix import RULES, World, url_for
from tests.signing_helpers import latest_code, refusal_form

# Apps whose rows are data (names, titles, references the test built), not our wording.
DATA_APPS = {"clients", "recommendations", "accounts", "webhooks", "api_tokens", "riskreg"}
# Rows that hold text our code wrote in English (emails, audit payloads): never allow-listed.
NOT_DATA = {"mail.OutboundEmail", "audit.AuditEvent", "audit.ChainHead"}
# Routes whose answer is not a page, or which only act: checked through the pages they lead to.
NOT_PAGES = {"healthz", "logout", "accounts:logout_everywhere"}
# Pages beyond the named routes' defaults: the client page's other tabs, lists with filters.
DASHBOARD_LISTS = ("due", "unsigned", "review", "overdue-reviews", "no-consent", "conditions", "clients")
CLIENT_TABS = ("requests", "software", "timeline", "contacts", "agreements", "documents", "relationship")
EXTRA_PAGES = [
    *(("register:client_detail", None, f"?section={tab}") for tab in CLIENT_TABS),
    *(("register:dashboard_list", {"kind": kind}, "") for kind in DASHBOARD_LISTS),
    ("clients:list", {}, "?q=zzz"),
]
# Forms that show their errors when sent empty.
FORM_ROUTE = re.compile(r"(create|edit|prepare|schedule|practice_profile|client_value|account|password_change|verify)$")


@pytest.fixture(scope="session")
def pseudo_root(tmp_path_factory):
    return build_pseudo_locale(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture
def pseudo(settings, pseudo_root) -> Iterator[None]:
    """The pseudo catalog as English's translation, for the requests and the code the test runs."""
    with use_pseudo_locale(settings, pseudo_root):
        yield


LANGUAGE_FIELDS = ("language", "preferred_language", "default_language")


def speak_pseudo() -> None:
    """Every stored language choice (a contact's, a staff member's, the practice's) set to the
    pseudo locale's, whatever part of issue 24 added it, so no code path picks French."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name in LANGUAGE_FIELDS]
        if names:
            model.objects.update(**dict.fromkeys(names, PSEUDO))


def browser(user=None) -> Browser:
    visitor = Browser(HTTP_ACCEPT_LANGUAGE=PSEUDO)
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = PSEUDO
    if user is not None:
        visitor.force_login(user)
    return visitor


Texts = tuple[set[str], set[str]]


def built_texts() -> Texts:
    """(phrases, words): every text the test built, as the database holds it now. The walk
    changes some (the practice's name once it is set up for CASL), so it is read before and after."""
    phrases: set[str] = set()
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS or model._meta.label in NOT_DATA:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            for value in filter(None, row):
                phrases.add(str(value))
                if len(str(value)) <= 200:  # names, titles, references: their words too
                    words.update(WORD.findall(str(value)))
    return phrases, words


def built_data(*earlier: Texts, extra: Iterable[str] = ()) -> Data:
    """Every text the test built (now and at each of `earlier`), plus what is data by nature."""
    phrases, words = set(extra), set(extra)
    for more_phrases, more_words in [*earlier, built_texts()]:
        phrases |= more_phrases
        words |= more_words
    # A language is named in its own language in a language switcher: "English", "Français (Canada)".
    phrases.update(str(name) for _, name in django_settings.LANGUAGES)
    # Webhook event identifiers ("request.sent") are the names receivers match on, in every language.
    from riskreg.webhooks.events import EVENT_TYPES, PING

    phrases.update([*EVENT_TYPES, PING])
    passages = list(legal_texts())
    phrases.update(passages)
    return Data(phrases, words, passages)


def legal_texts() -> Iterator[str]:
    """The versioned legal texts (part 41): chosen by the record's language, not gettext strings,
    so an English record quotes them in English. A text built around names (why CASL consent is
    sought) counts by its fixed pieces; a PDF wraps them over lines, which the check allows."""
    from recommendations.signing import content

    yield from _strings(vars(content))
    gap = "\x00"
    for language in content.LANGUAGES:
        built = content.sought_because(practice_name=gap, client_name=gap, language=language)
        yield from (piece for piece in built.split(gap) if len(piece.split()) >= 3)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not str(key).startswith("__"):
                yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield from _strings(dataclasses.asdict(value))


class Report:
    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.broken: list[str] = []

    def page(self, where: str, response, *, expected: tuple[int, ...] = ()) -> None:
        """An HTML answer's visible text (a redirect is followed by the caller). A staff page must
        answer `expected`: a 403 or 404 there would check the error page instead of the page."""
        kind = response.get("Content-Type", "")
        unexpected = expected and response.status_code not in expected
        if unexpected or response.status_code >= 500 or (response.status_code == 404 and "text/html" not in kind):
            self.broken.append(f"{where}: answered {response.status_code}")
        elif "text/html" in kind:
            self.texts.append((where, visible_text(response.content.decode())))

    def text(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def results(self, data: Data) -> list[str]:
        """Each finding once, with where it was first seen and on how many pages or documents."""
        seen: dict[str, list[str]] = {}
        for where, text in self.texts:
            for finding in findings(text, data):
                seen.setdefault(finding, []).append(where)
        lines = [f"{text!r}  ({len(wheres)}x, first: {wheres[0]})" for text, wheres in seen.items()]
        return self.broken + lines


def role_for(name: str) -> str:
    roles = RULES[name].roles
    return next(role for role in ("manager", "admin", "vcio") if role in roles)


def staff_pages(w: World, report: Report) -> None:
    names = [n for n, rule in RULES.items() if rule.kind in {"staff", "client"} and n not in NOT_PAGES]
    visitors = {role: browser(user) for role, user in w.users.items()}
    actions = []
    for name in sorted(names):
        url, visitor = url_for(name, w), visitors[role_for(name)]
        response = visitor.get(url, follow=True)
        if response.status_code == 405:
            actions.append(name)
            continue
        report.page(f"GET {url} ({name})", response, expected=(200,))
        if FORM_ROUTE.search(name):
            report.page(f"POST {url} ({name}, empty)", visitor.post(url, {}, follow=True), expected=(200, 400))
    for name, kwargs, query in EXTRA_PAGES:
        url = reverse(name, kwargs={"public_id": w.client.public_id} if kwargs is None else kwargs) + query
        report.page(f"GET {url}", visitors["manager"].get(url, follow=True), expected=(200,))
    # Actions last: they may change what the pages above show. Their message is on the next page.
    for name in actions:
        url = url_for(name, w)
        report.page(f"POST {url} ({name})", visitors[role_for(name)].post(url, {}, follow=True), expected=(200, 400))


def public_pages(w: World, report: Report) -> None:
    visitor = browser()
    for path in ("/accounts/login/", reverse("verify:page"), reverse("verify:page") + "?sha256=" + "0" * 64):
        report.page(f"GET {path}", visitor.get(path))
    report.page("POST login (wrong password)", visitor.post("/accounts/login/", {"username": "x", "password": "y"}))
    report.page("POST /verify/ (no file)", visitor.post(reverse("verify:page"), {}))
    factory = RequestFactory()
    for status in (400, 403, 404, 500):
        handler = get_resolver().resolve_error_handler(status)
        request = factory.get("/missing/")
        response = handler(request) if status == 500 else handler(request, exception=None)
        report.text(f"error page {status}", visible_text(response.content.decode()))
    from riskreg.errors import too_many_requests

    report.page("rate-limit page", too_many_requests(factory.get("/sign/x/")))


def signer_pages(w: World, report: Report) -> None:
    """Every step of a signature, its errors, and the pages of a used, locked or unknown link."""
    request, token = w.decision_request, w.token
    signer = browser()
    report.page("signer start", signer.get(reverse("sign:start", kwargs={"token": token})))
    report.page("signer code sent", signer.post(reverse("sign:send_code", kwargs={"token": token}), follow=True))
    verify_url = reverse("sign:verify", kwargs={"token": token})
    report.page("signer wrong code", signer.post(verify_url, {"code": "12"}))
    wrong = "000000" if latest_code(request) != "000000" else "111111"
    report.page("signer code not matching", signer.post(verify_url, {"code": wrong}))
    report.page("signer decide", signer.post(verify_url, {"code": latest_code(request)}, follow=True))
    decide_url = reverse("sign:decide", kwargs={"token": token})
    report.page("signer decide, errors", signer.post(decide_url, {}))
    item = request.items.get()
    # Accepted: the matrix's World has exactly one refused recommendation; the waiver is signed below.
    form = {**refusal_form(item.pk, typed_name="Hélène Côté"), f"outcome_{item.pk}": "accept"}
    done = signer.post(decide_url, form, follow=True)
    report.page("signer done", done)
    report.page("signer link used", signer.get(reverse("sign:start", kwargs={"token": token}), follow=True))
    report.page("signer link used, other browser", browser().get(reverse("sign:start", kwargs={"token": token})))
    report.page("signer unknown link", browser().get(reverse("sign:start", kwargs={"token": "not-a-token"})))
    # The other request, locked by wrong codes.
    other, other_token = w.other_request, w.other_token
    locker = browser()
    locker.post(reverse("sign:send_code", kwargs={"token": other_token}))
    wrong = "000000" if latest_code(other) != "000000" else "111111"
    for _ in range(6):
        last = locker.post(reverse("sign:verify", kwargs={"token": other_token}), {"code": wrong})
    report.page("signer locked", last)
    report.page("signer locked link reopened", browser().get(reverse("sign:start", kwargs={"token": other_token})))
    DecisionRequest.objects.filter(pk=other.pk).update(status=DecisionRequest.Status.VOIDED)
    report.page("signer voided", browser().get(reverse("sign:start", kwargs={"token": other_token})))


def consent_pages(w: World, report: Report) -> None:
    """A software consent request (its own start page, choices and record), signed through the pages."""
    from recommendations import signing
    from tests.recommendations.signing.test_consent import casl_practice
    from tests.signing_helpers import signature_data_url, token_from_mail

    casl_practice()
    request = signing.consent_request_send(
        actor=w.users["vcio"], client=w.client, signatory=w.contact, software=[w.software], message="Thanks."
    )
    token, signer = token_from_mail(request), browser()
    report.page("consent start", signer.get(reverse("sign:start", kwargs={"token": token})))
    signer.post(reverse("sign:send_code", kwargs={"token": token}))
    verify_url = reverse("sign:verify", kwargs={"token": token})
    report.page("consent decide", signer.post(verify_url, {"code": latest_code(request)}, follow=True))
    decide_url = reverse("sign:decide", kwargs={"token": token})
    report.page("consent decide, errors", signer.post(decide_url, {}))
    item = request.items.get()
    form = {
        **refusal_form(item.pk, typed_name="Hélène Côté", reason=""),
        "signature": signature_data_url(),
        f"outcome_{item.pk}": "consent_given",
    }
    report.page("consent done", signer.post(decide_url, form, follow=True))


def withdrawal_pages(w: World, report: Report) -> None:
    url = reverse("clients:withdraw", kwargs={"token": w.withdrawal_token})
    report.page("withdraw confirm", browser().get(url))
    report.page("withdraw done", browser().post(url, follow=True))
    report.page("withdraw unknown", browser().get(reverse("clients:withdraw", kwargs={"token": "not-a-token"})))


def emails(report: Report) -> None:
    """Every email the walk sent (subjects come from Python), and every email template rendered
    with every variable filled, so a branch no walk reached is read too."""
    for email in OutboundEmail.objects.order_by("pk"):
        where = f"email {email.kind}"
        report.text(f"{where} subject", email.subject)
        report.text(f"{where} text", email.body_text)
        if email.body_html:
            report.text(f"{where} html", visible_text(email.body_html))
    engine = engines["django"]
    folder = django_settings.BASE_DIR / "templates" / "emails"
    for path in sorted(folder.rglob("*.*")):
        name = str(path.relative_to(folder.parent))
        rendered = filled_render(engine.get_template(name))
        report.text(f"template {name}", visible_text(rendered) if path.suffix == ".html" else rendered)


class Value(str):
    """A template variable no one passed: data, truthy, with any attribute and one item."""

    def __new__(cls) -> "Value":
        return super().__new__(cls, "Zed")

    def __getattr__(self, name: str) -> "Value":
        if name.startswith("__"):
            raise AttributeError(name)
        if hasattr(datetime.datetime, name):  # formatted as a date: behave as one
            return getattr(datetime.datetime(2026, 3, 3, 14, 30, tzinfo=datetime.UTC), name)
        return Value()

    def __getitem__(self, key) -> "Value":
        return Value()

    def __iter__(self):
        return iter([Value()])

    def __len__(self) -> int:
        return Value.width

    width = 1  # how many names a {% for a, b in … %} unpacks each item into


def filled_render(template) -> str:
    # A pluralised sentence counts a number: give each variable it counts a number instead of data.
    counted = re.findall(r"\bcount\s+\w+=(\w+)(?=[\s%])", template.template.source)
    for Value.width in (1, 2, 3):
        try:
            return template.render(Filled(dict.fromkeys(counted, 2)))
        except ValueError:  # a loop unpacks more names per item
            continue
        finally:
            Value.width = 1
    raise AssertionError(f"{template.origin.name} does not render with every variable filled")


class Filled(dict):
    def __contains__(self, key) -> bool:
        return True

    def __getitem__(self, key):
        return super().__getitem__(key) if dict.__contains__(self, key) else Value()

    def get(self, key, default=None):
        return self[key]


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def documents(w: World, report: Report) -> None:
    """The sealed records the walk produced (waiver, consent), a briefing and an offboarding letter."""
    from tests.recommendations.documents.test_pipeline import sign_request
    from tests.signing_helpers import document_create

    sign_request(w.client, w.users["vcio"])  # a refusal and an acceptance: the waiver
    for request in DecisionRequest.objects.filter(status=DecisionRequest.Status.COMPLETED):
        document_create(request)
    for document in WaiverDocument.objects.exclude(file=""):
        with default_storage.open(document.file.name, "rb") as handle:
            head = handle.read()
        if head.startswith(b"%PDF") and len(head) > 1000:
            report.text(f"PDF {document.kind} {document.document_id}", pdf_text(head))
            verified = head
    # /verify/ with a real sealed record: the upload's result and the lookup's.
    upload = SimpleUploadedFile("record.pdf", verified, content_type="application/pdf")
    report.page("verify upload", browser().post(reverse("verify:page"), {"file": upload}))
    document = WaiverDocument.objects.exclude(file="").order_by("pk").last()
    query = f"?id={document.document_id}&sha256={document.sha256}"
    report.page("verify lookup", browser().get(reverse("verify:page") + query))
    from recommendations.briefing.services import briefing_render

    briefing = briefing_render(
        client=w.client, actor=w.users["vcio"], note="", document_id="BRF-2026-000001", today=timezone.localdate()
    )
    report.text("PDF briefing", pdf_text(briefing))
    from clients.services import relationship_decision_record
    from recommendations.documents.letters import letter_data
    from recommendations.documents.pdf.offboarding import render_offboarding_letter
    from recommendations.relationship.offboarding import offboarding_letter_issue

    decision = relationship_decision_record(
        actor=w.users["manager"],
        client=w.client,
        outcome="offboard",
        conditions="",
        next_review_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    letter = offboarding_letter_issue(
        actor=w.users["manager"],
        decision=decision,
        addressee=w.contact,
        effective_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    report.text("PDF offboarding letter", pdf_text(render_offboarding_letter(letter_data(letter))))


@pytest.mark.django_db
def test_every_page_email_and_pdf_is_marked_for_translation(pseudo, world, django_capture_on_commit_callbacks):
    speak_pseudo()
    PracticeProfile.load()  # its letterhead as the first pages show it, before the walk changes it
    before = built_texts()
    report = Report()
    with django_capture_on_commit_callbacks(execute=True):
        signer_pages(world, report)
        consent_pages(world, report)
    withdrawal_pages(world, report)
    public_pages(world, report)
    staff_pages(world, report)
    with django_capture_on_commit_callbacks(execute=True):
        documents(world, report)
    emails(report)
    problems = report.results(built_data(before, extra=[str(Value())]))
    assert not problems, f"{len(problems)} strings shown in English under the pseudo locale:\n" + "\n".join(problems)
