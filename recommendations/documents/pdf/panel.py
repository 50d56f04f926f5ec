"""The panel at the top of every sealed document: what it is, and how to check it (a QR code)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.platypus import Table, TableStyle

from recommendations.documents.pdf.grid import rows_table
from recommendations.documents.pdf.layout import (
    ACCENT,
    FRAME_WIDTH,
    PANEL,
    QR_SIZE,
    RULE,
    Cell,
    Para,
    make_styles,
)
from recommendations.documents.pdf.pictures import QrCode
from recommendations.documents.pdf.text import markup_text


def verification_panel(rows: Sequence[tuple[str, Cell]], *, verification_url: str, practice_name: str) -> Table:
    """The document's key facts beside a QR code of its verification page, and how to verify it."""
    styles = make_styles()
    inner_width = FRAME_WIDTH - QR_SIZE - 16
    info = rows_table(rows, styles, width=inner_width - 12)
    verify = Para(
        _(
            "<b>Verify this document:</b> scan the code or visit %(url)s and upload this PDF file to confirm it "
            "was issued by %(practice)s and has not been altered."
        )
        % {
            "url": f"<font color='{ACCENT.hexval()}'>{markup_text(verification_url)}</font>",
            "practice": markup_text(practice_name),
        },
        styles.small,
    )
    return Table(
        [[info, QrCode(verification_url, QR_SIZE)], [verify, ""]],
        colWidths=[inner_width, QR_SIZE + 16],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("SPAN", (0, 1), (1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 7),
            ]
        ),
        hAlign="LEFT",
    )
