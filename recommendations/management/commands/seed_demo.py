"""Build a realistic, deterministic demo practice. Safe to run twice: it only adds what is missing."""

import datetime
import random

import factory.random
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clients.models import Client, PracticeProfile
from clients.services import agreement_create, client_create, contact_create, practice_profile_update
from recommendations.models import Control
from recommendations.services import recommendation_create, recommendation_transition, refusal_valid_until
from riskreg.accounts.models import User

SEED = 20261122
DEMO_PASSWORD = "riskreg-demo"
DEMO_USERS = [
    ("admin", "Alex", "Admin", User.Role.ADMIN),
    ("manager", "Morgan", "Reyes", User.Role.MANAGER),
    ("vcio", "Vera", "Castillo", User.Role.VCIO),
    ("vcio2", "Victor", "Nakamura", User.Role.VCIO),
]
DEMO_CLIENTS = [
    ("Harbourview Family Clinic", Client.Industry.HEALTHCARE, {"holds_health_data", "holds_personal_data"}),
    ("Côté & Łukasiewicz LLP", Client.Industry.LEGAL, {"holds_legal_privilege", "holds_personal_data"}),
    ("Northwind Credit Union", Client.Industry.FINANCE, {"holds_financial_data", "holds_payment_card_data"}),
    ("Maple Ridge School District", Client.Industry.EDUCATION, {"holds_personal_data"}),
    ("Brightline Manufacturing", Client.Industry.MANUFACTURING, set()),
    ("Cascade Outdoor Retail", Client.Industry.RETAIL, {"holds_payment_card_data"}),
    ("Summit Engineering Partners", Client.Industry.PROFESSIONAL_SERVICES, set()),
    ("Riverbend Food Bank", Client.Industry.NONPROFIT, {"holds_personal_data"}),
    ("Lakeshore Dental Group", Client.Industry.HEALTHCARE, {"holds_health_data", "holds_payment_card_data"}),
    ("Orchard Accounting", Client.Industry.FINANCE, {"holds_financial_data", "holds_personal_data"}),
    ("Pinecrest Township", Client.Industry.GOVERNMENT, {"holds_personal_data"}),
    ("Quarry Lane Software", Client.Industry.TECHNOLOGY, set()),
]
REGULATED_FLAGS = [
    "holds_health_data",
    "holds_payment_card_data",
    "holds_personal_data",
    "holds_legal_privilege",
    "holds_financial_data",
]
AGREEMENT_SCOPE = "Managed endpoints and servers, Microsoft 365 administration, monitoring, patching and help desk."
AGREEMENT_RESPONSIBILITIES = (
    "The MSP operates and monitors the covered systems. The client approves budgets and changes, and tells the MSP "
    "about new systems and staff changes."
)
# How a seeded recommendation ends up: weights keep every status present in the demo.
OUTCOMES = [
    ("draft", 1),
    ("presented", 3),
    ("accepted", 2),
    ("implemented", 3),
    ("refused", 3),
    ("deferred", 1),
    ("withdrawn", 1),
    ("lapsed", 1),
]


class Command(BaseCommand):
    help = "Seed a demo practice (users, clients, contacts, agreements, recommendations). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=int, default=len(DEMO_CLIENTS), help="How many clients in all.")
        parser.add_argument("--recommendations", type=int, default=12, help="Recommendations per generated client.")

    def handle(self, *args, **options) -> None:
        rng = random.Random(SEED)
        faker = Faker("en_CA")
        faker.seed_instance(SEED)
        factory.random.reseed_random(SEED)
        users = self.ensure_users()
        vcios = [u for u in users if u.role == User.Role.VCIO]
        self.ensure_practice(users[0])
        controls = list(Control.objects.filter(is_active=True).order_by("code"))
        existing = set(Client.objects.values_list("name", flat=True))
        created = 0
        for index in range(options["clients"]):
            name, industry, flags = self.client_spec(index, rng, faker)
            if name in existing:
                continue
            with transaction.atomic():
                self.create_client(
                    name=name,
                    industry=industry,
                    flags=flags,
                    vcio=vcios[index % len(vcios)],
                    actor=vcios[index % len(vcios)],
                    controls=controls,
                    count=options["recommendations"],
                    rng=rng,
                    faker=faker,
                )
            created += 1
        self.stdout.write(
            self.style.SUCCESS(f"Demo practice ready: {created} clients added, {Client.objects.count()} in all.")
        )
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(u.username for u in users))

    def ensure_users(self) -> list[User]:
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

    def ensure_practice(self, admin: User) -> None:
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
            },
        )

    @staticmethod
    def client_spec(index: int, rng: random.Random, faker: Faker) -> tuple[str, str, set[str]]:
        if index < len(DEMO_CLIENTS):
            return DEMO_CLIENTS[index]
        industry = rng.choice(Client.Industry.values)
        flags = {flag for flag in REGULATED_FLAGS if rng.random() < 0.25}
        return f"{faker.company()} #{index + 1}", industry, flags

    def create_client(self, *, name, industry, flags, vcio, actor, controls, count, rng, faker) -> None:
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
        contact_create(
            actor=actor,
            client=client,
            data={
                "name": faker.name(),
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
            },
        )
        # Some clients are mature (most advice implemented), others carry many open gaps.
        weights = [
            weight * (1 + rng.random() * 12) if outcome == "implemented" else weight for outcome, weight in OUTCOMES
        ]
        for control in rng.sample(controls, min(count, len(controls))):
            self.seed_recommendation(client, control, actor, rng, today, weights)

    def seed_recommendation(self, client, control, actor, rng, today, weights) -> None:
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
                "estimated_cost": rng.choice([None, 500, 1200, 4800, 15000]),
                "target_date": today + datetime.timedelta(days=rng.randint(-30, 120)),
                "owner": actor,
            },
        )
        outcome = rng.choices([o for o, _ in OUTCOMES], weights=weights)[0]
        if outcome == "draft":
            return
        recommendation = recommendation_transition(actor=actor, recommendation=recommendation, action="present")
        if outcome in {"refused", "lapsed"}:
            # Spread refusals so some fall due soon, some are well inside their window.
            signed_on = today - datetime.timedelta(days=rng.randint(10, 360))
            valid_until = refusal_valid_until(recommendation=recommendation, signed_on=signed_on)
            if outcome == "lapsed":
                valid_until = min(valid_until, today - datetime.timedelta(days=15))
            elif valid_until < today:
                valid_until = today + datetime.timedelta(days=rng.choice([1, 7, 30, 45, 80]))
            recommendation = recommendation_transition(
                actor=None,
                actor_label="seed:signatory",
                recommendation=recommendation,
                action="refuse",
                valid_until=valid_until,
            )
            if outcome == "lapsed":
                recommendation_transition(
                    actor=None, actor_label="system", recommendation=recommendation, action="lapse"
                )
        elif outcome in {"accepted", "implemented"}:
            recommendation = recommendation_transition(
                actor=None, actor_label="seed:signatory", recommendation=recommendation, action="accept"
            )
            if outcome == "implemented":
                recommendation_transition(actor=actor, recommendation=recommendation, action="implement")
        elif outcome == "deferred":
            recommendation_transition(actor=actor, recommendation=recommendation, action="defer")
        elif outcome == "withdrawn":
            recommendation_transition(actor=actor, recommendation=recommendation, action="withdraw")
