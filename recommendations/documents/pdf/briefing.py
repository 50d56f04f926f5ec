"""The client-facing risk briefing: the same letterhead, fonts and tables as the signed records.

Pure rendering: a `BriefingData` in, PDF bytes out, no ORM and no clock. A briefing records no
decision, so it is not sealed; once issued its bytes are kept and hashed (recommendations/briefing).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
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
    level: str = ""  # very_low … critical: its colour (the label is in the briefing's language)


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
    return _("%(start)s to %(end)s") % {"start": fmt_date(data.period_start), "end": fmt_date(data.period_end)}


def _cover(data: BriefingData, styles) -> list[Flowable]:
    story: list[Flowable] = [
        *letterhead(data.practice, styles),
        Spacer(1, 40 * mm),
        Para(_("Risk briefing"), styles.title),
        Para(f"<b>{markup_text(data.client_name)}</b>", styles.section),
        Spacer(1, 6),
        rows_table(
            [
                (_("Period"), Plain(_period(data))),
                (_("Prepared by"), Plain(f"{data.prepared_by}, {data.practice.legal_name}")),
                (_("Issued"), Plain(fmt_date(data.issued_on))),
                (_("Document ID"), Styled((Run(data.document_id, BOLD),))),
            ],
            styles,
        ),
    ]
    if data.note.strip():
        story += [Spacer(1, 10 * mm), *section_heading(_("A note from your vCIO"), styles)]
        story += [Para(markup_text(paragraph), styles.body) for paragraph in data.note.split("\n") if paragraph.strip()]
    return [*story, PageBreak()]


def _change(now: int | float, before: int | float | None) -> str:
    if before is None:
        return _("no figure a quarter ago")
    delta = round(now - before, 1)
    if delta == 0:
        return _("unchanged")
    points = number_format(abs(delta), decimal_pos=None if abs(delta) % 1 else 0)
    # gettext plurals need a whole number; a fraction of a point reads as plural.
    count = int(abs(delta)) if abs(delta) % 1 == 0 else 2
    if delta > 0:
        return ngettext("up %(points)s point", "up %(points)s points", count) % {"points": points}
    return ngettext("down %(points)s point", "down %(points)s points", count) % {"points": points}


def _percent(value: str) -> str:
    """A coverage figure ("71.5") as the language writes it: "71.5 %", "71,5 %"."""
    return _("%(number)s %%") % {"number": number_format(Decimal(value))}


def _activity(data: BriefingData) -> str:
    """The period's activity in one sentence, its three counts each with its own plural."""
    still_open = ngettext(
        "%(count)d recommendation is still open", "%(count)d recommendations are still open", data.open_items
    ) % {"count": data.open_items}
    implemented = data.implemented_this_period
    if implemented == 0:
        put_in_place = _("none were put in place")
    else:
        put_in_place = ngettext("%(count)d was put in place", "%(count)d were put in place", implemented) % {
            "count": implemented
        }
    signed = ngettext(
        "%(count)d decision was signed this period", "%(count)d decisions were signed this period", len(data.decisions)
    ) % {"count": len(data.decisions)}
    return _("%(still_open)s; %(put_in_place)s and %(signed)s.") % {
        "still_open": still_open,
        "put_in_place": put_in_place,
        "signed": signed,
    }


def _summary(data: BriefingData, styles) -> list[Flowable]:
    band = data.band_label.lower()
    if data.score_before is None:
        score_line = _("Your risk score is %(score)s of 100 (%(band)s).") % {"score": data.score, "band": band}
    else:
        score_line = _(
            "Your risk score is %(score)s of 100 (%(band)s), against %(before)s (%(band_before)s) a quarter ago."
        ) % {
            "score": data.score,
            "band": band,
            "before": data.score_before,
            "band_before": (data.band_before_label or "").lower(),
        }
    if data.coverage_before is None:
        coverage_line = _(
            "%(coverage)s of your open risk is covered by a current signed decision — either a plan you accepted "
            "or a risk you formally chose to carry."
        ) % {"coverage": _percent(data.coverage)}
    else:
        coverage_line = _(
            "%(coverage)s of your open risk is covered by a current signed decision — either a plan you accepted "
            "or a risk you formally chose to carry (%(before)s a quarter ago)."
        ) % {"coverage": _percent(data.coverage), "before": _percent(data.coverage_before)}
    sentences = [score_line, coverage_line, _activity(data)]
    if data.refusals_due:
        count = len(data.refusals_due)
        sentences.append(
            ngettext(
                "%(count)d risk you accepted in writing comes up for review in the next 90 days.",
                "%(count)d risks you accepted in writing come up for review in the next 90 days.",
                count,
            )
            % {"count": count}
        )
    coverage_before = float(data.coverage_before) if data.coverage_before is not None else None
    rows = [
        (
            _("Risk score"),
            Plain(f"{data.score} ({data.band_label}) — {_change(data.score, data.score_before)}"),
        ),
        (
            _("Coverage"),
            Plain(f"{_percent(data.coverage)} — {_change(float(data.coverage), coverage_before)}"),
        ),
    ]
    return [
        *section_heading(_("Executive summary"), styles),
        Para(" ".join(markup_text(sentence) for sentence in sentences), styles.body),
        Spacer(1, 6),
        rows_table(rows, styles),
    ]


