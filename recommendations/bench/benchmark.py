"""The benchmark behind `make bench`: targets, measuring, and the results table and JSON.

`manage.py bench` (recommendations/management/commands/bench.py) builds the datasets and runs
one worker process per database; each worker calls `measure_portfolio` (or
`measure_signing` on a throw-away copy) and hands its figures back as JSON. This module holds
what both sides share: the targets, how a figure is timed, and how results are judged.

Every figure is the median of repeated runs after a warm-up, taken in-process (Django's test
client for pages, the services themselves otherwise), with the number of SQL queries of one
run. A figure whose feature does not exist (yet) is reported as missing — never estimated.
"""

import datetime
import io
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.test import Client as TestClient
from django.urls import reverse
from django.utils import timezone

# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    unit: str
    limit: float | None = None  # None: shown for context, not judged
    higher_is_better: bool = False
    max_queries: int | None = None
    # The figure's query count must equal this other figure's (same page on the small dataset).
    same_queries_as: str | None = None

    def describe(self) -> str:
        if self.limit is None:
            return ""
        parts = [f"{'≥' if self.higher_is_better else '≤'} {self.limit:g} {self.unit}".strip()]
        if self.max_queries is not None:
            parts.append(f"≤ {self.max_queries} queries")
        if self.same_queries_as:
            parts.append("queries independent of size")
        return ", ".join(parts)


TARGETS: dict[str, Target] = {
    "dashboard": Target("Manager dashboard, {large} clients", "ms", 150, max_queries=15),
    "dashboard_small": Target("Manager dashboard, {small} clients", "ms"),
    "dashboard_ratio": Target("Dashboard {large} / {small} clients", "×", 2.0),
    "clients_list": Target("Clients list page", "ms", 80, max_queries=10),
    "client_detail": Target("Client detail page", "ms", 60, same_queries_as="client_detail_small"),
    "client_detail_small": Target("Client detail page, {small} clients", "ms"),
    "client_breakdown": Target("Risk breakdown page", "ms", 60, same_queries_as="client_breakdown_small"),
    "client_breakdown_small": Target("Risk breakdown page, {small} clients", "ms"),
    "roadmap_page": Target("Roadmap page", "ms", 60, same_queries_as="roadmap_page_small"),
    "roadmap_page_small": Target("Roadmap page, {small} clients", "ms"),
    "rescore_all": Target("rescore_clients, whole portfolio", "s", 3),
    "reack_sweep": Target("Re-acknowledgment sweep ({due} due of {refusals})", "s", 5),
    "waiver_render": Target("Waiver render", "ms", 25),
    "waiver_render_seal": Target("Waiver render + seal", "ms", 100),
    "waiver_render_seal_timestamp": Target("Waiver render + seal + timestamp (local TSA)", "ms", 150),
    "briefing_render": Target("Briefing render (figures + PDF)", "ms", 60),
    "pdf_floor": Target("One-page minimal reportlab PDF (floor)", "ms"),
    "waiver_floor_ratio": Target("Waiver render / floor", "×"),
    "decide_and_sign": Target("Decide-and-sign POST, sequential", "per s", 30, higher_is_better=True),
    "csv_export": Target("CSV export, whole portfolio", "s", 2),
    "api_clients": Target("API client list, {large} clients (50 a page)", "ms", 60, same_queries_as="api_clients_200"),
    "api_clients_200": Target("API client list, 200 a page", "ms"),
}
ORDER = list(TARGETS)


@dataclass
class Figure:
    value: float | None
    unit: str
    queries: int | None = None
    note: str = ""


def missing(unit: str, note: str) -> Figure:
    return Figure(value=None, unit=unit, note=f"missing: {note}")


