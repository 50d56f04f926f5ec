"""The named demo practice, built through the real services: its users, practice profile, clients
with their recommendations and signed decisions, the re-acknowledgment stories, software and
score history (the data is in named.py). `seed_demo` calls these in order."""

import datetime
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from clients.models import Client, PracticeProfile, RiskSnapshot
from clients.selectors import current_agreement
from clients.services import agreement_create, client_create, contact_create, contact_update, practice_profile_update
from clients.software import software_consent_record, software_create, software_mark_installed
from recommendations import signing
from recommendations.demo import mail as demo_mail
from recommendations.demo.bulk_data import demo_costs, demo_plan
from recommendations.demo.named import (
    AGREEMENT_CADENCE_DAYS,
    AGREEMENT_RESPONSIBILITIES,
    AGREEMENT_SCOPE,
    DEMO_CLIENTS,
    DEMO_PASSWORD,
    DEMO_SOFTWARE,
    DEMO_USERS,
    NAMED_SIGNATORIES,
    OUTCOMES,
    REACK_DEMO_CLIENTS,
    REACK_DEMO_DUE_IN,
    REACK_DEMO_NOTE,
    REACK_DEMO_REQUEST_AGES,
    REACK_DEMO_SIGNATORY_LEFT,
    REFUSAL_REASONS,
    REGULATED_FLAGS,
    SEED,
    SIGNER_USER_AGENT,
    demo_signature_png,
    seeded_history,
)
from recommendations.models import Control, DecisionRequest, Recommendation
from recommendations.relationship.basis import refusal_reassess
from recommendations.risk.scoring import band_for, sensitivity_multiplier
from recommendations.selectors import scoring_config, sensitivity_of
from recommendations.services import recommendation_create, recommendation_transition, refusal_valid_until
from riskreg.accounts.models import User


def seed_software(*, actor: User) -> None:
    """The first demo client's software register: one program with consent, one whose consent
    was refused, one never asked about (the CASL guardrail shows on the last two)."""
    client = Client.objects.filter(name=DEMO_CLIENTS[0][0]).first()
    if client is None or client.software.exists():
        return
    for name, publisher, purpose, consent, installed in DEMO_SOFTWARE:
        with transaction.atomic():
            software = software_create(
                actor=actor,
                client=client,
                data={"name": name, "publisher": publisher, "function_and_purpose": purpose},
            )
            if consent:
                software_consent_record(
                    software=software, status=consent, request_id="demo", actor_label="seed:signatory"
                )
            if installed:
                software_mark_installed(actor=actor, software=software)


def ensure_users() -> list[User]:
    users = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "email": f"{username}@msp.example",
                "is_staff": role == User.Role.ADMIN,
                "is_superuser": role == User.Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


def ensure_practice(admin: User) -> None:
    if PracticeProfile.objects.filter(id=1, mailing_address__gt="").exists():
        return
    practice_profile_update(
        actor=admin,
        data={
            "legal_name": "Northstar Managed IT Inc.",
            "mailing_address": "200 Front Street West, Suite 1400\nToronto, ON M5V 3K2\nCanada",
            "email": "vcio@northstar-it.example",
            "phone": "+1 416 555 0134",
            "website": "https://northstar-it.example",
            # The demo's sweep re-acknowledges refusals whose basis changed (the default only offers it).
            "basis_change_reack": PracticeProfile.BasisChangeReack.SEND,
        },
    )


def client_spec(index: int, rng: random.Random, faker: Faker) -> tuple[str, str, set[str]]:
    if index < len(DEMO_CLIENTS):
        return DEMO_CLIENTS[index]
    industry = rng.choice(Client.Industry.values)
    flags = {flag for flag in REGULATED_FLAGS if rng.random() < 0.25}
    return f"{faker.company()} #{index + 1}", industry, flags


def create_client(*, name, industry, flags, vcio, actor, controls, count, rng, faker) -> DecisionRequest | None:
    today = timezone.localdate()
    client = client_create(
        actor=actor,
        data={
            "name": name,
            "industry": industry,
            "vcio": vcio,
            **{flag: True for flag in flags},
            "service_tier": rng.choice(Client.ServiceTier.values[:2]),
        },
    )
    signatory_name = faker.name()
    contact_create(
        actor=actor,
        client=client,
        data={
            "name": NAMED_SIGNATORIES.get(name, signatory_name),
            "title": rng.choice(["CEO", "Managing Partner", "Executive Director", "COO"]),
            "email": f"exec{client.pk}@{faker.domain_name()}",
            "phone": faker.phone_number(),
            "can_sign": True,
        },
    )
    contact_create(
        actor=actor,
        client=client,
        data={
            "name": faker.name(),
            "title": "Office Manager",
            "email": f"office{client.pk}@{faker.domain_name()}",
            "can_sign": False,
        },
    )
    agreement_create(
        actor=actor,
        client=client,
        data={
            "reference": f"MSA-{today.year - 1}-{client.pk:04d}",
            "effective_date": today - datetime.timedelta(days=rng.randint(120, 900)),
            "scope": AGREEMENT_SCOPE,
            "responsibilities": AGREEMENT_RESPONSIBILITIES,
            "exclusions": "Losses that a declined recommendation would have prevented; systems outside the "
            "managed scope; third-party applications; fines and penalties arising from the client's own data "
            "handling.",
            "refusal_cadence_days": AGREEMENT_CADENCE_DAYS.get(name),
        },
    )
    # Some clients are mature (most advice implemented), others carry many open gaps.
    weights = [weight * (1 + rng.random() * 12) if outcome == "implemented" else weight for outcome, weight in OUTCOMES]
    to_sign = []
    for control in rng.sample(controls, min(count, len(controls))):
        decided = seed_recommendation(client, control, actor, rng, today, weights)
        if decided is not None:
            to_sign.append(decided)
    if to_sign:
        return sign_decisions(client=client, actor=actor, decisions=to_sign, rng=rng)
    return None


