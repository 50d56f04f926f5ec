"""The large demo practice, written in bulk: generated clients with recommendations, signed
decisions, refusals coming due, their audit history and 90 days of risk snapshots.

`seed_demo` creates its named clients through the real services. Beyond those, one service
call per row would take the best part of an hour for 2,000 clients, so this module writes the
rows the services would have written — the same statuses, decisions, signatures and audit
events, hash-chained in order through `audit_append_many` — with bulk inserts, a hundred
clients per transaction. Each client comes from its own seeded random generator, so the data
is the same on every run and machine; a client whose name already exists is skipped, so a
re-run adds nothing and an interrupted run resumes where it stopped.

Refusals are spread so that a benchmark day has a known amount of re-acknowledgment work:
about one refusal in thirty is inside the sweep's reach (valid-until within 30 days, reached,
or past its grace), every other one is valid for more than 30 more days.
"""

import datetime
import hashlib
import io
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from PIL import Image, ImageDraw

from clients.models import (
    AGREEMENT_TERMS,
    AgreementVersion,
    Client,
    Contact,
    PracticeProfile,
    RiskSnapshot,
    ServiceAgreement,
)
from recommendations.models import Control, Decision, DecisionRequest, Recommendation, RequestItem, Signature
from recommendations.risk.scoring import ScoringConfig, ScoringItem, band_for, risk_level, score_client
from recommendations.risk.services import clients_rescore_all
from recommendations.roadmap.quarters import quarter_of
from recommendations.selectors import scoring_config, sensitivity_of
from recommendations.signing import (
    CONSENT_TEXT,
    DISCLOSURE_VERSION,
    INTENT_TEXT,
    INTENT_VERSION,
    token_hash,
)
from recommendations.signing.snapshot import canonical_json, decision_snapshot, snapshot_sha256
from riskreg.audit.chain import audit_append_many
from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent

SEED = 20261122
CHUNK = 100
HISTORY_DAYS = 90
REQUEST_VALID_DAYS = 14
# The share of refusals the benchmark day's sweep has to act on (≈ 1,000 of 30,000).
DUE_SHARE = 1 / 30
# How a generated client's recommendations end up, by kind of client: (kind, share of clients,
# outcome weights). Half of all recommendations end up refused, as in the portfolio of reluctant
# clients the benchmark is meant to stress, while the mature clients keep every band populated.
ARCHETYPES = (
    ("mature", 15, {"implemented": 90, "withdrawn": 5, "draft": 4, "refused": 1}),
    (
        "steady",
        15,
        {"implemented": 84, "refused": 4, "accepted": 3, "withdrawn": 3, "draft": 3, "presented": 2, "deferred": 1},
    ),
    (
        "reluctant",
        20,
        {
            "implemented": 68,
            "refused": 15,
            "presented": 4,
            "accepted": 3,
            "withdrawn": 3,
            "draft": 3,
            "deferred": 2,
            "lapsed": 2,
        },
    ),
    ("refusing", 50, {"refused": 93, "presented": 2, "lapsed": 2, "accepted": 1, "implemented": 1, "deferred": 1}),
)
# Days ago: (latest, earliest) a signing session in each window may fall on.
SESSION_WINDOWS = {"recent": (2, 58), "middle": (60, 148), "old": (150, 330), "lapsed": (420, 500)}
REGULATED_FLAGS = (
    "holds_health_data",
    "holds_payment_card_data",
    "holds_personal_data",
    "holds_legal_privilege",
    "holds_financial_data",
)
REASONS = (
    "The budget for this year is already committed.",
    "Staff say the extra step slows the front desk down.",
    "We accept the risk until the hardware refresh next year.",
    "Our insurer has not asked for it.",
    "We will revisit after the office move.",
    "The owner prefers to keep the current setup for now.",
    "Too disruptive during our busy season.",
)
EDITED_FIELDS = (["rationale"], ["target_date"], ["owner"], ["rationale", "target_date"])
SIGNER_TITLES = ("CEO", "Managing Partner", "Executive Director", "COO", "Owner")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605",
)
TIMEZONES = ("America/Toronto", "America/Vancouver", "America/Halifax", "America/Edmonton")
AGREEMENT_SCOPE = "Managed endpoints and servers, Microsoft 365 administration, monitoring, patching and help desk."
AGREEMENT_RESPONSIBILITIES = (
    "The MSP operates and monitors the covered systems. The client approves budgets and changes, and tells the MSP "
    "about new systems and staff changes."
)
AGREEMENT_EXCLUSIONS = (
    "Losses that a declined recommendation would have prevented; systems outside the managed scope; third-party "
    "applications; fines and penalties arising from the client's own data handling."
)

