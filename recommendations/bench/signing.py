"""Decide-and-sign POSTs, each a real, committed signing (run on a throw-away copy)."""

import multiprocessing
import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.test import Client as TestClient
from django.urls import reverse

from recommendations.bench.benchmark import Figure, missing
from recommendations.bench.portfolio import Settings, ratio
from recommendations.bench.timing import QueryCounter

# --- signing ------------------------------------------------------------------------------------


CONCURRENT_SIGNERS = 4


@dataclass
class _Signer:
    token: str
    items: list[Any]
    browser: TestClient
    name: str


def _prepare_signings(count: int, *, first_address: int = 0) -> list[_Signer]:
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
    for number, (_, client_id, items) in enumerate(groups[:count], start=first_address):
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
    if connection.vendor == "postgresql":
        # SQLite runs one write transaction at a time: concurrent signers only queue there.
        try:
            figures["decide_and_sign_concurrent"] = _measure_concurrent(settings, first_address=len(signers))
        except Exception as error:  # noqa: BLE001 - reported in the table
            figures["decide_and_sign_concurrent"] = missing("per s", f"{type(error).__name__}: {error}")
        ratio(figures, "decide_and_sign_scaling", "decide_and_sign_concurrent", "decide_and_sign")
    return figures


def _sign(signer: _Signer, signature: str) -> None:
    _expect(signer.browser.post(reverse("sign:decide", args=[signer.token]), _decision_form(signer, signature)), 302)


def _sign_share(warmup: _Signer, share: list[_Signer], signature: str, start: Any, outcomes: Any) -> None:
    """One signer process: one signing to open its connection and warm its caches, as a served
    worker's are (the sequential figure also leaves its first POSTs out), then wait for the
    others and POST each of its signings."""
    try:
        _sign(warmup, signature)
        start.wait(timeout=120)
        for signer in share:
            _sign(signer, signature)
        outcomes.put("")
    except Exception as error:  # noqa: BLE001 - handed to the parent, which reports it
        outcomes.put(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()


def _measure_concurrent(settings: Settings, *, first_address: int) -> Figure:
    """CONCURRENT_SIGNERS processes (as gunicorn workers would be), each signing for clients of
    its own: the signings per second of all of them together, from a common start to the last.

    Each process signs as many as the sequential figure times: a second of signing in all would
    be decided by which process happened to start first."""
    per_signer = max(settings.signings, 2)
    warmups = _prepare_signings(CONCURRENT_SIGNERS, first_address=first_address)
    signers = _prepare_signings(per_signer * CONCURRENT_SIGNERS, first_address=first_address + CONCURRENT_SIGNERS)
    signature = signature_data_url()
    # Forked children must open connections of their own, never share the parent's.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, outcomes = context.Barrier(CONCURRENT_SIGNERS + 1), context.Queue()
    processes = [
        context.Process(
            target=_sign_share,
            args=(warmups[index], signers[index::CONCURRENT_SIGNERS], signature, start, outcomes),
        )
        for index in range(CONCURRENT_SIGNERS)
    ]
    for process in processes:
        process.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    errors = [outcome for outcome in (outcomes.get(timeout=600) for _ in processes) if outcome]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join(timeout=60)
    if errors:
        raise RuntimeError(errors[0])
    return Figure(
        value=len(signers) / elapsed,
        unit="per s",
        note=f"{len(signers)} POSTs by {CONCURRENT_SIGNERS} processes in {elapsed:.2f} s",
    )
