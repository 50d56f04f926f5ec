"""Geometry of the dashboard's risk-versus-value chart (pure: plain data in, SVG units out).

Each client is a point: across, its risk score (0-100); up, its monthly recurring revenue; its
size, its uncovered exposure (area in proportion, so a client carrying twice as much unsigned
risk looks twice as big, not four times). The practice's score threshold is a vertical line.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from riskreg.formats import amount

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT_PAD, TOP, BOTTOM_PAD = 84, 16, 30, 44
MIN_RADIUS, MAX_RADIUS = 4.0, 20.0


@dataclass(frozen=True)
class ChartClient:
    name: str
    url: str
    score: int
    mrr_cents: int | None
    uncovered: Decimal
    band: str

    @property
    def mrr_text(self) -> str:
        return "" if self.mrr_cents is None else money(self.mrr_cents)


@dataclass(frozen=True)
class ChartPoint:
    client: ChartClient
    x: float
    y: float
    r: float

    @property
    def label(self) -> str:
        words = {"name": self.client.name, "score": self.client.score, "uncovered": f"{self.client.uncovered:g}"}
        if self.client.mrr_cents is None:
            return _("%(name)s: score %(score)s, no value recorded, uncovered exposure %(uncovered)s") % words
        return _("%(name)s: score %(score)s, MRR %(mrr)s, uncovered exposure %(uncovered)s") % {
            **words,
            "mrr": self.client.mrr_text,
        }


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class RiskValueChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: tuple[ChartPoint, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    threshold_x: float | None
    threshold_score: int
    without_value: int

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top

    @property
    def drawing_order(self) -> tuple[ChartPoint, ...]:
        """Largest first, so small points are drawn on top and stay clickable."""
        return tuple(sorted(self.points, key=lambda p: -p.r))

    @property
    def x_label_y(self) -> int:
        return self.bottom + 18

    @property
    def x_title_y(self) -> int:
        return self.height - 4

    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def threshold_label_x(self) -> float:
        return (self.threshold_x or 0) + 4


def money(cents: int) -> str:
    return amount(cents)


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (cents), at least 100.00."""
    value = max(value, 10_000)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def risk_value_chart(
    clients: list[ChartClient], *, threshold_score: int | None, largest_uncovered: Decimal | None = None
) -> RiskValueChart | None:
    """Place ``clients`` (kept in their order, for the table); ``threshold_score`` draws the review
    line when the practice's rule uses the score."""
    if not clients:
        return None
    right, bottom = WIDTH - RIGHT_PAD, HEIGHT - BOTTOM_PAD
    top_value = _nice_ceiling(max((c.mrr_cents or 0) for c in clients))
    biggest = float(largest_uncovered or max(c.uncovered for c in clients) or 1)

    def x(score: float) -> float:
        return round(LEFT + score / 100 * (right - LEFT), 1)

    def y(cents: int) -> float:
        return round(bottom - cents / top_value * (bottom - TOP), 1)

    def r(uncovered: Decimal) -> float:
        return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(float(uncovered) / biggest), 1)

    points = tuple(ChartPoint(c, x(c.score), y(c.mrr_cents or 0), r(c.uncovered)) for c in clients)
    return RiskValueChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        points=points,
        x_ticks=tuple(Tick(x(score), str(score)) for score in range(0, 101, 25)),
        # Whole currency units: short enough to fit left of the plot when a phone enlarges the labels.
        y_ticks=tuple(Tick(y(top_value * i // 4), f"{top_value * i // 400:,}") for i in range(5)),
        threshold_x=None if threshold_score is None else x(threshold_score),
        threshold_score=threshold_score or 0,
        without_value=sum(1 for c in clients if c.mrr_cents is None),
    )
