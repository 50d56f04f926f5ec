"""The shape of the generated demo data: archetypes, time windows, texts, costs (see bulk.py)."""

import datetime
import io

from faker import Faker
from PIL import Image, ImageDraw

from clients.models import (
    Client,
)
from recommendations.roadmap.quarters import quarter_of

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
