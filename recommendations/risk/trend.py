"""The 12-month trend chart of a client's score and coverage: pure geometry for an inline SVG."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from clients.models import Client
from recommendations.risk.scoring import ScoringConfig
from recommendations.risk.states import BANDS

TREND_DAYS = 365
BAND_LABELS = dict(Client.Band.choices)


@dataclass(frozen=True)
class TrendTick:
    position: float
    label: str


@dataclass(frozen=True)
class TrendBand:
    band: str
    label: str
    y: float
    height: float


@dataclass(frozen=True)
class TrendChart:
    """Everything an inline SVG needs, in SVG user units; the template only places it."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    bands: tuple[TrendBand, ...]
    y_ticks: tuple[TrendTick, ...]
    x_ticks: tuple[TrendTick, ...]
    score_points: str
    coverage_points: str
    last_x: float
    last_y: float
    last_score: int
    first_on: date
    last_on: date
    first_score: int
    lowest: int
    highest: int
    monthly: tuple[tuple[str, int, Decimal], ...]

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def y_label_x(self) -> int:
        return self.left - 5

    @property
    def tick_end(self) -> float:
        return self.bottom + 4

    @property
    def x_label_y(self) -> int:
        return self.height - 6

    @property
    def summary(self) -> str:
        return _(
            "Risk score from %(first)s on %(first_on)s to %(last)s on %(last_on)s; lowest %(lowest)s, "
            "highest %(highest)s."
        ) % {
            "first": self.first_score,
            "first_on": f"{self.first_on:%Y-%m-%d}",
            "last": self.last_score,
            "last_on": f"{self.last_on:%Y-%m-%d}",
            "lowest": self.lowest,
            "highest": self.highest,
        }


# --- Geometry ----------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 960, 240
CHART_LEFT, CHART_RIGHT_PAD, CHART_TOP, CHART_BOTTOM_PAD = 34, 14, 10, 26


def _month_starts(start: date, end: date) -> list[date]:
    month = date(start.year, start.month, 1)
    months = []
    while month <= end:
        if month > start:
            months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _month_label(month: date, *, first: bool) -> str:
    # The year goes on each January, and on the first month unless a January follows closely
    # (two long labels side by side would overlap).
    if month.month == 1 or (first and month.month < 11):
        return format_date(month, "M Y")
    return format_date(month, "M")


def trend_chart(series: list[tuple[date, int, Decimal]], *, today: date, config: ScoringConfig) -> TrendChart | None:
    """Geometry of the 12-month trend: score line, coverage line, band backgrounds, ticks."""
    if not series:
        return None
    start = today - timedelta(days=TREND_DAYS)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT_PAD
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM_PAD

    def x(day: date) -> float:
        return round(CHART_LEFT + (day - start).days / TREND_DAYS * plot_width, 1)

    def y(value: float) -> float:
        return round(CHART_TOP + (100 - float(value)) / 100 * plot_height, 1)

    edges = [0, *config.band_limits, 100]
    bands = tuple(
        TrendBand(band, BAND_LABELS[band], y(edges[i + 1]), round(y(edges[i]) - y(edges[i + 1]), 1))
        for i, band in enumerate(BANDS)
    )
    months = _month_starts(start, today)
    x_ticks = tuple(TrendTick(x(m), _month_label(m, first=m == months[0])) for m in months)
    scores = [score for _, score, _ in series]
    monthly: dict[str, tuple[str, int, Decimal]] = {}
    for day, score, coverage in series:
        monthly[f"{day:%Y-%m}"] = (format_date(day, "M Y"), score, coverage)
    last_day, last_score, _ = series[-1]
    return TrendChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=CHART_LEFT,
        right=CHART_LEFT + plot_width,
        top=CHART_TOP,
        bottom=CHART_TOP + plot_height,
        bands=bands,
        y_ticks=tuple(TrendTick(y(value), str(value)) for value in edges),
        x_ticks=x_ticks,
        score_points=" ".join(f"{x(day)},{y(score)}" for day, score, _ in series),
        coverage_points=" ".join(f"{x(day)},{y(coverage)}" for day, _, coverage in series),
        last_x=x(last_day),
        last_y=y(last_score),
        last_score=last_score,
        first_on=series[0][0],
        last_on=last_day,
        first_score=series[0][1],
        lowest=min(scores),
        highest=max(scores),
        monthly=tuple(monthly.values()),
    )