def judge(name: str, figure: Figure, figures: dict[str, Figure]) -> bool | None:
    """True or False against the figure's target; None when it has none. Missing is a miss."""
    target = TARGETS.get(name)
    if target is None or target.limit is None:
        return None
    if figure.value is None:
        return False
    met = figure.value >= target.limit if target.higher_is_better else figure.value <= target.limit
    if target.max_queries is not None:
        met = met and figure.queries is not None and figure.queries <= target.max_queries
    if target.same_queries_as:
        other = figures.get(target.same_queries_as)
        met = met and other is not None and other.queries is not None and other.queries == figure.queries
    return met


def results(*, database: str, figures: dict[str, Figure], context: dict[str, Any]) -> dict[str, Any]:
    """The results document: {"database", "figures": {name: {value, unit, queries, target, met}}, ...}."""
    out = {}
    for name in [*ORDER, *sorted(set(figures) - set(ORDER))]:
        if name not in figures:
            continue
        figure = figures[name]
        target = TARGETS.get(name)
        entry = {
            "value": None if figure.value is None else round(figure.value, 3),
            "unit": figure.unit,
            "queries": figure.queries,
            "target": target.describe() if target else "",
            "met": judge(name, figure, figures),
        }
        if figure.note:
            entry["note"] = figure.note
        out[name] = entry
    return {"database": database, **context, "figures": out}


def missed(document: dict[str, Any]) -> list[str]:
    """Names of figures that have a target and did not meet it (missing ones included)."""
    return [name for name, entry in document["figures"].items() if entry["met"] is False]


def label(name: str, context: dict[str, Any]) -> str:
    target = TARGETS.get(name)
    if target is None:
        return name
    values = {key: f"{value:,}" if isinstance(value, int) else value for key, value in context.items()}
    try:
        return target.label.format(**values)
    except (KeyError, ValueError):
        return target.label


def table(document: dict[str, Any]) -> str:
    """A Markdown table of the results (it reads as well in a terminal as in the README)."""
    context = {**document.get("clients", {}), **document.get("sweep", {})}
    rows = [("Figure", "Value", "Queries", "Target", "Result")]
    for name, entry in document["figures"].items():
        value = entry["value"]
        shown = "missing" if value is None else f"{_number(value)} {entry['unit']}".strip()
        result = {True: "met", False: "MISSED", None: ""}[entry["met"]]
        queries = "" if entry["queries"] is None else str(entry["queries"])
        rows.append((label(name, context), shown, queries, entry["target"], result))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def write(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


# --- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    queries: int
    runs: int


class QueryCounter:
    """Counts the SQL statements run on the default connection while active.

    An execute wrapper rather than CaptureQueriesContext: that keeps only the last 9,000
    queries, and the sweep runs more."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "QueryCounter":
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapping.__exit__(*exc)


def timed(work: Callable[[], Any], *, repeat: int, warmup: int = 1) -> Timing:
    """Median wall time of `repeat` runs after `warmup` runs; the queries of the first warm-up run.

    Queries are counted on a warm-up run only: counting them costs time of its own."""
    with QueryCounter() as counter:
        work()
    queries = counter.count
    for _ in range(warmup - 1):
        work()
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        durations.append(time.perf_counter() - started)
    return Timing(statistics.median(durations), queries, repeat)


def rolled_back(work: Callable[[], Any]) -> Callable[[], None]:
    """Run `work` in a transaction that is rolled back, so every run does the same work.

    The on-commit callbacks it queues (task publishing) run before the rollback, as they would
    after a commit, so their cost is in the figure."""

    def run() -> None:
        with transaction.atomic():
            start = len(connection.run_on_commit)
            work()
            callbacks = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _, callback, _ in callbacks:
                callback()
            transaction.set_rollback(True)

    return run


def figure_of(timing: Timing, unit: str) -> Figure:
    scale = {"ms": 1000, "s": 1}[unit]
    return Figure(value=timing.median * scale, unit=unit, queries=timing.queries)


# --- the portfolio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    repeat: int = 15  # pages and documents
    heavy_repeat: int = 5  # whole-portfolio work
    signings: int = 40


def dataset_day() -> datetime.date:
    """The day the dataset was built: refusals were spread around it, so the sweep and the
    rescoring run "as of" that day measure the same work however old the cached database is."""
    from clients.models import Client

    built = Client.objects.aggregate(last=Max("created_at"))["last"]
    return timezone.localdate(built) if built else timezone.localdate()


def dataset_facts(day: datetime.date) -> dict[str, int]:
    from clients.models import Client, RiskSnapshot
    from recommendations.models import Recommendation
    from riskreg.audit.models import AuditEvent

    refused = Recommendation.objects.filter(status=Recommendation.Status.REFUSED)
    return {
        "clients": Client.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "refusals": refused.count(),
        # What the sweep acts on: a heads-up window (30 days) entered, valid-until reached, or past grace.
        "due": refused.filter(valid_until__lte=day + datetime.timedelta(days=30)).count(),
        "audit_events": AuditEvent.objects.count(),
        "snapshots": RiskSnapshot.objects.count(),
    }


def manager_client() -> TestClient:
    """A test client logged in as the demo manager, past the second login step: a confirmed
    device is in the session, as after entering a code, so 2FA stays on as in production."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from riskreg.accounts.models import User

    manager = User.objects.filter(role=User.Role.MANAGER, is_active=True).order_by("pk").first()
    if manager is None:
        raise RuntimeError("the dataset has no manager; run seed_demo")
    device, _ = StaticDevice.objects.get_or_create(user=manager, name="bench", defaults={"confirmed": True})
    browser = TestClient()
    browser.force_login(manager)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def page(browser: TestClient, url: str) -> Callable[[], None]:
    def get() -> None:
        response = browser.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)

    return get


