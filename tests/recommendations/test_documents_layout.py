"""The renderer's building blocks: plain paragraphs, the tables and their page breaks, the fonts."""

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.platypus import Paragraph

from recommendations.documents.grid import LABEL_TEXT, VALUE_TEXT, Column, Grid, _Row
from recommendations.documents.layout import _BOLD, _FONT_DIR, _make_styles, _Para, _register_fonts

LONG_CLAUSE = "The Practice is not responsible for systems not listed in Schedule A. " * 12


@pytest.fixture(autouse=True)
def fonts() -> None:
    _register_fonts()


@pytest.mark.parametrize(
    "text",
    [
        "Plain words.",
        "  Leading and trailing spaces  ",
        "Lines\nbroken   and\tspaced",
        "Łukasz Żółć — “quoted” > arrows",
        "non\xa0breaking",
    ],
)
def test_plain_text_gets_the_fragments_the_markup_parser_would_make(text: str) -> None:
    style = _make_styles().body

    fast, parsed = _Para(text, style), Paragraph(text, style)

    assert [vars(frag) for frag in fast.frags] == [vars(frag) for frag in parsed.frags]
    assert fast.wrap(200, 1000) == parsed.wrap(200, 1000)
    assert fast.blPara.lines == parsed.blPara.lines


def test_markup_is_still_parsed() -> None:
    paragraph = _Para("<b>Declined</b> &amp; signed", _make_styles().body)

    assert [(frag.text, frag.fontName) for frag in paragraph.frags][:1] == [("Declined", _BOLD)]
    assert "".join(frag.text for frag in paragraph.frags) == "Declined & signed"


def _columns() -> list[Column]:
    return [Column(100, LABEL_TEXT, right_padding=8), Column(300, VALUE_TEXT, right_padding=4)]


def _row_text(row: _Row) -> list[str]:
    """Each cell's words as laid out (a split paragraph keeps only its broken lines)."""
    texts = []
    for cell in row.cells:
        if not isinstance(cell, str):
            cell.wrap(300, 10_000)
            cell = " ".join(" ".join(words) for _, words in cell.blPara.lines)
        texts.append(cell)
    return texts


def _list(count: int) -> Grid:
    header = _Row(("Event", "When"), header=True)
    body = [_Row((f"Event {number}", "today")) for number in range(count)]
    return Grid([header, *body], _columns(), padding=4)


def test_a_list_splits_between_rows_and_repeats_its_header() -> None:
    grid = _list(10)
    row_height = LABEL_TEXT.leading + 8
    room = row_height + 3 * (VALUE_TEXT.leading + 8) + 1

    first, rest = grid.split(400, room)

    assert [_row_text(row)[0] for row in first._rows] == ["Event", "Event 0", "Event 1", "Event 2"]
    assert [_row_text(row)[0] for row in rest._rows][:2] == ["Event", "Event 3"]
    assert len(rest._rows) == 1 + 7
    assert first.height <= room


def test_a_list_with_no_room_for_one_row_does_not_split() -> None:
    assert _list(3).split(400, LABEL_TEXT.leading + 9) == []


def test_a_long_value_runs_on_inside_its_row() -> None:
    style = _make_styles().body
    grid = Grid(
        [_Row(("Scope", "Managed endpoints.")), _Row(("Exclusions", _Para(LONG_CLAUSE, style)))],
        _columns(),
        padding=4,
        split_in_row=True,
    )
    room = grid._heights[0] + 5 * style.leading + 8

    first, rest = grid.split(400, room)

    assert [_row_text(row)[0] for row in first._rows] == ["Scope", "Exclusions"]
    assert [_row_text(row)[0] for row in rest._rows] == [""]
    assert first.height <= room
    printed = _row_text(first._rows[1])[1] + " " + _row_text(rest._rows[0])[1]
    assert " ".join(printed.split()) == " ".join(LONG_CLAUSE.split())


def test_a_row_that_only_needs_more_room_moves_whole_to_the_next_page() -> None:
    label = "Client’s stated\nreason for\ndeclining"
    grid = Grid(
        [_Row(("Scope", "Managed endpoints.")), _Row((label, "Budget.")), _Row(("Cost", "None"))],
        _columns(),
        padding=4,
        split_in_row=True,
    )
    room = grid._heights[0] + 2 * LABEL_TEXT.leading + 8

    first, rest = grid.split(400, room)

    assert [_row_text(row) for row in first._rows] == [["Scope", "Managed endpoints."]]
    assert [_row_text(row)[0] for row in rest._rows] == [label, "Cost"]


@pytest.mark.parametrize("name", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_the_bundled_fonts_carry_no_hinting(name: str) -> None:
    """Hinting only helps low-resolution screens; it doubled the embedded font and its compression."""
    tables = TTFontFile(str(_FONT_DIR / name)).table

    assert {"fpgm", "prep", "cvt "}.isdisjoint(tables)
    assert {"glyf", "cmap", "hmtx"} <= set(tables)