CHART_HEIGHT = 62 * mm
BAND_LINES = (
    (25, "moderate", gettext_lazy("Moderate")),
    (50, "high", gettext_lazy("High")),
    (75, "critical", gettext_lazy("Critical")),
)


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
    for value, band, label in BAND_LINES:
        y = plot.y + plot.height * value / 100
        colour = RISK_COLOURS[band]
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=colour, strokeWidth=0.4, strokeDashArray=[2, 2])
        )
        drawing.add(
            String(
                plot.x + plot.width - 2,
                y + 2,
                str(label),
                fontName=REGULAR,
                fontSize=6,
                fillColor=colour,
                textAnchor="end",
            )
        )
    drawing.add(plot)
    return drawing


def _trend(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("Your risk score over twelve months"), styles)
    if len(data.trend) < 2:
        return [*story, Para(_("The score has not been recorded long enough to show a trend yet."), styles.body)]
    return [*story, trend_chart(data.trend), Para(_("0 is no open risk; 100 is the most serious."), styles.small)]


def _top_risks(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("Your most serious open risks"), styles)
    if not data.top_risks:
        return [*story, Para(_("No open risks: every recommendation is in place or withdrawn."), styles.body)]
    for number, risk in enumerate(data.top_risks, start=1):
        colour = RISK_COLOURS.get(risk.level.replace("_", " "))
        heading = f"{number}. {markup_text(risk.title)} — <font color='{colour.hexval() if colour else '#000000'}'>"
        story.append(
            Para(
                f"{heading}{markup_text(risk.level_label)}</font> ({markup_text(risk.status_label.lower())})",
                styles.item,
            )
        )
        story.append(Para(_("What can happen: %(text)s") % {"text": markup_text(risk.consequences)}, styles.body))
    return story


def _decisions(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("Decisions signed this period"), styles)
    if not data.decisions:
        return [*story, Para(_("No decisions were signed this period."), styles.body)]
    rows = [(fmt_date(d.decided_on), d.title, d.outcome_label, d.signer) for d in data.decisions]
    return [
        *story,
        list_table(
            (_("Date"), _("Recommendation"), _("Decision"), _("Signed by")),
            rows,
            _widths(0.17, 0.43, 0.15, 0.25),
            styles,
        ),
    ]


def _refusals(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("Accepted risks coming up for review"), styles)
    if not data.refusals_due:
        return [*story, Para(_("None in the next 90 days."), styles.body)]
    rows = [(due.title, due.level_label, fmt_date(due.valid_until)) for due in data.refusals_due]
    story.append(
        Para(
            _(
                "You chose to carry these risks and signed for it. Each acceptance is reviewed by the date shown: "
                "we will ask you to accept the recommendation or sign for the risk again."
            ),
            styles.body,
        )
    )
    return [
        *story,
        Spacer(1, 4),
        list_table((_("Recommendation"), _("Risk level"), _("Review by")), rows, _widths(0.6, 0.18, 0.22), styles),
    ]


def _roadmap(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("Roadmap for the next four quarters"), styles)
    rows = [
        (
            f"{q.label}\n{q.months}",
            "\n".join(q.titles) or _("Nothing planned"),
            q.one_time,
            q.recurring_monthly,
            q.annualised,
        )
        for q in data.roadmap
    ]
    story.append(
        list_table(
            (_("Quarter"), _("Planned work"), _("One-time"), pgettext("monthly cost", "Monthly"), _("First year")),
            rows,
            _widths(0.23, 0.38, 0.13, 0.12, 0.14),
            styles,
        )
    )
    return [*story, Para(_("First year: the one-time cost plus twelve months of the recurring cost."), styles.small)]


def _next(data: BriefingData, styles) -> list[Flowable]:
    story = section_heading(_("What we ask you to decide next"), styles)
    if not data.decide_next:
        return [*story, Para(_("Nothing is waiting for your decision."), styles.body)]
    return story + [
        Para(markup_text(text), styles.numbered, bulletText=f"{number}.")
        for number, text in enumerate(data.decide_next, 1)
    ]


def _widths(*shares: float) -> tuple[float, ...]:
    return tuple(FRAME_WIDTH * share for share in shares)


def render_briefing(data: BriefingData, *, language: str | None = None) -> bytes:
    """Render a risk briefing as PDF bytes, in `language` (the active one when None).
    Deterministic: the same data gives the same bytes."""
    with translation.override(language) if language else nullcontext():
        return _render(data)


def _render(data: BriefingData) -> bytes:
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
        title=_("Risk briefing — %(client)s") % {"client": data.client_name},
        practice_name=data.practice.legal_name,
        document_id=data.document_id,
    )
