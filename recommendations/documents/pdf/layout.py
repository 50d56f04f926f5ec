"""Building blocks of the page: fonts, colours, styles, paragraphs, images, the QR code and cells."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import CondPageBreak, Flowable, Paragraph
from reportlab.platypus.paragraph import ParaLines, cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from recommendations.documents.pdf.text import CONTROL_CHARS, markup_text, plain_text

FONT_DIR = Path(__file__).resolve().parents[3] / "riskreg" / "fonts"
REGULAR = "RiskRegSans"
BOLD = "RiskRegSans-Bold"
_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    # Parsing the TrueType files costs more than rendering a whole document: do it once.
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        # Binary streams are fine in a PDF; ASCII85 only inflates them and, in pure
        # Python, costs a fifth of the render time.
        rl_config.useA85 = 0
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        # No italic faces are shipped; <i> falls back to upright rather than to a
        # Latin-1-only standard font that would drop names like "Żółć".
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        _fonts_ready = True


INK = colors.HexColor("#1d2330")
MUTED = colors.HexColor("#5b6472")
ACCENT = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c9ced6")
PANEL = colors.HexColor("#f3f5f8")
NOTICE = colors.HexColor("#fff7e0")
NOTICE_EDGE = colors.HexColor("#e0b54a")

RISK_COLOURS = {
    "critical": colors.HexColor("#8b1a1a"),
    "high": colors.HexColor("#b8431b"),
    "moderate": colors.HexColor("#8a6100"),
    "low": colors.HexColor("#2f6b2f"),
    "very low": colors.HexColor("#2f6b2f"),
}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LABEL_WIDTH = 44 * mm
LABEL_SIZE = 8
LABEL_LEADING = 11.2
BODY_SIZE = 9
BODY_LEADING = 12.6
QR_SIZE = 27 * mm


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    section: ParagraphStyle
    item: ParagraphStyle
    numbered: ParagraphStyle
    practice_name: ParagraphStyle
    practice_contact: ParagraphStyle


# One set of styles for every render: `_plain_frag` and `_wording_lines` key on these objects.
@lru_cache(maxsize=1)
def make_styles() -> Styles:
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=INK,
        alignment=TA_LEFT,
    )
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=10, textColor=MUTED),
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=15.5,
            leading=19,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=8,
        ),
        section=ParagraphStyle(
            "section",
            parent=body,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
        ),
        item=ParagraphStyle("item", parent=body, fontName=BOLD, fontSize=9.8, leading=13, spaceBefore=8, spaceAfter=4),
        numbered=ParagraphStyle(
            "numbered",
            parent=body,
            leftIndent=16,
            bulletIndent=0,
            bulletFontName=REGULAR,
            bulletFontSize=9,
            spaceAfter=4,
        ),
        practice_name=ParagraphStyle(
            "practice_name", parent=body, fontName=BOLD, fontSize=12, leading=15, textColor=ACCENT, alignment=TA_RIGHT
        ),
        practice_contact=ParagraphStyle(
            "practice_contact", parent=body, fontSize=8, leading=10.6, textColor=MUTED, alignment=TA_RIGHT
        ),
    )


_MARKUP = re.compile(r"[<&]")


@lru_cache(maxsize=32)
def _plain_frag(style: ParagraphStyle) -> ParaFrag:
    """The fragment the markup parser makes for unmarked text in `style`, to copy per text."""
    return ParaParser().parse("x", style)[1][0]


class Para(Paragraph):
    """Paragraph that skips markup parsing for plain text and reuses its line breaks.

    Most paragraphs (user text, the fixed wording) hold no markup, and the parser costs a
    twentieth of a render; the fragment it would make is known in advance.
    Tables, grids, KeepTogether and frames each wrap a cell several times at the same width;
    the line breaking does not depend on the available height, so repeating it is waste.
    """

    _wrapped_width: float | None = None

    def __init__(
        self, text: str | None, style: ParagraphStyle, bulletText: str | None = None, frags: list | None = None
    ) -> None:
        if frags is None and text is not None and not _MARKUP.search(text):
            frags = [_plain_frag(style).clone(text=cleanBlockQuotedText(text))]
        super().__init__(text, style, bulletText, frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # split() drops blPara when it gives up on a paragraph; then it must be redone.
        if availWidth == self._wrapped_width and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


class FixedPara(Para):
    """A paragraph of the documents' own wording (a title, a heading, a clause naming no party).

    Its text is the same in every document, so its lines are broken once per process; the
    cache holds these texts only, never user text. reportlab's split halves have no text of
    their own and break their lines as usual.
    """

    def breakLines(self, width: float | list[float]) -> ParaLines:
        if self.text is None:
            return super().breakLines(width)
        widths = tuple(width) if isinstance(width, list) else (width,)
        return _wording_lines(self.text, self.style, self.bulletText, widths)


@lru_cache(maxsize=256)
def _wording_lines(text: str, style: ParagraphStyle, bullet: str | None, widths: tuple[float, ...]) -> ParaLines:
    # Shared between documents and threads: reportlab only reads a paragraph's broken lines.
    return Paragraph.breakLines(Para(text, style, bullet), list(widths))


class _Lines(Flowable):
    """Paragraphs one under another, each a line of text that had hard line breaks."""

    def __init__(self, paragraphs: list[Para]) -> None:
        super().__init__()
        self._paragraphs = paragraphs

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(paragraph.wrap(available_width, available_height)[1] for paragraph in self._paragraphs)
        return self.width, self.height

    def draw(self) -> None:
        top = self.height
        for paragraph in self._paragraphs:
            top -= paragraph.height
            paragraph.drawOn(self.canv, 0, top)


def text_lines(text: str, style: ParagraphStyle) -> Flowable:
    """Text with hard line breaks (an address), laid out as its `<br/>` paragraph would be.

    A paragraph per line gives the same lines without the markup parser and reportlab's
    multi-style line breaking, which made the address and the signing time 6% of a waiver's
    render. A blank line would vanish as an empty paragraph, so such text keeps the `<br/>`
    paragraph. The lines do not split across pages.
    """
    lines = plain_text(text).split("\n")
    if len(lines) == 1 or not all(line.strip() for line in lines):
        return Para(markup_text(text), style)
    return _Lines([Para(markup_text(line), style) for line in lines])


# --- flowables ------------------------------------------------------------------------------

# Room a heading needs below it for a first row of content; less, and it starts a new page.
MIN_BLOCK = 32 * mm


def section_heading(title: str, styles: Styles) -> list[Flowable]:
    return [CondPageBreak(MIN_BLOCK), FixedPara(title, styles.section)]


@dataclass(frozen=True)
class Plain:
    """User text for a table cell (not markup)."""

    text: str


@dataclass(frozen=True)
class Run:
    """Part of a styled value: plain text (not markup) in one font and colour."""

    text: str
    font: str = REGULAR
    colour: Color = INK


@dataclass(frozen=True)
class Styled:
    """A value in more than one font or colour, such as a risk level in its colour and its score."""

    runs: tuple[Run, ...]

    def markup(self) -> str:
        return "".join(
            f'<font name="{run.font}" color="{run.colour.hexval()}">{markup_text(run.text)}</font>' for run in self.runs
        )


class _StyledLine(Flowable):
    """Styled runs that fit on one line, drawn where a Paragraph of their markup draws them.

    reportlab breaks a paragraph of several styles word by word, comparing every fragment's
    style; the two risk levels of a waiver cost 3% of its render that way.
    """

    def __init__(self, runs: tuple[Run, ...]) -> None:
        super().__init__()
        self._runs = runs
        self.height = BODY_LEADING

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        text = self.canv.beginText(0, self.height - BODY_SIZE)
        for run in self._runs:
            text.setFont(run.font, BODY_SIZE, BODY_LEADING)
            text.setFillColor(run.colour)
            text.textOut(run.text)
        self.canv.drawText(text)


Cell = Plain | Styled | str | Flowable  # str = Paragraph markup


def _one_line(text: str) -> str:
    return CONTROL_CHARS.sub("", text.replace("\t", " "))


def _fits(runs: tuple[Run, ...], width: float) -> bool:
    """Whether the runs print on one line of `width` in the body size."""
    # Printable ASCII glyphs are at least a quarter em wide, so longer text is sent to a
    # Paragraph (always correct, only slower) without measuring it character by character.
    length = sum(len(run.text) for run in runs)
    if any("\n" in run.text for run in runs) or length * BODY_SIZE * 0.25 > width:
        return False
    return sum(pdfmetrics.stringWidth(run.text, run.font, BODY_SIZE) for run in runs) <= width


def table_cell(value: Cell, width: float, styles: Styles) -> Flowable | str:
    """A table cell: plain or styled text that fits on one line skips the Paragraph.

    Most values (names, dates, addresses, hashes) are one line, and a plain cell skips
    markup parsing and line breaking, a large share of the render time.
    """
    if isinstance(value, Plain):
        text = _one_line(value.text)
        if _fits((Run(text),), width):
            return text
        return Para(markup_text(text), styles.body)
    if isinstance(value, Styled):
        runs = tuple(replace(run, text=_one_line(run.text)) for run in value.runs)
        if _fits(runs, width):
            return _StyledLine(runs)
        return Para(value.markup(), styles.body)
    if isinstance(value, str):
        return Para(value, styles.body)
    return value
