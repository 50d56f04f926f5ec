"""The documents' tables: rows of cells in fixed columns, drawn directly on the canvas.

Every table in a document has the same shape: fixed column widths, top-aligned cells, a rule
under each row and, for lists, a header row repeated on each page. reportlab's general
`Table` resolves every style command for every cell, wraps each cell again to draw it and
opens a text object per line of text; for this one shape that machinery was an eighth of
the time a waiver took to render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

from recommendations.documents.pdf.layout import (
    ACCENT,
    BODY_LEADING,
    BODY_SIZE,
    BOLD,
    FRAME_WIDTH,
    INK,
    LABEL_LEADING,
    LABEL_SIZE,
    LABEL_WIDTH,
    MUTED,
    NOTICE,
    NOTICE_EDGE,
    REGULAR,
    RULE,
    Cell,
    Plain,
    Styles,
    table_cell,
)
from recommendations.documents.pdf.text import CONTROL_CHARS

# A cell is plain text already broken into lines ("\n"), or a flowable such as a Paragraph.
GridCell = str | Flowable

# Room any flowable may take when measured; the grid, not the cell, decides about pages.
_UNBOUNDED = 72000


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    colour: Color


LABEL_TEXT = TextStyle(BOLD, LABEL_SIZE, LABEL_LEADING, MUTED)
VALUE_TEXT = TextStyle(REGULAR, BODY_SIZE, BODY_LEADING, INK)


@dataclass(frozen=True)
class Column:
    width: float
    text: TextStyle
    right_padding: float


@dataclass(frozen=True)
class Row:
    cells: tuple[GridCell, ...]
    header: bool = False
    # A highlighted row marks its last cell: a tinted background with a bar on its left.
    highlighted: bool = False


_HIGHLIGHT_INSET = 6
_HEADER_RULE = (0.8, ACCENT)
_ROW_RULE = (0.4, RULE)


class Grid(Flowable):
    """Rows of cells under fixed columns; splits between rows, and inside a row if allowed.

    A rule runs under every row except the table's last. The header row, if any, opens every
    part of a split table. With `split_in_row`, a row taller than the room left on a page is
    cut between its lines (a long clause or reason runs on to the next page).
    """

    def __init__(
        self,
        rows: Sequence[Row],
        columns: Sequence[Column],
        *,
        padding: float,
        split_in_row: bool = False,
        ruled_to_end: bool = False,
    ) -> None:
        super().__init__()
        self._rows = list(rows)
        self._columns = list(columns)
        self._padding = padding
        self._split_in_row = split_in_row
        # The first part of a split table is not the table's end: its last row keeps its rule.
        self._ruled_to_end = ruled_to_end
        self.width = sum(column.width for column in columns)
        self._heights = [self._row_height(row) for row in self._rows]
        self.height = sum(self._heights)

    def _is_highlighted(self, row: Row, index: int) -> bool:
        return row.highlighted and index == len(self._columns) - 1

    def _inner_width(self, row: Row, index: int) -> float:
        column = self._columns[index]
        inset = _HIGHLIGHT_INSET if self._is_highlighted(row, index) else 0
        return column.width - inset - column.right_padding

    def _text_style(self, row: Row, index: int) -> TextStyle:
        return LABEL_TEXT if row.header else self._columns[index].text

    def _cell_height(self, row: Row, index: int) -> float:
        cell = row.cells[index]
        if isinstance(cell, str):
            return self._text_style(row, index).leading * (cell.count("\n") + 1)
        return cell.wrap(self._inner_width(row, index), _UNBOUNDED)[1]

    def _row_height(self, row: Row) -> float:
        return max(self._cell_height(row, index) for index in range(len(row.cells))) + 2 * self._padding

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    # --- splitting --------------------------------------------------------------------------

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        header = [row for row in self._rows if row.header]
        used = sum(self._heights[: len(header)])
        index = len(header)
        while index < len(self._rows) and used + self._heights[index] <= available_height:
            used += self._heights[index]
            index += 1
        if index == len(self._rows):
            return [self]
        first, rest = self._rows[:index], self._rows[index:]
        if self._split_in_row:
            halves = self._split_row(self._rows[index], available_height - used)
            if halves is not None:
                first, rest = [*first, halves[0]], [halves[1], *rest[1:]]
        if len(first) == len(header):
            return []
        options = {"padding": self._padding, "split_in_row": self._split_in_row}
        return [
            Grid(first, self._columns, ruled_to_end=True, **options),
            Grid([*header, *rest], self._columns, ruled_to_end=self._ruled_to_end, **options),
        ]

    def _split_row(self, row: Row, room: float) -> tuple[Row, Row] | None:
        """The row cut so its first half fits in `room`, or None.

        Only a flowable taller than the room is cut (a long clause or reason); a row whose
        cells are merely too tall together moves whole to the next page.
        """
        room -= 2 * self._padding
        tops: list[GridCell] = []
        bottoms: list[GridCell] = []
        cut = False
        for index, cell in enumerate(row.cells):
            if isinstance(cell, str):
                lines = cell.split("\n")
                fitting = max(int(room // self._text_style(row, index).leading), 0)
                tops.append("\n".join(lines[:fitting]))
                bottoms.append("\n".join(lines[fitting:]))
            elif cell.wrap(self._inner_width(row, index), _UNBOUNDED)[1] <= room:
                tops.append(cell)
                bottoms.append("")
            else:
                parts = cell.split(self._inner_width(row, index), room)
                if len(parts) != 2:
                    return None
                tops.append(parts[0])
                bottoms.append(parts[1])
                cut = True
        if not cut:
            return None
        return replace(row, cells=tuple(tops)), replace(row, cells=tuple(bottoms))

    # --- drawing ----------------------------------------------------------------------------

    def draw(self) -> None:
        canvas = self.canv
        text = _TextRun(canvas)
        rules: list[tuple[float, float, Color]] = []
        top = self.height
        last = len(self._rows) - 1
        for number, (row, height) in enumerate(zip(self._rows, self._heights, strict=True)):
            bottom = top - height
            x = 0.0
            for index, (column, cell) in enumerate(zip(self._columns, row.cells, strict=True)):
                left = x
                if self._is_highlighted(row, index):
                    self._draw_highlight(x, bottom, column.width, height)
                    left += _HIGHLIGHT_INSET
                if isinstance(cell, str):
                    text.add(cell, self._text_style(row, index), left, top - self._padding)
                else:
                    text.flush()
                    cell_height = cell.wrap(self._inner_width(row, index), _UNBOUNDED)[1]
                    cell.drawOn(canvas, left, top - self._padding - cell_height)
                x += column.width
            if number < last or self._ruled_to_end:
                rules.append((bottom, *(_HEADER_RULE if row.header else _ROW_RULE)))
            top = bottom
        text.flush()
        self._draw_rules(rules)

    def _draw_highlight(self, x: float, y: float, width: float, height: float) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(NOTICE)
        canvas.rect(x, y, width, height, stroke=0, fill=1)
        canvas.setStrokeColor(NOTICE_EDGE)
        canvas.setLineWidth(2)
        canvas.line(x, y, x, y + height)
        canvas.restoreState()

    def _draw_rules(self, rules: list[tuple[float, float, Color]]) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineCap(1)
        for y, weight, colour in rules:
            canvas.setLineWidth(weight)
            canvas.setStrokeColor(colour)
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


class _TextRun:
    """Plain cells written through one text object until a flowable cell interrupts.

    One object for many lines is what saves the time; flushing before each flowable keeps
    the text in reading order for copying, search and screen readers.
    """

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._text: PDFTextObject | None = None
        self._style: TextStyle | None = None

    def add(self, cell: str, style: TextStyle, x: float, top: float) -> None:
        if self._text is None:
            self._text = self._canvas.beginText()
            self._style = None
        if style is not self._style:
            self._text.setFont(style.font, style.size, style.leading)
            self._text.setFillColor(style.colour)
            self._style = style
        baseline = top - style.size
        for line in cell.split("\n"):
            if line:
                self._text.setTextOrigin(x, baseline)
                # Unlike textOut, textLine does not measure the line to move its cursor along;
                # every line sets its own origin.
                self._text.textLine(line)
            baseline -= style.leading

    def flush(self) -> None:
        if self._text is not None:
            self._canvas.drawText(self._text)
            self._text = None


# --- the two kinds of table ------------------------------------------------------------------


@lru_cache(maxsize=512)
def _label_text(text: str, width: float) -> str:
    """A label as a plain, pre-broken table string: far cheaper than a Paragraph."""
    return "\n".join(simpleSplit(CONTROL_CHARS.sub("", text), BOLD, LABEL_SIZE, width))


def rows_table(
    rows: Sequence[tuple[str, Cell]],
    styles: Styles,
    *,
    width: float = FRAME_WIDTH,
    label_width: float = LABEL_WIDTH,
    highlight: Sequence[int] = (),
) -> Grid:
    """Label/value rows; labels are plain text. A long value runs on over pages."""
    value_width = width - label_width - 10
    columns = [
        Column(label_width, LABEL_TEXT, right_padding=8),
        Column(width - label_width, VALUE_TEXT, right_padding=4),
    ]
    grid_rows = [
        Row(
            (_label_text(label, label_width - 8), table_cell(value, value_width, styles)),
            highlighted=number in highlight,
        )
        for number, (label, value) in enumerate(rows)
    ]
    return Grid(grid_rows, columns, padding=4, split_in_row=True)


def list_table(
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    styles: Styles,
    *,
    padding: float = 4,
) -> Grid:
    """A list with a header row that repeats on each page; cells are plain user text."""
    columns = [Column(width, VALUE_TEXT, right_padding=6) for width in widths]
    header = Row(tuple(headings), header=True)
    body = [
        Row(tuple(table_cell(Plain(text), width - 6, styles) for text, width in zip(row, widths, strict=True)))
        for row in rows
    ]
    return Grid([header, *body], columns, padding=padding)
