"""From an uploaded file to rows of layout fields: decoding, the delimiter, the header."""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clients.imports.layouts import Layout, normalise

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# Spreadsheet programs save CSV as UTF-8 (often with a byte-order mark) or, on Windows, cp1252.
ENCODINGS = ("utf-8-sig", "cp1252")


def decode(raw: bytes) -> str:
    """The text of an uploaded file, or ValidationError saying why it cannot be read."""
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    if len(raw) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than {megabytes} MB; split it into parts.").format(
                megabytes=MAX_BYTES // (1024 * 1024)
            )
        )
    if b"\x00" in raw[:4096]:
        raise ValidationError(
            _("This is not a CSV text file (it looks like a spreadsheet or another binary file): save it as CSV first.")
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is neither UTF-8 nor Windows-1252 text.")
    )  # pragma: no cover - cp1252 decodes most


@dataclass(frozen=True)
class Sheet:
    headers: dict[str, str]  # layout field -> the file's header it was read from
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, field -> value)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_sheet(text: str, layout: Layout) -> Sheet:
    """The rows of `text` in the layout's fields. A missing required column, a file with no data
    rows or a broken quote is a ValidationError naming the problem."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationError(_("The file has no header row.")) from None
    positions = {normalise(name): index for index, name in reversed(list(enumerate(header)))}
    headers: dict[str, str] = {}
    columns: dict[str, int] = {}
    for column in layout.columns:
        found = next((alias for alias in column.aliases if alias in positions), None)
        if found is not None:
            columns[column.field] = positions[found]
            headers[column.field] = header[positions[found]].strip()
    missing = [column.label for column in layout.columns if column.required and column.field not in columns]
    if missing:
        expected = ", ".join(f"“{name}”" for name in missing)
        raise ValidationError(
            _("This is not a {title} file: it has no {expected} column. Columns found: {found}").format(
                title=layout.title,
                expected=expected,
                found=", ".join(f"“{name}”" for name in header[:12]) + ("…" if len(header) > 12 else ""),
            )
        )
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than {rows} rows; split it into parts.").format(rows=number_format(MAX_ROWS))
                )
            values = {field: (row[index].strip() if index < len(row) else "") for field, index in columns.items()}
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ValidationError(
            _("The file is not valid CSV near line {line}: {error}.").format(line=reader.line_num, error=error)
        ) from None
    if not rows:
        raise ValidationError(_("The file has a header but no rows."))
    return Sheet(headers=headers, rows=rows)