# A recurring cost for the larger demo projects (licences, a monitored service), in cents.
DEMO_MONTHLY_CENTS = {4800: 15000, 15000: 60000}


def demo_costs(one_time: int | None) -> dict[str, int | None]:
    """A demo recommendation's costs from its one-time estimate in whole currency units."""
    return {
        "one_time_cost_cents": None if one_time is None else one_time * 100,
        "recurring_monthly_cost_cents": DEMO_MONTHLY_CENTS.get(one_time),
    }


def demo_plan(target_date: datetime.date, client: Client) -> dict[str, datetime.date]:
    """A demo recommendation's target date and the fiscal quarter it is planned for."""
    return {"target_date": target_date, "target_quarter": quarter_of(target_date, client.fiscal_year_start_month).start}


def signature_png() -> bytes:
    """A small drawn signature, the same for every generated signing."""
    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (60, 15), (110, 65), (170, 20), (230, 50)], fill=(10, 20, 60, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def client_name(index: int, faker: Faker) -> str:
    faker.seed_instance(SEED + index)
    return f"{faker.company()} #{index + 1}"


@dataclass
class _Request:
    """A completed (or open) decision request being assembled, with its items in order."""

    signed_at: datetime.datetime
    capacity: int = 5
    status: str = DecisionRequest.Status.COMPLETED
    items: list[Recommendation] = field(default_factory=list)
    row: DecisionRequest | None = None


@dataclass
class _Plan:
    """One generated client and everything that hangs off it, before and after insertion."""

    index: int
    rng: random.Random
    client: Client
    signatory: Contact
    office: Contact
    agreement: ServiceAgreement
    agreement_version: AgreementVersion | None = None
    recommendations: list[Recommendation] = field(default_factory=list)
    edits: dict[int, int] = field(default_factory=dict)
    requests: list[_Request] = field(default_factory=list)
    open_request: _Request | None = None


class _Builder:
    def __init__(self, *, today: datetime.date, vcios: list[Any], controls: list[Control], per_client: int) -> None:
        self.today = today
        self.now = timezone.now()
        self.vcios = vcios
        self.controls = controls
        self.per_client = min(per_client, len(controls))
        self.profile = PracticeProfile.load()
        self.config: ScoringConfig = scoring_config(self.profile)
        self.png = signature_png()
        self.png_sha = hashlib.sha256(self.png).hexdigest()
        self.faker = Faker("en_CA")
        self.archetypes = [(list(weights), list(weights.values())) for _, _, weights in ARCHETYPES]
        self.archetype_shares = [share for _, share, _ in ARCHETYPES]

    # --- dates ---------------------------------------------------------------------------------

    def moment(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """A working-hours instant on `day`, never later than now."""
        at = datetime.datetime.combine(day, datetime.time(8 + rng.randint(0, 9), rng.randint(0, 59)))
        return min(timezone.make_aware(at), self.now)

    def days_ago(self, low: int, high: int, rng: random.Random) -> datetime.date:
        return self.today - datetime.timedelta(days=rng.randint(low, high))

    # --- one client ------------------------------------------------------------------------------

    def plan(self, index: int, name: str) -> _Plan:
        rng = random.Random(f"{SEED}:{index}")
        faker = self.faker
        faker.seed_instance(SEED + index)
        faker.company()  # the name, already drawn: keeps the rest of the stream the same on every run
        vcio = self.vcios[index % len(self.vcios)]
        client = Client(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            name=name,
            industry=rng.choice(Client.Industry.values),
            service_tier=rng.choice(Client.ServiceTier.values),
            status=Client.Status.OFFBOARDING if rng.random() < 0.03 else Client.Status.ACTIVE,
            vcio=vcio,
            **{flag: rng.random() < 0.25 for flag in REGULATED_FLAGS},
        )
        domain = faker.domain_name()
        signatory = Contact(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            name=faker.name(),
            title=rng.choice(SIGNER_TITLES),
            email=f"exec{index + 1}@{domain}",
            phone=faker.phone_number(),
            can_sign=True,
        )
        office = Contact(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            name=faker.name(),
            title="Office Manager",
            email=f"office{index + 1}@{domain}",
            can_sign=False,
        )
        agreement = ServiceAgreement(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            reference=f"MSA-{self.today.year - 1}-{index + 1:04d}",
            effective_date=self.days_ago(120, 900, rng),
            scope=AGREEMENT_SCOPE,
            responsibilities=AGREEMENT_RESPONSIBILITIES,
            exclusions=AGREEMENT_EXCLUSIONS,
        )
        plan = _Plan(index=index, rng=rng, client=client, signatory=signatory, office=office, agreement=agreement)
        self.plan_recommendations(plan, vcio)
        return plan

    def plan_recommendations(self, plan: _Plan, vcio: Any) -> None:
        rng = plan.rng
        # Signing sessions of one to five items, in three windows over the last year, and older
        # ones whose refusals lapsed. A window's sessions are late enough that a refusal signed
        # in it stays valid for more than 30 days: recent for a 90-day cadence, middle for 180,
        # old for 365.
        sessions: dict[str, list[_Request]] = {window: [] for window in SESSION_WINDOWS}

        def session(window: str) -> _Request:
            current = sessions[window]
            if not current or len(current[-1].items) >= current[-1].capacity:
                low, high = SESSION_WINDOWS[window]
                current.append(_Request(self.moment(self.days_ago(low, high, rng), rng), capacity=rng.randint(1, 5)))
            return current[-1]

        due: list[_Request] = []
        presented: list[Recommendation] = []
        outcomes, weights = rng.choices(self.archetypes, weights=self.archetype_shares)[0]
        for control in rng.sample(self.controls, self.per_client):
            outcome = rng.choices(outcomes, weights=weights)[0]
            recommendation = Recommendation(
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                control=control,
                title=control.title,
                description=control.description,
                why_it_matters=control.why_it_matters,
                consequences=control.consequences,
                likelihood=max(1, min(5, control.default_likelihood + rng.choice((-1, 0, 0, 1)))),
                impact=control.default_impact,
                **demo_costs(rng.choice((None, 500, 1200, 4800, 15000))),
                target_date=self.today + datetime.timedelta(days=rng.randint(-30, 120)),
                owner=vcio,
                status=outcome,
            )
            recommendation.target_quarter = quarter_of(recommendation.target_date, 1).start
            plan.recommendations.append(recommendation)
            plan.edits[len(plan.recommendations) - 1] = rng.choice((0, 0, 0, 1))
            cadence = self.profile.cadence_days(risk_level(recommendation.likelihood, recommendation.impact))
            if outcome == "refused" and rng.random() < DUE_SHARE:
                # Inside the sweep's reach today: a heads-up rung, the re-acknowledgment date, or a lapse.
                valid_until = self.today + datetime.timedelta(days=rng.randint(-30, 30))
                request = _Request(self.moment(valid_until - datetime.timedelta(days=cadence), rng))
                due.append(request)
            elif outcome == "refused":
                # Valid for more than 30 more days: signed in a window late enough for its cadence.
                eligible = [window for window, (_, high) in SESSION_WINDOWS.items() if cadence - high > 30]
                request = session(rng.choice(eligible or ["recent"]))
            elif outcome == "lapsed":
                request = session("lapsed")
            elif outcome in {"accepted", "implemented"}:
                request = session(rng.choice(("recent", "middle", "old")))
            else:
                request = None
                if outcome == "presented":
                    presented.append(recommendation)
                recommendation.status_changed_at = self.moment(self.days_ago(1, 60, rng), rng)
            if request is not None:
                request.items.append(recommendation)
                recommendation.status_changed_at = request.signed_at
                if outcome in {"refused", "lapsed"}:
                    recommendation.valid_until = request.signed_at.date() + datetime.timedelta(days=cadence)
                if outcome == "implemented":
                    recommendation.status_changed_at = min(request.signed_at + datetime.timedelta(days=20), self.now)
        plan.requests = [r for window in sessions.values() for r in window] + due
        plan.requests.sort(key=lambda r: r.signed_at)
        if presented and rng.random() < 0.1:
            # An unanswered request: most sent in the last two days, some over a week ago.
            sent_on = self.days_ago(0, 2, rng) if rng.random() < 0.67 else self.days_ago(8, 12, rng)
            status = DecisionRequest.Status.VIEWED if rng.random() < 0.5 else DecisionRequest.Status.SENT
            plan.open_request = _Request(self.moment(sent_on, rng), status=status, items=presented[: rng.randint(1, 3)])

    # --- rows ----------------------------------------------------------------------------------

    def request_row(self, plan: _Plan, request: _Request, number: int) -> DecisionRequest:
        rng = plan.rng
        at = request.signed_at
        completed = request.status == DecisionRequest.Status.COMPLETED
        sent_at = at - datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6)) if completed else at
        public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        snapshot = canonical_json(
            decision_snapshot(
                request=public_id,
                purpose=DecisionRequest.Purpose.DECISION,
                client=plan.client,
                practice=self.profile,
                agreement=plan.agreement,
                agreement_version=1,
                recommendations=request.items,
                # Its audit events are written after its rows: the demo's snapshots name no first-presented day.
                first_presented={},
            )
        )
        row = DecisionRequest(
            public_id=public_id,
            client=plan.client,
            signatory=plan.signatory,
            token_hash=token_hash(f"demo-bulk:{plan.client.public_id}:{number}"),
            snapshot=snapshot,
            content_hash=snapshot_sha256(snapshot),
            agreement_version=plan.agreement_version,
            disclosure_version=DISCLOSURE_VERSION,
            status=request.status,
            created_by=plan.client.vcio,
            sent_at=sent_at,
            expires_at=sent_at + datetime.timedelta(days=REQUEST_VALID_DAYS),
        )
        if request.status != DecisionRequest.Status.SENT:
            row.viewed_at = sent_at + datetime.timedelta(hours=rng.randint(1, 20))
        if completed:
            row.viewed_at = min(row.viewed_at, at - datetime.timedelta(minutes=10))
            row.code_sent_at = at - datetime.timedelta(minutes=6)
            row.code_expires_at = row.code_sent_at + datetime.timedelta(minutes=10)
            row.code_sends = 1
            row.code_verified_at = at - datetime.timedelta(minutes=4)
            row.completed_at = at
        return row

    def signature_row(self, plan: _Plan, request: _Request) -> Signature:
        rng = plan.rng
        return Signature(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            request=request.row,
            typed_name=plan.signatory.name,
            typed_title=plan.signatory.title,
            signer_email=plan.signatory.email,
            signature_png=self.png,
            signature_sha256=self.png_sha,
            consent_text=CONSENT_TEXT,
            consent_version=DISCLOSURE_VERSION,
            intent_text=INTENT_TEXT,
            intent_version=INTENT_VERSION,
            ip_address=f"198.51.100.{rng.randint(1, 254)}",
            user_agent=rng.choice(USER_AGENTS),
            signer_timezone=rng.choice(TIMEZONES),
            code_verified_at=request.row.code_verified_at,
            signed_at=request.signed_at,
        )

    def snapshots(self, plan: _Plan) -> list[RiskSnapshot]:
        """Daily history up to yesterday, moving in steps and drifting into today's score."""
        rng, client = plan.rng, plan.client
        items = [
            ScoringItem(str(r.public_id), r.title, r.likelihood, r.impact, r.status, r.target_date, r.valid_until)
            for r in plan.recommendations
        ]
        result = score_client(items, sensitivity_of(client), self.today, self.config)
        start_score = min(100, max(0, result.score + rng.randint(-25, 25)))
        start_coverage = min(100.0, max(0.0, result.coverage + rng.uniform(-30, 15)))
        rows, next_step, score, coverage = [], 0, start_score, start_coverage
        for day in range(HISTORY_DAYS):
            if day >= next_step:
                progress = day / HISTORY_DAYS
                score = round(start_score + (result.score - start_score) * progress + rng.gauss(0, 2))
                score = min(100, max(0, score))
                coverage = start_coverage + (result.coverage - start_coverage) * progress + rng.gauss(0, 3)
                coverage = round(min(100.0, max(0.0, coverage)), 1)
                next_step = day + rng.randint(4, 16)
            weighted = -self.config.saturation * math.log(1 - min(score, 99) / 100)
            rows.append(
                RiskSnapshot(
                    client=client,
                    taken_on=self.today - datetime.timedelta(days=HISTORY_DAYS - day),
                    score=score,
                    band=band_for(score, self.config),
                    coverage=Decimal(str(coverage)),
                    total_exposure=round(weighted / result.multiplier, 2),
                    multiplier=result.multiplier,
                    components={"seeded": True},
                )
            )
        return rows

    def decision_row(
        self, plan: _Plan, request: _Request, r: Recommendation, item: RequestItem, signature: Signature
    ) -> Decision:
        refused = r.status in {"refused", "lapsed"}
        return Decision(
            public_id=uuid.UUID(int=plan.rng.getrandbits(128), version=4),
            request=request.row,
            item=item,
            signature=signature,
            outcome=Decision.Outcome.REFUSE if refused else Decision.Outcome.ACCEPT,
            reason=plan.rng.choice(REASONS) if refused else "",
            valid_until=r.valid_until if refused else None,
            decided_at=request.signed_at,
        )

    # --- audit history -------------------------------------------------------------------------

    def events(self, plan: _Plan) -> list[dict[str, Any]]:
        """The events the services would have appended for this client, in the order they happened."""
        client, vcio = plan.client, plan.client.vcio
        scope = client.scope
        signer = f"signer:{plan.signatory.public_id}"
        events: list[dict[str, Any]] = []

        def add(event_type: str, object_type: str, object_id: Any, summary: str, payload: dict, **who: Any) -> None:
            events.append(
                {
                    "actor": who.get("actor", vcio if "actor_label" not in who else None),
                    "actor_label": who.get("actor_label"),
                    "event_type": event_type,
                    "object_type": object_type,
                    "object_id": str(object_id),
                    "scope": scope,
                    "summary": summary,
                    "payload": payload,
                }
            )

        add(
            EventType.CLIENT_CREATED,
            "client",
            client.public_id,
            f"Client {client.name} created",
            {"industry": client.industry, "service_tier": client.service_tier},
        )
        for contact in (plan.signatory, plan.office):
            add(
                EventType.CONTACT_CREATED,
                "contact",
                contact.public_id,
                "Contact added" + (" (signatory)" if contact.can_sign else ""),
                {"can_sign": contact.can_sign},
            )
        agreement = plan.agreement
        add(
            EventType.AGREEMENT_CREATED,
            "agreement",
            agreement.public_id,
            f"Service agreement {agreement.reference} recorded",
            {"reference": agreement.reference, "effective_date": agreement.effective_date.isoformat(), "version": 1},
        )

        def transition(r: Recommendation, source: str, target: str, label: str, payload=None, **who: Any) -> None:
            add(
                f"recommendation.{target}",
                "recommendation",
                r.public_id,
                f"“{r.title}” {label}",
                {"from": source, "to": target, **(payload or {})},
                **who,
            )

        for position, r in enumerate(plan.recommendations):
            add(
                EventType.RECOMMENDATION_CREATED,
                "recommendation",
                r.public_id,
                f"Recommendation raised: {r.title}",
                {"control": r.control.code, "likelihood": r.likelihood, "impact": r.impact},
            )
            for _ in range(plan.edits[position]):
                fields = plan.rng.choice(EDITED_FIELDS)
                add(
                    EventType.RECOMMENDATION_UPDATED,
                    "recommendation",
                    r.public_id,
                    f"Recommendation edited: {r.title} ({', '.join(fields)})",
                    {"fields": fields, "content_version": 1},
                )
            if r.status != "draft":
                transition(r, "draft", "presented", "presented to the client")
            if r.status == "deferred":
                transition(r, "presented", "deferred", "deferred")
            elif r.status == "withdrawn":
                transition(r, "presented", "withdrawn", "withdrawn")
        for request in [*plan.requests, *([plan.open_request] if plan.open_request else [])]:
            self.request_events(plan, request, add, transition, signer)
        for r in plan.recommendations:
            if r.status == "implemented":
                transition(r, "accepted", "implemented", "marked implemented")
            elif r.status == "lapsed":
                transition(
                    r,
                    "refused",
                    "lapsed",
                    "lapsed",
                    {"valid_until": r.valid_until.isoformat(), "grace_days": self.profile.lapse_grace_days},
                    actor_label="system:reack-sweep",
                )
        return events

    def request_events(self, plan: _Plan, request: _Request, add: Callable, transition: Callable, signer: str) -> None:
        row = request.row
        rid = row.public_id
        add(
            EventType.REQUEST_SENT,
            "decision_request",
            rid,
            f"Decision request sent for {len(request.items)} item(s)",
            {
                "items": [str(r.public_id) for r in request.items],
                "signatory": str(plan.signatory.public_id),
                "content_hash": row.content_hash,
                "expires_at": row.expires_at.isoformat(),
                "replaces": None,
            },
        )
        if row.viewed_at:
            add(
                EventType.REQUEST_VIEWED,
                "decision_request",
                rid,
                "Signing link opened by the signatory",
                {},
                actor_label=signer,
            )
        if row.status != DecisionRequest.Status.COMPLETED:
            return
        add(
            EventType.REQUEST_CODE_SENT,
            "decision_request",
            rid,
            "One-time code sent to the signatory (code 1)",
            {},
            actor_label=signer,
        )
        add(
            EventType.REQUEST_CODE_VERIFIED,
            "decision_request",
            rid,
            "Signatory confirmed the one-time code",
            {},
            actor_label=signer,
        )
        for r in request.items:
            refused = r.status in {"refused", "lapsed"}
            valid_until = r.valid_until.isoformat() if refused else None
            transition(
                r,
                "presented",
                "refused" if refused else "accepted",
                "refused" if refused else "accepted",
                {"request": str(rid), "valid_until": valid_until},
                actor_label=signer,
            )
        accepted = sum(r.status in {"accepted", "implemented"} for r in request.items)
        add(
            EventType.REQUEST_SIGNED,
            "decision_request",
            rid,
            f"Signed by the signatory: {accepted} accepted, {len(request.items) - accepted} refused",
            {
                "content_hash": row.content_hash,
                "signature_sha256": self.png_sha,
                "consent_version": DISCLOSURE_VERSION,
                "intent_version": INTENT_VERSION,
                "code_verified_at": row.code_verified_at.isoformat(),
            },
            actor_label=signer,
        )

    # --- one chunk -----------------------------------------------------------------------------

    @transaction.atomic
    def insert(self, plans: list[_Plan]) -> None:
        Client.objects.bulk_create([p.client for p in plans])
        for p in plans:
            p.signatory.client = p.office.client = p.agreement.client = p.client
            for r in p.recommendations:
                r.client = p.client
        Contact.objects.bulk_create([c for p in plans for c in (p.signatory, p.office)])
        ServiceAgreement.objects.bulk_create([p.agreement for p in plans])
        for p in plans:
            p.agreement_version = AgreementVersion(
                agreement=p.agreement,
                number=1,
                created_at=p.agreement.created_at or self.now,
                created_by=p.client.vcio,
                **{term: getattr(p.agreement, term) for term in AGREEMENT_TERMS},
            )
        AgreementVersion.objects.bulk_create([p.agreement_version for p in plans])
        Recommendation.objects.bulk_create([r for p in plans for r in p.recommendations])
        requests = []
        for p in plans:
            for number, request in enumerate([*p.requests, *([p.open_request] if p.open_request else [])]):
                request.row = self.request_row(p, request, number)
                requests.append(request)
        DecisionRequest.objects.bulk_create([r.row for r in requests])
        items = {
            (id(request), r.pk): RequestItem(request=request.row, position=position, recommendation=r)
            for request in requests
            for position, r in enumerate(request.items, start=1)
        }
        RequestItem.objects.bulk_create(list(items.values()))
        signatures = {id(request): self.signature_row(p, request) for p in plans for request in p.requests}
        Signature.objects.bulk_create(list(signatures.values()))
        decisions = [
            self.decision_row(p, request, r, items[(id(request), r.pk)], signatures[id(request)])
            for p in plans
            for request in p.requests
            for r in request.items
        ]
        Decision.objects.bulk_create(decisions)
        RiskSnapshot.objects.bulk_create([s for p in plans for s in self.snapshots(p)])
        audit_append_many([event for p in plans for event in self.events(p)])


