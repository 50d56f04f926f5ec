"""The renderer's building blocks: plain paragraphs, the tables and their page breaks, the fonts."""

from itertools import groupby

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.platypus import Paragraph

from recommendations.documents.pdf.grid import LABEL_TEXT, VALUE_TEXT, Column, Grid, Row
from recommendations.documents.pdf.layout import (
    BOLD,
    FONT_DIR,
    RISK_COLOURS,
    FixedPara,
    Para,
    Run,
    Styled,
    make_styles,
    register_fonts,
    table_cell,
    text_lines,
)
from recommendations.documents.pdf.text import markup_text

LONG_CLAUSE = "The Practice is not responsible for systems not listed in Schedule A. " * 12


@pytest.fixture(autouse=True)
def fonts() -> None:
    register_fonts()


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
    style = make_styles().body

    fast, parsed = Para(text, style), Paragraph(text, style)

    assert [vars(frag) for frag in fast.frags] == [vars(frag) for frag in parsed.frags]
    assert fast.wrap(200, 1000) == parsed.wrap(200, 1000)
    assert fast.blPara.lines == parsed.blPara.lines


def test_markup_is_still_parsed() -> None:
    paragraph = Para("<b>Declined</b> &amp; signed", make_styles().body)

    assert [(frag.text, frag.fontName) for frag in paragraph.frags][:1] == [("Declined", BOLD)]
    assert "".join(frag.text for frag in paragraph.frags) == "Declined & signed"


@pytest.mark.parametrize("style_name", ["body", "small"])
def test_fixed_wording_breaks_into_the_lines_of_a_fresh_paragraph_at_every_width(style_name: str) -> None:
    """Its lines are kept between documents: a width or style must not get another's lines."""
    style = getattr(make_styles(), style_name)

    for width in (480, 200, 320, 480):
        fixed, fresh = FixedPara(LONG_CLAUSE, style), Paragraph(LONG_CLAUSE, style)

        assert fixed.wrap(width, 1000) == fresh.wrap(width, 1000)
        assert fixed.blPara.lines == fresh.blPara.lines


def test_a_fixed_paragraph_split_over_two_pages_keeps_every_word() -> None:
    style = make_styles().body
    paragraph = FixedPara(LONG_CLAUSE, style)
    paragraph.wrap(200, 1000)

    first, rest = paragraph.split(200, 3 * style.leading)

    words = [word for part in (first, rest) for _, line in part.breakLines([200, 200]).lines for word in line]
    assert len(first.breakLines([200, 200]).lines) == 3
    assert words == LONG_CLAUSE.split()


def test_text_with_line_breaks_takes_the_lines_of_its_br_paragraph() -> None:
    style = make_styles().practice_contact
    text = "120 King Street West, Suite 1400, with a long first line\nToronto, ON M5H 1J9"

    lines, paragraph = text_lines(text, style), Paragraph(markup_text(text), style)

    assert lines.wrap(150, 1000) == paragraph.wrap(150, 1000)
    assert lines.height == 3 * style.leading


def test_a_blank_line_in_text_with_line_breaks_keeps_its_height() -> None:
    style = make_styles().practice_contact

    assert text_lines("1 Main Street\n\nSuite 4", style).wrap(150, 1000)[1] == 3 * style.leading


def _risk(label: str = "Critical") -> Styled:
    return Styled((Run(label, BOLD, RISK_COLOURS["critical"]), Run(" — inherent risk score 20 of 25")))


def test_a_styled_value_that_fits_takes_one_line_of_the_body() -> None:
    styles = make_styles()

    assert table_cell(_risk(), 300, styles).wrap(300, 1000) == (300, styles.body.leading)


def test_a_styled_value_too_long_for_one_line_wraps_in_its_own_fonts_and_colours() -> None:
    styles = make_styles()

    cell = table_cell(_risk("Critical & <b>urgent</b>"), 100, styles)

    runs = groupby(cell.frags, key=lambda frag: (frag.fontName, frag.textColor))
    assert [("".join(frag.text for frag in frags), *style) for style, frags in runs] == [
        ("Critical & <b>urgent</b>", BOLD, RISK_COLOURS["critical"]),
        (" — inherent risk score 20 of 25", styles.body.fontName, styles.body.textColor),
    ]
    assert cell.wrap(100, 1000)[1] > styles.body.leading


def _columns() -> list[Column]:
    return [Column(100, LABEL_TEXT, right_padding=8), Column(300, VALUE_TEXT, right_padding=4)]


def _row_text(row: Row) -> list[str]:
    """Each cell's words as laid out (a split paragraph keeps only its broken lines)."""
    texts = []
    for cell in row.cells:
        if not isinstance(cell, str):
            cell.wrap(300, 10_000)
            cell = " ".join(" ".join(words) for _, words in cell.blPara.lines)
        texts.append(cell)
    return texts


def _list(count: int) -> Grid:
    header = Row(("Event", "When"), header=True)
    body = [Row((f"Event {number}", "today")) for number in range(count)]
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
    style = make_styles().body
    grid = Grid(
        [Row(("Scope", "Managed endpoints.")), Row(("Exclusions", Para(LONG_CLAUSE, style)))],
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
        [Row(("Scope", "Managed endpoints.")), Row((label, "Budget.")), Row(("Cost", "None"))],
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
    tables = TTFontFile(str(FONT_DIR / name)).table

    assert {"fpgm", "prep", "cvt "}.isdisjoint(tables)
    assert {"glyf", "cmap", "hmtx"} <= set(tables)
