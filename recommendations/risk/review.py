"""When a client needs a relationship review, and in which order the review queue lists them.

The rule is a threshold on the client's risk figures (its score and its uncovered exposure), so it
lives with the risk model: the dashboard, the relationship pages and "How the score works" all
read it from here.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The review queue's priority: uncovered exposure first (what the MSP carries unsigned), then
# the score (the client's own risk), then monthly recurring revenue (what is at stake), highest first.
PRIORITY_ORDER: tuple[Any, ...] = (
    "-uncovered_exposure",
    "-risk_score",
    F("monthly_recurring_revenue_cents").desc(nulls_last=True),
    "name",
    "pk",
)


# How each basis of the review rule reads, and which thresholds it uses.
REVIEW_BASIS_WORDS = {
    "score": _("score ≥ {score}"),
    "uncovered": _("uncovered exposure ≥ {uncovered}"),
    "either": _("score ≥ {score} or uncovered exposure ≥ {uncovered}"),
    "both": _("score ≥ {score} and uncovered exposure ≥ {uncovered}"),
}


@dataclass(frozen=True)
class ReviewRule:
    """When a client needs a relationship review: the practice's thresholds on the risk score
    and the uncovered exposure, and whether one, the other, either or both must be reached."""

    score: int = 50
    uncovered: Decimal = Decimal(20)
    basis: str = "score"

    def __post_init__(self) -> None:
        if self.basis not in REVIEW_BASIS_WORDS:
            raise ValueError(f"unknown review basis {self.basis!r}")

    def condition(self) -> Q:
        by_score = Q(risk_score__gte=self.score)
        by_uncovered = Q(uncovered_exposure__gte=self.uncovered)
        return {
            "score": by_score,
            "uncovered": by_uncovered,
            "either": by_score | by_uncovered,
            "both": by_score & by_uncovered,
        }[self.basis]

    def reached(self, *, score: int, uncovered: Decimal) -> bool:
        by_score, by_uncovered = score >= self.score, uncovered >= self.uncovered
        return {
            "score": by_score,
            "uncovered": by_uncovered,
            "either": by_score or by_uncovered,
            "both": by_score and by_uncovered,
        }[self.basis]

    def __str__(self) -> str:
        return str(REVIEW_BASIS_WORDS[self.basis]).format(score=self.score, uncovered=f"{self.uncovered:g}")
