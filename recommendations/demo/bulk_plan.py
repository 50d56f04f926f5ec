"""The bulk builder's plan of one generated client, before its rows are written (see bulk.py)."""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from clients.models import (
    AgreementVersion,
    Client,
    Contact,
    ServiceAgreement,
)
from recommendations.demo.bulk_data import (
    AGREEMENT_EXCLUSIONS,
    AGREEMENT_RESPONSIBILITIES,
    AGREEMENT_SCOPE,
    DUE_SHARE,
    REGULATED_FLAGS,
    SEED,
    SESSION_WINDOWS,
    SIGNER_TITLES,
    demo_costs,
)
from recommendations.models import DecisionRequest, Recommendation
from recommendations.risk.scoring import risk_level
from recommendations.roadmap.quarters import quarter_of


@dataclass
class PlannedRequest:
    """A completed (or open) decision request being assembled, with its items in order."""

    signed_at: datetime.datetime
    capacity: int = 5
    status: str = DecisionRequest.Status.COMPLETED
    items: list[Recommendation] = field(default_factory=list)
    row: DecisionRequest | None = None


@dataclass
class ClientPlan:
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
    requests: list[PlannedRequest] = field(default_factory=list)
    open_request: PlannedRequest | None = None


class Planner:
    """Plans a client from its own seeded generator (mixed into the builder, whose settings it reads)."""

    # --- dates ---------------------------------------------------------------------------------

    def moment(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """A working-hours instant on `day`, never later than now."""
        at = datetime.datetime.combine(day, datetime.time(8 + rng.randint(0, 9), rng.randint(0, 59)))
        return min(timezone.make_aware(at), self.now)

    def days_ago(self, low: int, high: int, rng: random.Random) -> datetime.date:
        return self.today - datetime.timedelta(days=rng.randint(low, high))

    # --- one client ------------------------------------------------------------------------------

    def plan(self, index: int, name: str) -> ClientPlan:
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
        plan = ClientPlan(index=index, rng=rng, client=client, signatory=signatory, office=office, agreement=agreement)
        self.plan_recommendations(plan, vcio)
        return plan

    def plan_recommendations(self, plan: ClientPlan, vcio: Any) -> None:
        rng = plan.rng
        # Signing sessions of one to five items, in three windows over the last year, and older
        # ones whose refusals lapsed. A window's sessions are late enough that a refusal signed
        # in it stays valid for more than 30 days: recent for a 90-day cadence, middle for 180,
        # old for 365.
        sessions: dict[str, list[PlannedRequest]] = {window: [] for window in SESSION_WINDOWS}

        def session(window: str) -> PlannedRequest:
            current = sessions[window]
            if not current or len(current[-1].items) >= current[-1].capacity:
                low, high = SESSION_WINDOWS[window]
                current.append(
                    PlannedRequest(self.moment(self.days_ago(low, high, rng), rng), capacity=rng.randint(1, 5))
                )
            return current[-1]

        due: list[PlannedRequest] = []
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
                request = PlannedRequest(self.moment(valid_until - datetime.timedelta(days=cadence), rng))
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
            plan.open_request = PlannedRequest(
                self.moment(sent_on, rng), status=status, items=presented[: rng.randint(1, 3)]
            )