def representative_client():
    """The client at the top of the dashboard: the one a manager opens first."""
    from clients.models import Client

    return Client.objects.exclude(status=Client.Status.FORMER).order_by("-risk_score", "name", "pk").first()


def measure(name: str, unit: str, figures: dict[str, Figure], work: Callable[[], Timing]) -> None:
    """Record one figure; a missing feature or a failure becomes a missing figure with the reason."""
    try:
        figures[name] = figure_of(work(), unit)
    except ImportError as error:
        figures[name] = missing(unit, f"not built yet ({error})")
    except Exception as error:  # noqa: BLE001 - any failure is reported in the table, not hidden
        figures[name] = missing(unit, f"{type(error).__name__}: {str(error)[:200]}")


def measure_pages(figures: dict[str, Figure], settings: Settings, *, suffix: str = "", full: bool = True) -> None:
    browser = manager_client()
    client = representative_client()
    repeat = settings.repeat
    measure(
        f"dashboard{suffix}", "ms", figures, lambda: timed(page(browser, reverse("register:dashboard")), repeat=repeat)
    )
    detail = reverse("register:client_detail", args=[client.public_id])
    measure(f"client_detail{suffix}", "ms", figures, lambda: timed(page(browser, detail), repeat=repeat))
    breakdown = reverse("register:client_risk", args=[client.public_id])
    measure(f"client_breakdown{suffix}", "ms", figures, lambda: timed(page(browser, breakdown), repeat=repeat))
    roadmap = reverse("roadmap:client", args=[client.public_id])
    measure(f"roadmap_page{suffix}", "ms", figures, lambda: timed(page(browser, roadmap), repeat=repeat))
    if not full:
        return
    measure("clients_list", "ms", figures, lambda: timed(page(browser, reverse("clients:list")), repeat=repeat))
    csv = reverse("register:dashboard_csv")
    measure("csv_export", "s", figures, lambda: timed(page(browser, csv), repeat=settings.heavy_repeat))


BENCH_TOKEN = "rr_benchmark-only-token-never-issued-to-anyone-0000"


