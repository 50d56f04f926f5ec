"""The offboarding notice letter: the practice's dated notice that it ends its service to a client,
listing the refusals still open and the reasons the client gave for them.

Pure rendering: an `OffboardingLetterData` in (filled from the letter's frozen snapshot), PDF
bytes out, no ORM and no clock. It is sealed like the signed records (documents/services.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from recommendations.documents.pdf.data import DocumentKind, PracticeLetterhead
from recommendations.documents.pdf.grid import rows_table
from recommendations.documents.pdf.layout import (
    BOLD,
    MIN_BLOCK,
    Cell,
    FixedPara,
    Para,
    Plain,
    Run,
    Styled,
    Styles,
    make_styles,
    register_fonts,
    section_heading,
    text_lines,
)
from recommendations.documents.pdf.panel import verification_panel
from recommendations.documents.pdf.render import build_pdf
from recommendations.documents.pdf.sections import letterhead, quoted, risk_rating
from recommendations.documents.pdf.text import fmt_date, fmt_utc, markup_text
from recommendations.documents.pdf.wording import Wording, wording_for

# The name under which the letter carries the frozen snapshot it was rendered from.
LETTER_SNAPSHOT_NAME = "offboarding-letter.json"


# Whether a current signed waiver covers an open refusal, and if not, why not.
COVERED = "covered"
EXPIRED = "expired"
LAPSED = "lapsed"
BASIS_CHANGED = "basis_changed"
UNSIGNED = "unsigned"


@dataclass(frozen=True)
class OpenRefusal:
    """A recommendation the client refused and has not taken up since, as the letter states it."""

    code: str
    title: str
    risk_level_label: str
    inherent_score: int | None
    # From the signed refusal (None and "" when the register holds no signed refusal for it).
    refused_on: date | None
    signed_by: str
    stated_reason: str
    coverage: str  # one of COVERED, EXPIRED, LAPSED, BASIS_CHANGED, UNSIGNED
    valid_until: date | None = None
    basis_changed_on: date | None = None
    basis_changed_reason: str = ""

    @property
    def covered(self) -> bool:
        return self.coverage == COVERED


@dataclass(frozen=True)
class OffboardingLetterData:
    document_id: str
    practice: PracticeLetterhead
    client_name: str
    addressee_name: str
    addressee_title: str
    letter_date: date
    decided_on: date
    effective_on: date
    issued_by: str
    issued_at: datetime
    refusals: tuple[OpenRefusal, ...]
    verification_url: str
    # SHA-256 of `snapshot_json`, the frozen snapshot attached to the sealed PDF.
    content_hash: str
    snapshot_json: str
    seal_statement: str = ""
    # The addressee's language, which the letter is printed in.
    language: str = "en"

    @property
    def notice_days(self) -> int:
        return (self.effective_on - self.letter_date).days


def _check(data: OffboardingLetterData) -> None:
    if data.effective_on <= data.letter_date:
        raise ValueError("the service must end after the date of the letter")
    if data.issued_at.tzinfo is None:
        raise ValueError("naive datetime in letter data; times must be timezone-aware")


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


@lru_cache(maxsize=1)
def _date_style() -> ParagraphStyle:
    # One object for every render: the paragraph cache keys on styles.
    return ParagraphStyle("letter_date", parent=make_styles().body, alignment=TA_RIGHT)


def _addressee(data: OffboardingLetterData, styles: Styles) -> list[Flowable]:
    dated = _date_style()
    address = "\n".join(part for part in (data.addressee_name, data.addressee_title, data.client_name) if part)
    return [Spacer(1, 8), Para(markup_text(fmt_date(data.letter_date)), dated), text_lines(address, styles.body)]


def _panel(data: OffboardingLetterData) -> Flowable:
    rows: list[tuple[str, Cell]] = [
        (_("Document ID"), Styled((Run(data.document_id, BOLD),))),
        (_("Client"), Plain(data.client_name)),
        (_("Date of this letter"), Plain(fmt_date(data.letter_date))),
        (_("Service ends on"), Styled((Run(fmt_date(data.effective_on), BOLD),))),
        (_("Notice period"), Plain(_days(data.notice_days))),
    ]
    return verification_panel(rows, verification_url=data.verification_url, practice_name=data.practice.legal_name)


def _notice(data: OffboardingLetterData, styles: Styles) -> list[Flowable]:
    wording = _wording()
    practice, client = markup_text(data.practice.legal_name), markup_text(data.client_name)
    decided = _(
        "On %(decided)s the Practice decided to offboard the Client. Its services to the Client end on "
        "<b>%(effective)s</b>, %(notice)s after the date of this letter."
    ) % {
        "decided": fmt_date(data.decided_on),
        "effective": fmt_date(data.effective_on),
        "notice": _days(data.notice_days),
    }
    story: list[Flowable] = [
        Spacer(1, 8),
        Para(_("Dear %(name)s,") % {"name": markup_text(data.addressee_name)}, styles.body),
        Spacer(1, 6),
        Para(wording.intro.format(practice=practice, client=client), styles.body),
        Spacer(1, 4),
        Para(decided, styles.body),
        Spacer(1, 6),
    ]
    story += [
        FixedPara(clause, styles.numbered, bulletText=f"{number}.")
        for number, clause in enumerate(wording.acknowledgment, start=1)
    ]
    return story


def _coverage_text(refusal: OpenRefusal) -> str:
    until = fmt_date(refusal.valid_until) if refusal.valid_until else ""
    if refusal.coverage == COVERED:
        return _("The Client’s signed refusal is valid until %(day)s.") % {"day": until}
    if refusal.coverage == BASIS_CHANGED:
        why = f" ({refusal.basis_changed_reason})" if refusal.basis_changed_reason else ""
        if refusal.basis_changed_on is None:
            return _(
                "Not covered: what the refusal was signed against changed after signing%(why)s, and it was not "
                "signed again."
            ) % {"why": why}
        return _(
            "Not covered: what the refusal was signed against changed on %(day)s%(why)s, and it was not signed again."
        ) % {"day": fmt_date(refusal.basis_changed_on), "why": why}
    if refusal.coverage in (LAPSED, EXPIRED):
        return _("Not covered: the signed refusal ran out on %(day)s and was not signed again.") % {"day": until}
    return _("Not covered: the register holds no signed refusal for it.")


def _quoted(reason: str) -> str:
    return quoted(markup_text(reason.strip()))


def _refusal_block(number: int, refusal: OpenRefusal, styles: Styles) -> list[Flowable]:
    wording = _wording()
    name = f"{refusal.code} — {refusal.title}" if refusal.code else refusal.title
    refused = _("No signed refusal on record")
    if refusal.refused_on is not None:
        refused = fmt_date(refusal.refused_on)
        if refusal.signed_by:
            refused = _("%(day)s, signed by %(signer)s") % {"day": refused, "signer": refusal.signed_by}
    rows: list[tuple[str, Cell]] = [
        (_("Risk rating"), risk_rating(refusal.risk_level_label, refusal.inherent_score)),
        (_("Refused on"), Plain(refused)),
        (_("Covered by a current signed waiver"), Styled((Run(_("Yes") if refusal.covered else _("No"), BOLD),))),
        (_("Waiver"), Plain(_coverage_text(refusal))),
        (
            wording.reason_label,
            _quoted(refusal.stated_reason) if refusal.stated_reason.strip() else Plain(_("None stated")),
        ),
    ]
    return [
        CondPageBreak(MIN_BLOCK),
        Para(f"{number}.  {markup_text(name)}", styles.item),
        rows_table(rows, styles, highlight=[len(rows) - 1]),
    ]


def _refusals(data: OffboardingLetterData, styles: Styles) -> list[Flowable]:
    story = section_heading(_wording().items_heading, styles)
    if not data.refusals:
        return [*story, FixedPara(_("No refusal is open on the date of this letter."), styles.body)]
    for number, refusal in enumerate(data.refusals, start=1):
        story += _refusal_block(number, refusal, styles)
    return story


def _closing(data: OffboardingLetterData, styles: Styles) -> list[Flowable]:
    # The sign-off stays on one page: a name cut from its "Yours sincerely" reads as unsigned.
    block = [
        FixedPara(_("Yours sincerely,"), styles.body),
        Spacer(1, 10),
        Para(f"<b>{markup_text(data.issued_by)}</b>", styles.body),
        Para(markup_text(_("for %(practice)s") % {"practice": data.practice.legal_name}), styles.body),
    ]
    return [Spacer(1, 14), KeepTogether(block)]


def _about(data: OffboardingLetterData, styles: Styles) -> list[Flowable]:
    rows: list[tuple[str, Cell]] = [
        (
            _("Issued"),
            Plain(_("%(moment)s, by %(name)s") % {"moment": fmt_utc(data.issued_at), "name": data.issued_by}),
        ),
        (_("What the letter says: SHA-256 of %(file)s") % {"file": LETTER_SNAPSHOT_NAME}, Plain(data.content_hash)),
    ]
    if data.seal_statement:
        rows.append((_("Electronic seal"), Plain(data.seal_statement)))
    intro = _(
        "Everything this letter states was frozen when it was issued and is attached to this PDF as the file "
        "%(file)s; its SHA-256 is printed below. The Client’s stated reasons are quoted from the "
        "refusals the Client signed."
    ) % {"file": LETTER_SNAPSHOT_NAME}
    return [
        *section_heading(_("About this letter"), styles),
        FixedPara(intro, styles.small),
        Spacer(1, 4),
        rows_table(rows, styles),
    ]


def _wording() -> Wording:
    wording = wording_for(DocumentKind.OFFBOARDING)
    assert wording is not None
    return wording


def render_offboarding_letter(data: OffboardingLetterData) -> bytes:
    """Render the letter as PDF bytes, in its addressee's language. Deterministic: the same data
    gives the same bytes."""
    with translation.override(data.language):
        return _render(data)


def _render(data: OffboardingLetterData) -> bytes:
    _check(data)
    register_fonts()
    styles = make_styles()
    title = _wording().title
    story: list[Flowable] = [
        *letterhead(data.practice, styles),
        *_addressee(data, styles),
        FixedPara(title, styles.title),
        _panel(data),
        *_notice(data, styles),
        *_refusals(data, styles),
        *_closing(data, styles),
        *_about(data, styles),
    ]
    return build_pdf(
        story,
        title=f"{title} — {data.client_name}",
        practice_name=data.practice.legal_name,
        document_id=data.document_id,
    )
