"""The client-facing risk briefing: the same letterhead, fonts and tables as the signed records.

Pure rendering: a `BriefingData` in, PDF bytes out, no ORM and no clock. A briefing records no
decision, so it is not sealed; once issued its bytes are kept and hashed (recommendations/briefing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from recommendations.documents.pdf.data import PracticeLetterhead
from recommendations.documents.pdf.grid import list_table, rows_table
from recommendations.documents.pdf.layout import (
    ACCENT,
    BOLD,
    FRAME_WIDTH,
    REGULAR,
    RISK_COLOURS,
    RULE,
    Para,
    Plain,
    Run,
    Styled,
    make_styles,
    register_fonts,
    section_heading,
)
from recommendations.documents.pdf.render import build_pdf
from recommendations.documents.pdf.sections import letterhead
from recommendations.documents.pdf.text import fmt_date, markup_text


@dataclass(frozen=True)
class BriefingRisk:
    title: str
    level_label: str
    status_label: str
    consequences: str


@dataclass(frozen=True)
class BriefingDecision:
    decided_on: date
    title: str
    outcome_label: str
    signer: str


@dataclass(frozen=True)
class BriefingDue:
    title: str
    level_label: str
    valid_until: date


@dataclass(frozen=True)
class BriefingQuarter:
    label: str
    months: str
    titles: tuple[str, ...]
    one_time: str
    recurring_monthly: str
    annualised: str


@dataclass(frozen=True)
class BriefingData:
    practice: PracticeLetterhead
    document_id: str
    client_name: str
    prepared_by: str
    issued_on: date
    period_start: date
    period_end: date
    note: str
    score: int
    band_label: str
    coverage: str  # "71.5"
    score_before: int | None
    band_before_label: str | None
    coverage_before: str | None
    trend: tuple[tuple[date, int], ...]
    open_items: int
    implemented_this_period: int
    top_risks: tuple[BriefingRisk, ...]
    decisions: tuple[BriefingDecision, ...]
    refusals_due: tuple[BriefingDue, ...]
    roadmap: tuple[BriefingQuarter, ...]
    decide_next: tuple[str, ...]


def _period(data: BriefingData) -> str:
    return f"{fmt_date(data.period_start)} to {fmt_date(data.period_end)}"


def _cover(data: BriefingData, styles) -> list[Flowable]:
    story: list[Flowable] = [
        *letterhead(data.practice, styles),
        Spacer(1, 40 * mm),
        Para("Risk briefing", styles.title),
        Para(f"<b>{markup_text(data.client_name)}</b>", styles.section),
        Spacer(1, 6),
        rows_table(
            [
                ("Period", Plain(_period(data))),
                ("Prepared by", Plain(f"{data.prepared_by}, {data.practice.legal_name}")),
                ("Issued", Plain(fmt_date(data.issued_on))),
                ("Document ID", Styled((Run(data.document_id, BOLD),))),
            ],
            styles,
        ),
    ]
    if data.note.strip():
        story += [Spacer(1, 10 * mm), *section_heading("A note from your vCIO", styles)]
        story += [Para(markup_text(paragraph), styles.body) for paragraph in data.note.split("\n") if paragraph.strip()]
    return [*story, PageBreak()]


def _change(now: int | float, before: int | float | None, unit: str) -> str:
    if before is None:
        return "no figure a quarter ago"
    delta = round(now - before, 1)
    if delta == 0:
        return "unchanged"
    delta_text = f"{abs(delta):g}{unit}"
    return f"up {delta_text}" if delta > 0 else f"down {delta_text}"


def _count(number: int) -> str:
    return "none" if number == 0 else str(number)


def _summary(data: BriefingData, styles) -> list[Flowable]:
    score_line = f"Your risk score is {data.score} of 100 ({data.band_label.lower()})"
    if data.score_before is not None:
        score_line += f", against {data.score_before} ({(data.band_before_label or '').lower()}) a quarter ago"
    coverage_line = (
        f"{data.coverage} % of your open risk is covered by a current signed decision — "
        "either a plan you accepted or a risk you formally chose to carry"
    )
    if data.coverage_before is not None:
        coverage_line += f" ({data.coverage_before} % a quarter ago)"
    implemented = data.implemented_this_period
    sentences = [
        score_line + ".",
        coverage_line + ".",
        f"{data.open_items} recommendation{'s are' if data.open_items != 1 else ' is'} still open; "
        f"{_count(implemented)} {'was' if implemented == 1 else 'were'} put in place and "
        f"{len(data.decisions)} decision{'s were' if len(data.decisions) != 1 else ' was'} signed this period.",
    ]
    if data.refusals_due:
        sentences.append(
            f"{len(data.refusals_due)} risk{'s' if len(data.refusals_due) != 1 else ''} you accepted in writing "
            "come up for review in the next 90 days."
        )
    coverage_before = float(data.coverage_before) if data.coverage_before is not None else None
    rows = [
        (
            "Risk score",
            Plain(f"{data.score} ({data.band_label}) — {_change(data.score, data.score_before, ' points')}"),
        ),
        (
            "Coverage",
            Plain(f"{data.coverage} % — {_change(float(data.coverage), coverage_before, ' points')}"),
        ),
    ]
    return [
        *section_heading("Executive summary", styles),
        Para(" ".join(markup_text(sentence) for sentence in sentences), styles.body),
        Spacer(1, 6),
        rows_table(rows, styles),
    ]


CHART_HEIGHT = 62 * mm
BAND_LINES = ((25, "moderate"), (50, "high"), (75, "critical"))


def trend_chart(trend: tuple[tuple[date, int], ...], *, width: float = FRAME_WIDTH) -> Drawing:
    """The score over the last twelve months as a reportlab drawing (vector, not a picture)."""
    drawing = Drawing(width, CHART_HEIGHT)
    plot = LinePlot()
    plot.x, plot.y = 26, 22
    plot.width, plot.height = width - 40, CHART_HEIGHT - 34
    first = trend[0][0] if trend else date(2000, 1, 1)
    points = [((day - first).days, score) for day, score in trend] or [(0, 0)]
    if len(points) == 1:
        points.append((points[0][0] + 1, points[0][1]))
    plot.data = [points]
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.6
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 25
    plot.yValueAxis.labels.fontName = REGULAR
    plot.yValueAxis.labels.fontSize = 7
    span = max(points[-1][0], 1)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    plot.xValueAxis.valueSteps = [0, span / 2, span]
    plot.xValueAxis.labelTextFormat = lambda offset: fmt_date(date.fromordinal(first.toordinal() + int(offset)))
    plot.xValueAxis.labels.fontName = REGULAR
    plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.labels.boxAnchor = "n"
    drawing.add(Rect(plot.x, plot.y, plot.width, plot.height, fillColor=None, strokeColor=RULE, strokeWidth=0.5))
    for value, band in BAND_LINES:
        y = plot.y + plot.height * value / 100
        colour = RISK_COLOURS[band]
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=colour, strokeWidth=0.4, strokeDashArray=[2, 2])
        )
        drawing.add(
            String(
                plot.x + plot.width - 2,
                y + 2,
                band.capitalize(),
                fontName=REGULAR,
                fontSize=6,
                fillColor=colour,
                textAnchor="end",
            )
        )
    drawing.add(plot)
    return drawing


def _trend(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("Your risk score over twelve months", styles)
    if len(data.trend) < 2:
        return [*story, Para("The score has not been recorded long enough to show a trend yet.", styles.body)]
    return [*story, trend_chart(data.trend), Para("0 is no open risk; 100 is the most serious.", styles.small)]


def _top_risks(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("Your most serious open risks", styles)
    if not data.top_risks:
        return [*story, Para("No open risks: every recommendation is in place or withdrawn.", styles.body)]
    for number, risk in enumerate(data.top_risks, start=1):
        colour = RISK_COLOURS.get(risk.level_label.lower())
        heading = f"{number}. {markup_text(risk.title)} — <font color='{colour.hexval() if colour else '#000000'}'>"
        story.append(
            Para(
                f"{heading}{markup_text(risk.level_label)}</font> ({markup_text(risk.status_label.lower())})",
                styles.item,
            )
        )
        story.append(Para(f"What can happen: {markup_text(risk.consequences)}", styles.body))
    return story


def _decisions(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("Decisions signed this period", styles)
    if not data.decisions:
        return [*story, Para("No decisions were signed this period.", styles.body)]
    rows = [(fmt_date(d.decided_on), d.title, d.outcome_label, d.signer) for d in data.decisions]
    return [
        *story,
        list_table(("Date", "Recommendation", "Decision", "Signed by"), rows, _widths(0.17, 0.43, 0.15, 0.25), styles),
    ]


def _refusals(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("Accepted risks coming up for review", styles)
    if not data.refusals_due:
        return [*story, Para("None in the next 90 days.", styles.body)]
    rows = [(due.title, due.level_label, fmt_date(due.valid_until)) for due in data.refusals_due]
    story.append(
        Para(
            "You chose to carry these risks and signed for it. Each acceptance is reviewed by the date shown: "
            "we will ask you to accept the recommendation or sign for the risk again.",
            styles.body,
        )
    )
    return [
        *story,
        Spacer(1, 4),
        list_table(("Recommendation", "Risk level", "Review by"), rows, _widths(0.6, 0.18, 0.22), styles),
    ]


def _roadmap(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("Roadmap for the next four quarters", styles)
    rows = [
        (
            f"{q.label}\n{q.months}",
            "\n".join(q.titles) or "Nothing planned",
            q.one_time,
            q.recurring_monthly,
            q.annualised,
        )
        for q in data.roadmap
    ]
    story.append(
        list_table(
            ("Quarter", "Planned work", "One-time", "Monthly", "First year"),
            rows,
            _widths(0.23, 0.38, 0.13, 0.12, 0.14),
            styles,
        )
    )
    return [*story, Para("First year: the one-time cost plus twelve months of the recurring cost.", styles.small)]


def _next(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading("What we ask you to decide next", styles)
    if not data.decide_next:
        return [*story, Para("Nothing is waiting for your decision.", styles.body)]
    return story + [
        Para(markup_text(text), styles.numbered, bulletText=f"{number}.")
        for number, text in enumerate(data.decide_next, 1)
    ]


def _widths(*shares: float) -> tuple[float, ...]:
    return tuple(FRAME_WIDTH * share for share in shares)


def render_briefing(data: BriefingData) -> bytes:
    """Render a risk briefing as PDF bytes. Deterministic: the same data gives the same bytes."""
    register_fonts()
    styles = make_styles()
    story = [
        *_cover(data, styles),
        *_summary(data, styles),
        *_trend(data, styles),
        *_top_risks(data, styles),
        *_decisions(data, styles),
        *_refusals(data, styles),
        *_roadmap(data, styles),
        *_next(data, styles),
    ]
    return build_pdf(
        story,
        title=f"Risk briefing — {data.client_name}",
        practice_name=data.practice.legal_name,
        document_id=data.document_id,
    )
