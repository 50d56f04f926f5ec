"""The entry point: check the data, lay out the story, number the pages."""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from recommendations.documents.pdf.data import DocumentData
from recommendations.documents.pdf.layout import (
    FRAME_WIDTH,
    MARGIN_X,
    MUTED,
    PAGE_WIDTH,
    REGULAR,
    RULE,
    FixedPara,
    Para,
    Styles,
    make_styles,
    register_fonts,
    section_heading,
)
from recommendations.documents.pdf.sections import (
    agreement_section,
    also_recorded_section,
    english_choice_section,
    evidence_appendix,
    item_block,
    letterhead,
    signature_block,
    summary_box,
    validity_section,
)
from recommendations.documents.pdf.text import CONTROL_CHARS, markup_text
from recommendations.documents.pdf.wording import Wording, wording_for

# --- page furniture -------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Canvas that writes "page N of M" once the page count is known (one layout pass)."""

    def __init__(self, *args: Any, practice_name: str, document_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._practice_name = CONTROL_CHARS.sub("", practice_name)
        self._document_id = CONTROL_CHARS.sub("", document_id)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        y = 12 * mm
        size = 7.5
        right = _("Document %(id)s · page %(number)s of %(total)s") % {
            "id": self._document_id,
            "number": number,
            "total": total,
        }
        room = FRAME_WIDTH - pdfmetrics.stringWidth(right, REGULAR, size) - 8 * mm
        left = self._practice_name
        while left and pdfmetrics.stringWidth(left, REGULAR, size) > room:
            left = left[:-2].rstrip() + "…" if len(left) > 2 else ""
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 9, PAGE_WIDTH - MARGIN_X, y + 9)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, size)
        self.drawString(MARGIN_X, y, left)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, y, right)
        self.restoreState()


# --- entry point ----------------------------------------------------------------------------


def _clause(number: int, text: str, *, practice: str, client: str, styles: Styles) -> Para:
    filled = text.format(practice=practice, client=client)
    paragraph = FixedPara if filled == text else Para
    return paragraph(filled, styles.numbered, bulletText=f"{number}.")


def _check(data: DocumentData) -> Wording:
    wording = wording_for(data.kind)
    if wording is None:
        raise ValueError(f"unknown document kind {data.kind!r}")
    if not any(item.outcome in wording.outcomes for item in data.items):
        raise ValueError(f"a {data.kind} needs at least one item with outcome {sorted(wording.outcomes)}")
    for item in data.items:
        if item.outcome not in wording.outcomes and item.outcome not in wording.also_recorded:
            allowed = sorted([*wording.outcomes, *wording.also_recorded])
            raise ValueError(
                f"item {item.code or item.title!r} has outcome {item.outcome!r}; a {data.kind} only records {allowed}"
            )
        if wording.validity_required and item.outcome in wording.outcomes and item.valid_until is None:
            raise ValueError(f"refused item {item.code or item.title!r} has no valid-until date")
    signature = data.signature
    moments = [signature.signed_at, signature.code_verified_at, *(entry.at for entry in data.timeline)]
    if any(moment is not None and moment.tzinfo is None for moment in moments):
        raise ValueError("naive datetime in document data; evidence times must be timezone-aware")
    return wording


def render_document(data: DocumentData) -> bytes:
    """Render a waiver, confirmation or consent record as PDF bytes, in the language its signer
    read (`data.language`).

    Deterministic: the same data gives the same bytes (no render-time clock in the file),
    which lets a re-run of the pipeline reproduce a document exactly.
    """
    with translation.override(data.language):
        return _render(data)


def _render(data: DocumentData) -> bytes:
    wording = _check(data)
    register_fonts()
    styles = make_styles()
    practice = markup_text(data.practice.legal_name)
    client = markup_text(data.client_name)

    story: list[Flowable] = [
        *letterhead(data.practice, styles),
        FixedPara(wording.title, styles.title),
        summary_box(data, styles),
        Spacer(1, 10),
        Para(wording.intro.format(practice=practice, client=client), styles.body),
        *section_heading(wording.items_heading, styles),
    ]
    main = [item for item in data.items if item.outcome in wording.outcomes]
    for number, item in enumerate(main, start=1):
        story += item_block(number, item, wording, styles)
    story += also_recorded_section([item for item in data.items if item.outcome not in wording.outcomes], styles)
    story += section_heading(_("Acknowledgment"), styles)
    story.append(Para(_("By signing this document, %(client)s acknowledges that:") % {"client": client}, styles.body))
    story.append(Spacer(1, 4))
    story += [
        _clause(number, text, practice=practice, client=client, styles=styles)
        for number, text in enumerate(wording.acknowledgment, start=1)
    ]
    story += english_choice_section(data.english_choice, styles)
    story += agreement_section(data.agreement, styles)
    story += validity_section(data, styles)
    story += signature_block(data.signature, styles)
    story += evidence_appendix(data, styles)

    return build_pdf(
        story,
        title=f"{wording.title} — {data.client_name}",
        practice_name=data.practice.legal_name,
        document_id=data.document_id,
    )


def build_pdf(story: list[Flowable], *, title: str, practice_name: str, document_id: str) -> bytes:
    """An A4 document of the family: its margins, metadata and numbered footer, byte-for-byte
    repeatable (invariant) so the same data renders the same file."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=16 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=practice_name,
        subject=_("Document %(id)s") % {"id": document_id},
        keywords=document_id,
        creator="RiskReg",
        invariant=1,
    )
    document.build(story, canvasmaker=partial(_NumberedCanvas, practice_name=practice_name, document_id=document_id))
    return buffer.getvalue()