def api_page(url: str) -> Callable[[], None]:
    """GET an API list as the demo manager, with a token made for the benchmark (directly, so the
    dataset gains no audit event)."""
    from riskreg.accounts.models import User
    from riskreg.api_tokens.models import ApiToken
    from riskreg.api_tokens.selectors import token_hash

    manager = User.objects.filter(role=User.Role.MANAGER, is_active=True).order_by("pk").first()
    ApiToken.objects.get_or_create(
        token_hash=token_hash(BENCH_TOKEN),
        defaults={"user": manager, "name": "benchmark", "scope": "read", "prefix": BENCH_TOKEN[:10]},
    )
    browser = TestClient(HTTP_AUTHORIZATION=f"Bearer {BENCH_TOKEN}")

    def get() -> None:
        response = browser.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    # The token's last use is written at most once a minute: record it now, outside the count.
    get()
    return get


def measure_api(figures: dict[str, Figure], settings: Settings) -> None:
    clients = reverse("api:clients")
    measure("api_clients", "ms", figures, lambda: timed(api_page(clients), repeat=settings.repeat))
    wide = f"{clients}?page_size=200"
    measure("api_clients_200", "ms", figures, lambda: timed(api_page(wide), repeat=settings.repeat))


def measure_services(figures: dict[str, Figure], settings: Settings, day: datetime.date) -> None:
    def rescore() -> Timing:
        from recommendations.risk.services import clients_rescore_all

        return timed(lambda: clients_rescore_all(today=day), repeat=settings.heavy_repeat)

    def sweep() -> Timing:
        from recommendations.reack import reack_sweep

        def run() -> None:
            report = reack_sweep(today=day)
            if report.errors:
                raise RuntimeError(f"the sweep reported {len(report.errors)} errors: {report.errors[0]}")

        return timed(rolled_back(run), repeat=settings.heavy_repeat)

    measure("rescore_all", "s", figures, rescore)
    measure("reack_sweep", "s", figures, sweep)


