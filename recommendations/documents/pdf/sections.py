"""The parts of a document, top to bottom: letterhead, summary, items, terms, signature, evidence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, KeepTogether, Spacer, Table, TableStyle

from recommendations.documents.pdf.data import (
    SNAPSHOT_NAME,
    AgreementTerms,
    DocumentData,
    DocumentItem,
    EnglishChoice,
    PracticeContact,
    PracticeLetterhead,
    SignatureEvidence,
)
from recommendations.documents.pdf.grid import list_table, rows_table
from recommendations.documents.pdf.layout import (
    ACCENT,
    BODY_LEADING,
    BODY_SIZE,
    BOLD,
    FRAME_WIDTH,
    INK,
    MIN_BLOCK,
    REGULAR,
    RISK_COLOURS,
    Cell,
    FixedPara,
    Para,
    Plain,
    Run,
    Styled,
    Styles,
    section_heading,
    table_cell,
    text_lines,
)
from recommendations.documents.pdf.panel import verification_panel
from recommendations.documents.pdf.pictures import LOGO_BOX_MM, SIGNATURE_BOX_MM, Picture, flatten_logo, flatten_png
from recommendations.documents.pdf.text import fmt_date, fmt_utc, markup_text, signed_at_text, signer_local
from recommendations.documents.pdf.wording import Wording


def _risk_value(item: DocumentItem) -> Styled:
    return risk_rating(item.risk_level_label, item.inherent_score)


def risk_rating(label: str, inherent_score: int | None) -> Styled:
    """A risk level in its colour, with the inherent score it comes from."""
    colour = RISK_COLOURS.get(label.strip().lower().replace("_", " "))
    runs = [Run(label) if colour is None else Run(label, BOLD, colour)]
    if inherent_score is not None:
        runs.append(
            Run(" — " + _("inherent risk score %(score)s of 25 (likelihood × impact)") % {"score": inherent_score})
        )
    return Styled(tuple(runs))


def quoted(markup: str) -> str:
    """Quoted words in the language's quotation marks: “…” in English, « … » in French."""
    return _("“%(text)s”") % {"text": markup}


