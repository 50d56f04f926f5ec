"""The named demo practice that `seed_demo` builds: its people, clients and their stories, and the
seeded signature and score history that make it look lived in."""

import datetime
import io
import math
import random

from PIL import Image, ImageDraw

from clients.models import Client
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
DEMO_SOFTWARE = [
    (
        "Atlas RMM agent",
        "Atlas Software Corp.",
        "Remote monitoring and patching of every workstation and server.",
        "given",
        True,
    ),
    (
        "SentinelEdge EDR",
        "SentinelEdge Inc.",
        "Endpoint detection and response: watches each computer for malware and stops it.",
        "refused",
        False,
    ),
    (
        "Helpline remote support",
        "Helpline Tools Ltd.",
        "Lets our technicians see and control a screen when the user asks for help.",
        "",
        False,
    ),
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
# Named clients sign their decisions through the real signing flow, so their waivers are sealed
# PDFs that verify; a few agreements review refusals sooner, so the demo has refusals coming due.
NAMED_SIGNATORIES = {"Harbourview Family Clinic": "Hélène Côté", "Côté & Łukasiewicz LLP": "Łukasz Żółć"}
AGREEMENT_CADENCE_DAYS = {"Northwind Credit Union": 30, "Lakeshore Dental Group": 60}
REFUSAL_REASONS = [
    "The budget for this year is committed; we will revisit it at the next budget cycle.",
    "Staff find the extra step disruptive at the front desk during clinic hours.",
    "The system it protects is being replaced next year; we accept the risk until then.",
    "Our insurer has not asked for it, and we prefer to wait until they do.",
    "Not a priority while we complete the office move this quarter.",
]
SIGNER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# Re-acknowledgment demo: refusals whose valid-until is 30, 7 and 1 days away, today, inside the
# grace period and past it; decision requests unanswered for 3 and 7 days and one past its expiry;
# and a client whose only signatory has left, so the vCIO is asked to choose another.
REACK_DEMO_CLIENTS = ("Harbourview Family Clinic", "Northwind Credit Union", "Cascade Outdoor Retail")
REACK_DEMO_DUE_IN = (30, 7, 1, 0, -5, -20)
REACK_DEMO_REQUEST_AGES = (3, 7, 15)
REACK_DEMO_SIGNATORY_LEFT = "Quarry Lane Software"
REACK_DEMO_NOTE = "Raised at the last quarterly review; the client declined it then."
HISTORY_DAYS = 182
HISTORY_DAYS_LARGE = 90
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


def demo_signature_png(rng: random.Random) -> bytes:
    """A hand-drawn-looking signature: a few connected loops with a seeded wobble."""
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for step in range(120):
        x = 40 + step * 4.2
        y = 110 + math.sin(step / (3.0 + rng.random())) * (30 + rng.random() * 12) - step * 0.25
        points.append((x, y))
    draw.line(points, fill=(20, 30, 90, 255), width=4, joint="curve")
    draw.line([(60, 150), (540, 138)], fill=(20, 30, 90, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seeded_history(
    rng: random.Random, *, score: int, coverage: float, today: datetime.date, days: int
) -> list[tuple[datetime.date, int, float]]:
    """``days`` daily (date, score, coverage) points ending yesterday, near today's figures."""
    start_score = min(100, max(0, score + rng.randint(-25, 25)))
    start_coverage = min(100.0, max(0.0, coverage + rng.uniform(-40, 15)))
    history, next_step = [], 0
    current_score, current_coverage = start_score, start_coverage
    for day in range(days):
        if day >= next_step:
            progress = day / days
            current_score = round(start_score + (score - start_score) * progress + rng.gauss(0, 2))
            current_score = min(100, max(0, current_score))
            current_coverage = start_coverage + (coverage - start_coverage) * progress + rng.gauss(0, 3)
            current_coverage = round(min(100.0, max(0.0, current_coverage)), 1)
            next_step = day + rng.randint(4, 16)
        history.append((today - datetime.timedelta(days=days - day), current_score, current_coverage))
    return history
