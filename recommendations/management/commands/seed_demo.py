"""Build a realistic, deterministic demo practice. Safe to run twice: it only adds what is missing."""

import random

import factory.random
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clients.models import Client
from recommendations.demo import seed
from recommendations.demo.bulk import seed_generated_clients
from recommendations.demo.named import (
    DEMO_CLIENTS,
    DEMO_PASSWORD,
    HISTORY_DAYS,
    HISTORY_DAYS_LARGE,
    SEED,
)
from recommendations.models import Control
from recommendations.risk.services import snapshots_take
from recommendations.tasks import render_request_document
from riskreg.accounts.models import User


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
        users = seed.ensure_users()
        vcios = [u for u in users if u.role == User.Role.VCIO]
        seed.ensure_practice(users[0])
        # After the practice exists, so the seal carries its name; the named clients' waivers need it.
        call_command("create_seal_certificate", "--if-missing", stdout=self.stdout)
        controls = list(Control.objects.filter(is_active=True).order_by("code"))
        existing = set(Client.objects.values_list("name", flat=True))
        created = 0
        seeded_names = set()
        signed_requests: list[int] = []
        for index in range(min(options["clients"], len(DEMO_CLIENTS))):
            name, industry, flags = seed.client_spec(index, rng, faker)
            seeded_names.add(name)
            if name in existing:
                continue
            with transaction.atomic():
                signed_request = seed.create_client(
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
            if signed_request is not None:
                signed_requests.append(signed_request.pk)
            created += 1
        # Rendered here rather than by a worker, so the demo's waivers exist as soon as seeding ends.
        for request_id in signed_requests:
            render_request_document(request_id)
        seed.seed_reacknowledgment(controls=controls)
        seed.seed_software(actor=vcios[0])
        # Clients beyond the named ones are written in bulk: 2,000 through the services would take an hour.
        created += seed_generated_clients(
            start=len(DEMO_CLIENTS),
            total=options["clients"],
            per_client=options["recommendations"],
            vcios=vcios,
            controls=controls,
            progress=self.stdout.write,
        )
        # Large demos get a shorter history so seeding stays quick.
        days = HISTORY_DAYS if options["clients"] <= 100 else HISTORY_DAYS_LARGE
        backfilled = seed.backfill_snapshots(names=seeded_names, days=days)
        snapshots_take(today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(f"Demo practice ready: {created} clients added, {Client.objects.count()} in all.")
        )
        if backfilled:
            self.stdout.write(f"Backfilled {days} days of risk history for {backfilled} clients.")
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(u.username for u in users))