def letterhead(practice: PracticeLetterhead, styles: Styles) -> list[Flowable]:
    contacts = " · ".join(markup_text(part) for part in (practice.email, practice.phone, practice.website) if part)
    details = [
        Para(markup_text(practice.legal_name), styles.practice_name),
        text_lines(practice.mailing_address, styles.practice_contact),
        Para(contacts, styles.practice_contact),
    ]
    logo: Flowable | str = ""
    if practice.logo_png:
        logo = Picture(flatten_logo(practice.logo_png), box_mm=LOGO_BOX_MM)
    table = Table(
        [[logo, details]],
        colWidths=[60 * mm, FRAME_WIDTH - 60 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [table, Spacer(1, 4), HRFlowable(width="100%", thickness=1.2, color=ACCENT)]


def summary_box(data: DocumentData, styles: Styles) -> Table:
    signer = data.signature
    signatory = ", ".join(part for part in (signer.typed_name, signer.title) if part)
    rows: list[tuple[str, Cell]] = [
        (_("Document ID"), Styled((Run(data.document_id, BOLD),))),
        (_("Client"), Plain(data.client_name)),
        (_("Signatory"), Plain(signatory)),
        (_("Date signed"), Plain(fmt_date(signer_local(signer).date()))),
    ]
    if data.agreement is not None:
        rows.append((_("Service agreement"), Plain(_agreement_reference(data.agreement))))
    return verification_panel(rows, verification_url=data.verification_url, practice_name=data.practice.legal_name)


def _item_name(item: DocumentItem) -> str:
    return f"{item.code} — {item.title}" if item.code else item.title


def item_block(number: int, item: DocumentItem, wording: Wording, styles: Styles) -> list[Flowable]:
    heading = f"{number}.  {markup_text(_item_name(item))}"
    rows: list[tuple[str, Cell]] = [
        (_("Decision"), Styled((Run(wording.outcomes[item.outcome], BOLD),))),
    ]
    if item.advisor:
        rows.append((_("Recommended by"), Plain(item.advisor)))
    if item.first_presented_on is not None:
        rows.append((_("First presented to the Client"), Plain(fmt_date(item.first_presented_on))))
    optional = (
        (wording.description_label, item.description),
        (wording.why_label, item.why_it_matters),
        (_("Why for the Client"), item.rationale),
    )
    rows += [(label, Plain(value)) for label, value in optional if value]
    if item.risk_level_label:
        rows.append((_("Risk level"), _risk_value(item)))
    if item.consequences:
        rows.append((wording.consequences_label, Plain(item.consequences)))
    if item.estimated_cost:
        rows.append((_("Estimated cost"), Plain(item.estimated_cost)))
    highlight: list[int] = []
    if item.reason:
        highlight.append(len(rows))
        rows.append((wording.reason_label, quoted(markup_text(item.reason))))
    return [
        CondPageBreak(MIN_BLOCK),
        Para(heading, styles.item),
        rows_table(rows, styles, highlight=highlight),
    ]


def also_recorded_section(items: list[DocumentItem], styles: Styles) -> list[Flowable]:
    """Items decided otherwise in the same signed request: listed, not waived."""
    if not items:
        return []
    rows = [
        (
            _item_name(item),
            item.risk_level_label or "—",
            _("Accepted") if item.outcome == "accepted" else item.outcome,
        )
        for item in items
    ]
    table = list_table(
        (_("Recommendation"), _("Risk level"), _("Decision")), rows, (FRAME_WIDTH - 62 * mm, 34 * mm, 28 * mm), styles
    )
    note = _(
        "In the same signed decision the Client accepted the recommendations below. They are "
        "listed so that this document records the whole decision; they are not covered by this "
        "waiver, and the Practice will implement them on the terms of the service agreement."
    )
    # Heading, note and table move to the next page together rather than leave the heading behind.
    return [
        KeepTogether(
            [
                *section_heading(_("Recommendations accepted in the same decision"), styles),
                FixedPara(note, styles.body),
                Spacer(1, 5),
                table,
            ]
        )
    ]


def validity_section(data: DocumentData, styles: Styles) -> list[Flowable]:
    dated = [item for item in data.items if item.valid_until or item.cadence_days]
    if not dated:
        return []
    rows = [
        (
            _item_name(item),
            fmt_date(item.valid_until) if item.valid_until else "—",
            _("every %(days)s days") % {"days": item.cadence_days} if item.cadence_days else "—",
        )
        for item in dated
    ]
    table = list_table(
        (_("Control"), _("Valid until"), _("Re-acknowledgment")),
        rows,
        (FRAME_WIDTH - 70 * mm, 32 * mm, 38 * mm),
        styles,
    )
    explanation = _(
        "Each decision recorded here stays in force until its valid-until date. Before that "
        "date the Client will be asked to review it and sign again; a decision that is not "
        "re-acknowledged lapses, and the recommendation is treated as open again."
    )
    return [
        *section_heading(_("Validity and re-acknowledgment"), styles),
        FixedPara(explanation, styles.body),
        Spacer(1, 5),
        table,
    ]


def english_choice_section(choice: EnglishChoice | None, styles: Styles) -> list[Flowable]:
    """The signer's express choice of English, as evidence that a Quebec client chose it."""
    if choice is None:
        return []
    rows: list[tuple[str, Cell]] = [
        (_("Statement (version %(version)s)") % {"version": choice.version}, Plain(choice.text)),
        (_("Chosen on"), Plain(fmt_utc(choice.chosen_at))),
    ]
    note = _(
        "The Client was offered this document in French and expressly chose to receive it, and to be "
        "bound by it, in English."
    )
    return [
        *section_heading(_("Express choice of English"), styles),
        FixedPara(note, styles.body),
        Spacer(1, 5),
        rows_table(rows, styles),
    ]


def _agreement_reference(agreement: AgreementTerms) -> str:
    if agreement.version is None:
        return agreement.reference
    return _("%(reference)s, version %(version)s") % {"reference": agreement.reference, "version": agreement.version}


def agreement_section(agreement: AgreementTerms | None, styles: Styles) -> list[Flowable]:
    heading = section_heading(_("Service agreement"), styles)
    if agreement is None:
        note = _("No written service agreement was on record for the Client when this document was signed.")
        return [*heading, FixedPara(note, styles.body)]
    rows: list[tuple[str, Cell]] = [(_("Reference"), Plain(_agreement_reference(agreement)))]
    if agreement.effective_date is not None:
        rows.append((_("Effective date"), Plain(fmt_date(agreement.effective_date))))
    fields = (
        (_("Scope of services"), agreement.scope),
        (_("Client responsibilities"), agreement.responsibilities),
        (_("Exclusions"), agreement.exclusions),
    )
    rows += [(label, Plain(value)) for label, value in fields if value]
    return [*heading, rows_table(rows, styles)]


def _value_style(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[Any, ...]]:
    return [("FONT", start, end, REGULAR, BODY_SIZE, BODY_LEADING), ("TEXTCOLOR", start, end, INK)]


def signature_block(signature: SignatureEvidence, styles: Styles) -> list[Flowable]:
    if signature.code_verified_at is not None:
        code = _("One-time code sent to %(email)s and entered correctly on %(moment)s") % {
            "email": markup_text(signature.email),
            "moment": fmt_utc(signature.code_verified_at),
        }
    else:
        code = _("No one-time code was verified")
    drawn = flatten_png(signature.signature_png, trim=True, box_mm=SIGNATURE_BOX_MM)
    image_box = Table(
        [
            [Picture(drawn, box_mm=SIGNATURE_BOX_MM)],
            [table_cell(Plain(signature.typed_name), 58 * mm, styles)],
            [FixedPara(_("Signature"), styles.small)],
        ],
        colWidths=[60 * mm],
        rowHeights=[27 * mm, None, None],
        style=TableStyle(
            [
                *_value_style((0, 1), (0, 1)),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
    )
    details_width = FRAME_WIDTH - 66 * mm
    rows: list[tuple[str, Cell]] = [
        (_("Signed by"), Styled((Run(signature.typed_name, BOLD),))),
        (_("Title"), Plain(signature.title)),
        (_("Email"), Plain(signature.email)),
        (_("Signed on"), text_lines(signed_at_text(signature), styles.body)),
        (_("IP address"), Plain(signature.ip_address)),
        (_("Identity check"), code),
    ]
    if signature.method:
        rows.insert(4, (_("Signed with"), Plain(signature.method)))
    details = rows_table(rows, styles, width=details_width, label_width=28 * mm)
    block = Table(
        [[image_box, details]],
        colWidths=[66 * mm, details_width],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )
    return [
        CondPageBreak(60 * mm),
        *section_heading(_("Signature"), styles),
        KeepTogether([block]),
    ]


def _contact_text(contact: PracticeContact) -> str:
    lines = [contact.legal_name, contact.mailing_address]
    if contact.email:
        lines.append(_("Email: %(email)s") % {"email": contact.email})
    if contact.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": contact.phone})
    return "\n".join(line for line in lines if line)


def _evidence_rows(data: DocumentData, styles: Styles) -> list[tuple[str, Cell]]:
    signature = data.signature
    rows: list[tuple[str, Cell]] = []
    if data.request_id:
        rows.append((_("Signing request"), Plain(data.request_id)))
    if data.sender is not None:
        sent = f"{data.sender.name}, {fmt_utc(data.sender.sent_at)}"
        from_ip = _("%(sent)s, from %(ip)s") % {"sent": sent, "ip": data.sender.ip}
        rows.append((_("Sent by"), Plain(from_ip if data.sender.ip else sent)))
    if data.code_sent_to:
        delivered = _("Emailed to %(address)s") % {"address": data.code_sent_to}
        if data.code_message_id:
            delivered += " " + _("in the message with Message-ID %(id)s") % {"id": data.code_message_id}
        if signature.code_verified_at is not None:
            delivered += "; " + _("entered correctly on %(moment)s") % {"moment": fmt_utc(signature.code_verified_at)}
        rows.append((_("One-time code"), Plain(delivered)))
    rows += [
        (_("Consent to electronic records given"), Plain(fmt_utc(signature.signed_at))),
        (
            _("Consent to electronic records (version %(version)s)") % {"version": data.consent_version},
            Plain(data.consent_text),
        ),
    ]
    if data.disclosure_contact is not None:
        rows.append(
            (_("Contact details of the provider"), text_lines(_contact_text(data.disclosure_contact), styles.body))
        )
    rows += [
        (
            _("Statement of intent (version %(version)s)") % {"version": data.intent_version}
            if data.intent_version
            else _("Statement of intent"),
            Plain(data.intent_text),
        ),
        (_("Signer’s IP address"), Plain(signature.ip_address)),
        (_("Signer’s browser (user agent)"), Plain(signature.user_agent)),
        (_("Signer’s time zone"), Plain(signature.signer_timezone)),
    ]
    if data.snapshot_json is not None:
        rows.append((_("What was shown: SHA-256 of %(file)s") % {"file": SNAPSHOT_NAME}, Plain(data.content_hash)))
    else:
        rows.append((_("Content hash (SHA-256)"), Plain(data.content_hash)))
    if data.signature_sha256:
        rows.append((_("Drawn signature (SHA-256)"), Plain(data.signature_sha256)))
    if data.seal_statement:
        rows.append((_("Electronic seal"), Plain(data.seal_statement)))
    return rows


def _sessions(data: DocumentData) -> dict[str, str]:
    """Each browser session that took a step, lettered in the order they first appear."""
    letters: dict[str, str] = {}
    for entry in data.timeline:
        if entry.session and entry.session not in letters:
            letters[entry.session] = chr(ord("A") + len(letters)) if len(letters) < 26 else str(len(letters) + 1)
    return letters


def evidence_appendix(data: DocumentData, styles: Styles) -> list[Flowable]:
    sessions = _sessions(data)
    browsers: dict[str, int] = {}
    for entry in data.timeline:
        if entry.user_agent:
            browsers.setdefault(entry.user_agent, len(browsers) + 1)
    timeline = list_table(
        (_("Event"), _("Date and time (UTC)"), _("IP address"), _("Browser, session")),
        [
            (
                entry.label,
                fmt_utc(entry.at),
                entry.ip or "—",
                ", ".join(
                    part
                    for part in (
                        _("browser %(number)s") % {"number": browsers[entry.user_agent]} if entry.user_agent else "",
                        _("session %(letter)s") % {"letter": sessions[entry.session]} if entry.session else "",
                    )
                    if part
                )
                or "—",
            )
            for entry in data.timeline
        ],
        (FRAME_WIDTH - 126 * mm, 58 * mm, 28 * mm, 40 * mm),
        styles,
        padding=3,
    )
    seen = [(_("Browser %(number)s") % {"number": number}, Plain(agent)) for agent, number in browsers.items()]
    seen += [
        (_("Session %(letter)s: SHA-256 of its key") % {"letter": letter}, Plain(digest))
        for digest, letter in sessions.items()
    ]
    intro = _(
        "The Practice recorded the following evidence when the Client signed this document "
        "electronically. The signing link and the one-time code were personal to the signatory and "
        "existed only in the emails sent to them; every step below is an event in the Practice’s "
        "hash-chained audit log, with the address and browser it came from."
    )
    if data.snapshot_json is not None:
        intro += " " + _(
            "Everything the signatory was shown, frozen when the request was sent, is attached to this PDF as "
            "the file %(file)s; its SHA-256 is printed below, so anyone can open the attachment and check it."
        ) % {"file": SNAPSHOT_NAME}
    story: list[Flowable] = [
        CondPageBreak(70 * mm),
        *section_heading(_("Appendix — evidence of electronic signature"), styles),
        FixedPara(intro, styles.body),
        Spacer(1, 6),
        timeline,
    ]
    if seen:
        story += [Spacer(1, 6), rows_table(seen, styles)]
    story += [Spacer(1, 8), rows_table(_evidence_rows(data, styles), styles)]
    return story
