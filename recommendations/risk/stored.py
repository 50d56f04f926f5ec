"""The figures a client row caches from its recommendations.

Every service that changes a recommendation's status or dates rescores its client in the same
transaction (recommendations/services.py ``client_rescore``), and the portfolio rescore does the
same for every client (risk/services.py): both write what ``stored_figures`` returns. Besides the
score, the row keeps the counts and dates the dashboard sums and sorts by, so the dashboard never
reads the recommendations of the whole portfolio.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from clients.selectors import UNASSESSED_STATUSES
from recommendations.risk.scoring import ClientScore, ScoreFigures, stored_uncovered
from recommendations.risk.states import DEFERRED, LAPSED, PRESENTED, REFUSED, ScoringItem

# The dashboard's "refusals due within N days" windows; each has a stored count (refusals_due_N).
DUE_WINDOWS = (30, 60, 90)
SCORE_FIELDS = ("risk_score", "risk_band", "liability_coverage", "uncovered_exposure")
COUNT_FIELDS = (
    "is_assessed",
    "open_refusals",
    "lapsed_refusals",
    "unsigned_items",
    "next_refusal_due",
    "first_lapsed_valid_until",
    "refusals_due_on",
    *(f"refusals_due_{days}" for days in DUE_WINDOWS),
)
STORED_FIELDS = SCORE_FIELDS + COUNT_FIELDS


def _earliest(days: list[date | None]) -> date | None:
    return min((day for day in days if day is not None), default=None)


def stored_figures(items: Sequence[ScoringItem], result: ClientScore | ScoreFigures, today: date) -> dict[str, Any]:
    """What the client row stores for ``items`` scored as ``result`` on ``today``: one value per STORED_FIELDS."""
    refused = [item.valid_until for item in items if item.status == REFUSED]
    lapsed = [item.valid_until for item in items if item.status == LAPSED]
    return {
        "risk_score": result.score,
        "risk_band": result.band,
        "liability_coverage": Decimal(str(round(result.coverage, 1))),
        "uncovered_exposure": stored_uncovered(result),
        "is_assessed": any(item.status not in UNASSESSED_STATUSES for item in items),
        "open_refusals": len(refused),
        "lapsed_refusals": len(lapsed),
        "unsigned_items": sum(1 for item in items if item.status in (PRESENTED, DEFERRED)),
        "next_refusal_due": _earliest(refused),
        "first_lapsed_valid_until": _earliest(lapsed),
        "refusals_due_on": today,
        **{
            f"refusals_due_{days}": sum(1 for day in refused if day is not None and day <= today + timedelta(days=days))
            for days in DUE_WINDOWS
        },
    }