def seed_generated_clients(
    *,
    start: int,
    total: int,
    per_client: int,
    vcios: list[Any],
    controls: list[Control],
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Create generated clients number `start`..`total - 1` that do not exist yet, then rescore
    every client; returns how many were created."""
    if total <= start:
        return 0
    builder = _Builder(today=today or timezone.localdate(), vcios=vcios, controls=controls, per_client=per_client)
    existing = set(Client.objects.values_list("name", flat=True))
    names = {index: client_name(index, builder.faker) for index in range(start, total)}
    missing = [index for index, name in names.items() if name not in existing]
    for offset in range(0, len(missing), CHUNK):
        chunk = missing[offset : offset + CHUNK]
        builder.insert([builder.plan(index, names[index]) for index in chunk])
        if progress:
            progress(f"  {offset + len(chunk)} of {len(missing)} generated clients written")
    if missing:
        clients_rescore_all(today=builder.today)
        settle(BULK_MODELS)
    return len(missing)


BULK_MODELS = (
    Client,
    Contact,
    ServiceAgreement,
    AgreementVersion,
    Recommendation,
    DecisionRequest,
    RequestItem,
    Signature,
    Decision,
    RiskSnapshot,
    AuditEvent,
)


def settle(models: tuple[type, ...]) -> None:
    """On PostgreSQL, vacuum and analyze the tables a bulk load wrote.

    Until autovacuum gets round to them they have no planner statistics (the planner then picks
    sequential scans for lookups that touch one row) and no visibility map (no index-only scans),
    so the demo would behave like no settled production database does."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")
