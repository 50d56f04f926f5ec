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
import math
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from clients.models import (
    AGREEMENT_TERMS,
    AgreementVersion,
    Client,
    Contact,
    PracticeProfile,
    RiskSnapshot,
    ServiceAgreement,
)
from recommendations.demo.bulk_data import (
    ARCHETYPES,
    CHUNK,
    HISTORY_DAYS,
    REASONS,
    REQUEST_VALID_DAYS,
    TIMEZONES,
    USER_AGENTS,
    client_name,
    signature_png,
)
from recommendations.demo.bulk_history import AuditHistory
from recommendations.demo.bulk_plan import ClientPlan, PlannedRequest, Planner
from recommendations.models import Control, Decision, DecisionRequest, Recommendation, RequestItem, Signature
from recommendations.risk.scoring import band_for, score_client
from recommendations.risk.services import clients_rescore_all
from recommendations.risk.states import ScoringConfig, ScoringItem
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
from riskreg.audit.models import AuditEvent


class _Builder(Planner, AuditHistory):
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

    # --- rows ----------------------------------------------------------------------------------

    def request_row(self, plan: ClientPlan, request: PlannedRequest, number: int) -> DecisionRequest:
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

    def signature_row(self, plan: ClientPlan, request: PlannedRequest) -> Signature:
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

    def snapshots(self, plan: ClientPlan) -> list[RiskSnapshot]:
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
        self, plan: ClientPlan, request: PlannedRequest, r: Recommendation, item: RequestItem, signature: Signature
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

    # --- one chunk -----------------------------------------------------------------------------

    @transaction.atomic
    def insert(self, plans: list[ClientPlan]) -> None:
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