def seed_recommendation(client, control, actor, rng, today, weights):
    """Seed one recommendation. One to be refused or accepted is returned as (recommendation,
    outcome) for the signatory to sign; a lapsed one needs a refusal already past its date,
    which no signature made today can give, so it is recorded directly."""
    recommendation = recommendation_create(
        actor=actor,
        client=client,
        control=control,
        data={
            "title": control.title,
            "description": control.description,
            "why_it_matters": control.why_it_matters,
            "consequences": control.consequences,
            "likelihood": max(1, min(5, control.default_likelihood + rng.choice([-1, 0, 0, 1]))),
            "impact": control.default_impact,
            **demo_costs(rng.choice([None, 500, 1200, 4800, 15000])),
            **demo_plan(today + datetime.timedelta(days=rng.randint(-30, 120)), client),
            "owner": actor,
        },
    )
    outcome = rng.choices([o for o, _ in OUTCOMES], weights=weights)[0]
    if outcome == "draft":
        return
    recommendation = recommendation_transition(actor=actor, recommendation=recommendation, action="present")
    if outcome in {"refused", "accepted", "implemented"}:
        return recommendation, outcome
    if outcome == "lapsed":
        signed_on = today - datetime.timedelta(days=rng.randint(10, 360))
        agreement = current_agreement(recommendation.client)
        valid_until = refusal_valid_until(
            level=recommendation.level,
            agreement_cadence_days=agreement.refusal_cadence_days if agreement else None,
            signed_on=signed_on,
        )
        recommendation = recommendation_transition(
            actor=None,
            actor_label="seed:signatory",
            recommendation=recommendation,
            action="refuse",
            valid_until=min(valid_until, today - datetime.timedelta(days=15)),
        )
        recommendation_transition(actor=None, actor_label="system", recommendation=recommendation, action="lapse")
    elif outcome == "deferred":
        recommendation_transition(actor=actor, recommendation=recommendation, action="defer")
    elif outcome == "withdrawn":
        recommendation_transition(actor=actor, recommendation=recommendation, action="withdraw")
    return None


def sign_decisions(*, client, actor, decisions, rng) -> DecisionRequest:
    """The signatory decides through the real services: link, view, one-time code, signature."""
    signatory = client.contacts.get(can_sign=True)
    request = signing.decision_request_send(
        actor=actor,
        client=client,
        signatory=signatory,
        recommendations=[recommendation for recommendation, _ in decisions],
        message="As discussed at our quarterly review, please record your decision on these recommendations.",
    )
    # Seed-only: the link and code emails are delivered to memory and read, as the signatory reads them.
    demo_mail.signing_token(request)
    signing.decision_request_mark_viewed(request=request)
    signing.signing_code_send(request=request)
    request.refresh_from_db()
    signing.signing_code_verify(request=request, code=demo_mail.signing_code(request))
    outcomes = {recommendation.pk: outcome for recommendation, outcome in decisions}
    choices = []
    for item in request.items.all():
        refused = outcomes[item.recommendation_id] == "refused"
        choices.append(
            signing.ItemChoice(
                item_id=item.pk,
                outcome="refuse" if refused else "accept",
                reason=rng.choice(REFUSAL_REASONS) if refused else "",
            )
        )
    signing.decision_request_complete(
        request=request,
        choices=choices,
        evidence=signing.SignerEvidence(
            typed_name=signatory.name,
            typed_title=signatory.title,
            signature_png=demo_signature_png(rng),
            ip_address=f"198.51.100.{rng.randint(2, 254)}",
            user_agent=SIGNER_USER_AGENT,
            signer_timezone="America/Toronto",
        ),
    )
    implemented = [pk for pk, outcome in outcomes.items() if outcome == "implemented"]
    for recommendation in Recommendation.objects.filter(pk__in=implemented):
        recommendation_transition(actor=actor, recommendation=recommendation, action="implement")
    return request


