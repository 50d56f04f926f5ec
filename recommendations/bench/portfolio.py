"""The figures of one dataset: pages, API, documents and the portfolio services."""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.test import Client as TestClient
from django.urls import reverse
from django.utils import timezone

from recommendations.bench.benchmark import Figure, missing
from recommendations.bench.timing import Timing, figure_of, rolled_back, timed

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
    from recommendations.risk.services import refusals_due_recount

    day = dataset_day()
    figures: dict[str, Figure] = {}
    # As in production, where the hourly refresh has counted each client's due refusals as of today.
    refusals_due_recount()
    if not full:
        measure_pages(figures, settings, suffix="_small", full=False)
        return figures, dataset_facts(day)
    measure_pages(figures, settings)
    measure_api(figures, settings)
    measure_documents(figures, settings)
    ratio(figures, "waiver_floor_ratio", "waiver_render", "pdf_floor")
    measure_services(figures, settings, day)
    return figures, {**dataset_facts(day), "built_on": day.isoformat()}