def waiver_request():
    """A typical signed waiver: the completed request with refusals whose item count is the median."""
    from recommendations.models import Decision, DecisionRequest

    with_refusals = (
        DecisionRequest.objects.filter(status=DecisionRequest.Status.COMPLETED)
        .annotate(
            refusals=Count("decisions", filter=Q(decisions__outcome=Decision.Outcome.REFUSE)),
            size=Count("items", distinct=True),
        )
        .filter(refusals__gt=0)
    )
    sizes = sorted(with_refusals.values_list("size", flat=True))
    if not sizes:
        raise RuntimeError("the dataset has no signed refusal")
    median = sizes[len(sizes) // 2]
    return with_refusals.filter(size=median).order_by("pk").first()


def floor_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(72, 770, "RiskReg benchmark floor: one line on one page.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure_briefing(figures: dict[str, Figure], settings: Settings) -> None:
    """The representative client's briefing as the preview makes it: its figures read, then drawn."""
    from recommendations.briefing.selectors import briefing_data
    from recommendations.documents.pdf.briefing import render_briefing

    client = representative_client()
    today = timezone.localdate()

    def render() -> bytes:
        data = briefing_data(client=client, today=today, note="", document_id="BRF-BENCH", prepared_by="Bench")
        return render_briefing(data)

    measure("briefing_render", "ms", figures, lambda: timed(render, repeat=settings.repeat))


def measure_documents(figures: dict[str, Figure], settings: Settings) -> None:
    repeat = settings.repeat
    measure("pdf_floor", "ms", figures, lambda: timed(floor_pdf, repeat=repeat))
    measure_briefing(figures, settings)
    try:
        from recommendations.documents.pdf import render_document
        from recommendations.documents.sealer import practice_sealer
        from recommendations.documents.selectors import document_attachments, document_data_for_request
        from riskreg.seal import seal_pdf

        data = document_data_for_request(waiver_request())
    except ImportError as error:
        for name in ("waiver_render", "waiver_render_seal", "waiver_render_seal_timestamp"):
            figures[name] = missing("ms", f"not built yet ({error})")
        return
    except Exception as error:  # noqa: BLE001 - reported in the table
        for name in ("waiver_render", "waiver_render_seal", "waiver_render_seal_timestamp"):
            figures[name] = missing("ms", f"{type(error).__name__}: {error}")
        return
    pages = len(re.findall(rb"/Type\s*/Page[^s]", render_document(data)))
    note = f"{len(data.items)} items, {pages} pages"
    measure("waiver_render", "ms", figures, lambda: timed(lambda: render_document(data), repeat=repeat))
    figures["waiver_render"].note = figures["waiver_render"].note or note

    def render_and_seal(tsa=None) -> bytes:
        reason = f"Issued by {data.practice.legal_name} as document {data.document_id}"
        # As the pipeline seals: with the snapshot of what the signer was shown attached.
        return seal_pdf(
            render_document(data),
            signer=practice_sealer(),
            reason=reason,
            tsa=tsa,
            attachments=document_attachments(data),
        )

    measure("waiver_render_seal", "ms", figures, lambda: timed(render_and_seal, repeat=repeat))
    measure_timestamped_seal(figures, render_and_seal_with=render_and_seal, repeat=repeat)


def measure_timestamped_seal(figures: dict[str, Figure], *, render_and_seal_with: Callable, repeat: int) -> None:
    """PAdES B-LTA as the product seals with a TSA: a signature timestamp, the validation data
    (the TSA's CRL and OCSP answers) and a document timestamp, from a local RFC 3161 service
    (certomancer's Animator) in a process of its own."""
    try:
        from riskreg.local_tsa import local_tsa_process
        from riskreg.seal import TimestampAuthority

        with local_tsa_process() as (url, root):
            tsa = TimestampAuthority(url=url, trust_roots=(root,))
            measure(
                "waiver_render_seal_timestamp",
                "ms",
                figures,
                lambda: timed(lambda: render_and_seal_with(tsa), repeat=repeat),
            )
    except Exception as error:  # noqa: BLE001 - reported in the table
        figures["waiver_render_seal_timestamp"] = missing("ms", f"{type(error).__name__}: {error}")


def ratio(figures: dict[str, Figure], name: str, numerator: str, denominator: str) -> None:
    top, bottom = figures.get(numerator), figures.get(denominator)
    if top and bottom and top.value is not None and bottom.value:
        figures[name] = Figure(value=top.value / bottom.value, unit="×")
    else:
        figures[name] = missing("×", f"{numerator if not (top and top.value is not None) else denominator} is missing")


def measure_portfolio(settings: Settings, *, full: bool = True) -> tuple[dict[str, Figure], dict[str, Any]]:
    """Every figure of one dataset; `full=False` (the small dataset) measures the pages only."""
    day = dataset_day()
    figures: dict[str, Figure] = {}
    if not full:
        measure_pages(figures, settings, suffix="_small", full=False)
        return figures, dataset_facts(day)
    measure_pages(figures, settings)
    measure_api(figures, settings)
    measure_documents(figures, settings)
    ratio(figures, "waiver_floor_ratio", "waiver_render", "pdf_floor")
    measure_services(figures, settings, day)
    return figures, {**dataset_facts(day), "built_on": day.isoformat()}


# --- signing ------------------------------------------------------------------------------------


@dataclass
class _Signer:
    token: str
    items: list[Any]
    browser: TestClient
    name: str


def _prepare_signings(count: int) -> list[_Signer]:
    """Requests sent, opened, code emailed and confirmed through the signer's own pages: each
    ready for its decide-and-sign POST. Up to three presented recommendations per request, one
    request per client before any client gets a second."""
    from clients.models import Contact
    from recommendations.demo import mail as demo_mail
    from recommendations.models import DecisionRequest, Recommendation, RequestItem
    from recommendations.signing import decision_request_send

    busy = RequestItem.objects.filter(request__status__in=DecisionRequest.OPEN_STATUSES).values("recommendation")
    presented = (
        Recommendation.objects.filter(status=Recommendation.Status.PRESENTED, client__status="active")
        .exclude(pk__in=busy)
        .select_related("client", "client__vcio")
        .order_by("client_id", "-inherent_risk", "pk")
    )
    by_client: dict[int, list[Recommendation]] = {}
    for recommendation in presented:
        by_client.setdefault(recommendation.client_id, []).append(recommendation)
    signatories = {
        contact.client_id: contact
        for contact in Contact.objects.filter(client_id__in=by_client, can_sign=True, is_active=True).order_by("-pk")
    }
    groups = sorted(
        (
            (round_, client_id, items[start : start + 3])
            for client_id, items in by_client.items()
            if client_id in signatories
            for round_, start in enumerate(range(0, len(items), 3))
        ),
        key=lambda group: group[:2],
    )
    signers = []
    for number, (_, client_id, items) in enumerate(groups[:count]):
        client = items[0].client
        request = decision_request_send(
            actor=client.vcio, client=client, signatory=signatories[client_id], recommendations=items
        )
        # The link and the code exist only in the emails, so those are delivered (to memory) and read.
        token = demo_mail.signing_token(request)
        # A distinct address per signer: the signer pages rate-limit each address, and forty
        # different people signing is what is being measured.
        browser = TestClient(REMOTE_ADDR=f"10.77.{number // 250}.{number % 250 + 1}")
        _expect(browser.get(reverse("sign:start", args=[token])), 200)
        _expect(browser.post(reverse("sign:send_code", args=[token])), 302)
        request.refresh_from_db()
        _expect(browser.post(reverse("sign:verify", args=[token]), {"code": demo_mail.signing_code(request)}), 302)
        signers.append(
            _Signer(
                token=token,
                items=list(request.items.order_by("position")),
                browser=browser,
                name=signatories[client_id].name,
            )
        )
    if len(signers) < count:
        raise RuntimeError(f"only {len(signers)} requests could be made from presented recommendations; {count} wanted")
    return signers


def _expect(response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}, expected {status}")


def _decision_form(signer: _Signer, signature: str) -> dict[str, str]:
    form = {
        "consent": "on",
        "intent": "on",
        # As the page pre-fills it: only the signatory's own name is accepted.
        "typed_name": signer.name,
        "typed_title": "Chief Executive Officer",
        "signature": signature,
        "signer_timezone": "America/Toronto",
    }
    for position, item in enumerate(signer.items):
        refuse = position % 2 == 0
        form[f"outcome_{item.pk}"] = "refuse" if refuse else "accept"
        form[f"reason_{item.pk}"] = "The budget for this year is already committed." if refuse else ""
    return form


def signature_data_url() -> str:
    import base64

    from recommendations.demo.bulk import signature_png

    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def measure_signing(settings: Settings) -> dict[str, Figure]:
    """Sequential decide-and-sign POSTs, each a real, committed signing (run it on a copy)."""
    figures: dict[str, Figure] = {}
    warmup = 3 if settings.signings >= 10 else 1
    try:
        signers = _prepare_signings(settings.signings + warmup)
    except ImportError as error:
        return {"decide_and_sign": missing("per s", f"not built yet ({error})")}
    except Exception as error:  # noqa: BLE001 - reported in the table
        return {"decide_and_sign": missing("per s", f"{type(error).__name__}: {error}")}
    signature = signature_data_url()
    durations, queries = [], None
    for number, signer in enumerate(signers):
        url = reverse("sign:decide", args=[signer.token])
        form = _decision_form(signer, signature)
        started = time.perf_counter()
        if number == 0:
            with QueryCounter() as counter:
                response = signer.browser.post(url, form)
            queries = counter.count
        else:
            response = signer.browser.post(url, form)
        elapsed = time.perf_counter() - started
        _expect(response, 302)
        if number >= warmup:
            durations.append(elapsed)
    median = statistics.median(durations)
    figures["decide_and_sign"] = Figure(
        value=1 / median,
        unit="per s",
        queries=queries,
        note=f"median of {len(durations)} POSTs: {median * 1000:.1f} ms",
    )
    return figures


def figures_to_json(figures: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    return {name: asdict(figure) for name, figure in figures.items()}


def figures_from_json(data: dict[str, dict[str, Any]]) -> dict[str, Figure]:
    return {name: Figure(**values) for name, values in data.items()}