def seed_reacknowledgment(*, controls) -> None:
    """Refusals at every rung of the re-acknowledgment ladder and unanswered requests 3 and 7
    days old, so `reack_sweep` on the demo shows every kind of step. A refusal due soon was
    signed months ago, which no signature made today can be, so these are recorded directly
    (the sweep writes to the client's signatory) and the requests are aged after sending.
    Added once: a re-run finds the marker and adds nothing."""
    if Recommendation.objects.filter(rationale=REACK_DEMO_NOTE).exists():
        return
    clients = list(Client.objects.filter(name__in=REACK_DEMO_CLIENTS).select_related("vcio").order_by("name"))
    if not clients:
        return
    today = timezone.localdate()
    with transaction.atomic():
        for index, due_in in enumerate(REACK_DEMO_DUE_IN):
            recommendation = reack_demo_recommendation(clients[index % len(clients)], controls)
            recommendation_transition(
                actor=None,
                actor_label="seed:signatory",
                recommendation=recommendation,
                action="refuse",
                valid_until=today + datetime.timedelta(days=due_in),
            )
        for index, age in enumerate(REACK_DEMO_REQUEST_AGES):
            client = clients[index % len(clients)]
            request = signing.decision_request_send(
                actor=client.vcio,
                client=client,
                signatory=client.contacts.filter(can_sign=True, is_active=True).order_by("name").first(),
                recommendations=[reack_demo_recommendation(client, controls)],
                message="Following up on our review: please record your decision.",
            )
            DecisionRequest.objects.filter(pk=request.pk).update(
                sent_at=request.sent_at - datetime.timedelta(days=age),
                expires_at=request.expires_at - datetime.timedelta(days=age),
            )
        # A refusal signed against a smaller risk than the vCIO now sees: "basis changed".
        raised = recommendation_transition(
            actor=None,
            actor_label="seed:signatory",
            recommendation=reack_demo_recommendation(clients[0], controls),
            action="refuse",
            valid_until=today + datetime.timedelta(days=120),
        )
        likelihood = min(5, raised.likelihood + 1)
        impact = raised.impact if likelihood > raised.likelihood else min(5, raised.impact + 1)
        refusal_reassess(actor=clients[0].vcio, recommendation=raised, likelihood=likelihood, impact=impact)
        left = Client.objects.filter(name=REACK_DEMO_SIGNATORY_LEFT).select_related("vcio").first()
        if left:
            recommendation = reack_demo_recommendation(left, controls)
            recommendation_transition(
                actor=None,
                actor_label="seed:signatory",
                recommendation=recommendation,
                action="refuse",
                valid_until=today + datetime.timedelta(days=3),
            )
            for contact in left.contacts.filter(can_sign=True):
                contact_update(actor=left.vcio, contact=contact, data={"is_active": False})


def reack_demo_recommendation(client: Client, controls: list[Control]) -> Recommendation:
    used = set(client.recommendations.values_list("control_id", flat=True))
    control = next(control for control in controls if control.pk not in used)
    recommendation = recommendation_create(
        actor=client.vcio,
        client=client,
        control=control,
        data={
            "title": control.title,
            "description": control.description,
            "why_it_matters": control.why_it_matters,
            "consequences": control.consequences,
            "likelihood": control.default_likelihood,
            "impact": control.default_impact,
            "rationale": REACK_DEMO_NOTE,
            "owner": client.vcio,
        },
    )
    return recommendation_transition(actor=client.vcio, recommendation=recommendation, action="present")


def backfill_snapshots(*, names: set[str], days: int) -> int:
    """Daily history up to yesterday for seeded clients that have none, so trends show on day
    one: per client a seeded walk that moves in steps, as real scores do, and drifts into the
    client's current score. Marked ``seeded`` in the components; returns how many clients."""
    today = timezone.localdate()
    config = scoring_config()
    clients = [client for client in Client.objects.filter(snapshots__isnull=True) if client.name in names]
    snapshots = []
    for client in clients:
        multiplier = sensitivity_multiplier(sensitivity_of(client), config)
        rng = random.Random(f"{SEED}:{client.name}")
        for taken_on, score, coverage in seeded_history(
            rng, score=client.risk_score, coverage=float(client.liability_coverage), today=today, days=days
        ):
            weighted = -config.saturation * math.log(1 - min(score, 99) / 100)
            snapshots.append(
                RiskSnapshot(
                    client=client,
                    taken_on=taken_on,
                    score=score,
                    band=band_for(score, config),
                    coverage=Decimal(str(coverage)),
                    total_exposure=round(weighted / multiplier, 2),
                    multiplier=multiplier,
                    components={"seeded": True},
                )
            )
    RiskSnapshot.objects.bulk_create(snapshots, batch_size=2000, ignore_conflicts=True)
    return len(clients)
