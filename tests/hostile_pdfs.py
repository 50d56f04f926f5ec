"""PDFs built to break a parser: a page tree thousands of levels deep, and an object stream that
inflates far past pypdf's output limit. Both are small, well-formed files."""

import zlib
from functools import cache


def _pdf(objects: dict[int, bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


@cache
def deep_page_tree_pdf(depth: int = 5000) -> bytes:
    """A catalogue whose page tree nests `depth` /Pages nodes before its one page."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number, child = 2 + level, 3 + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects[number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (child, parent)
    leaf = 2 + depth
    objects[leaf] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (leaf - 1)
    return _pdf(objects, root=1)


@cache
def inflating_object_stream_pdf(inflated_bytes: int = 100_000_000) -> bytes:
    """The page tree lives in a compressed object stream whose data inflates to `inflated_bytes`
    (pypdf stops at 75 MB); the cross-reference is a stream, as object streams require."""
    header = b"3 0 "
    body = b"<< /Type /Pages /Kids [] /Count 0 >>"
    compressed = zlib.compress(header + body + b" " * (inflated_bytes - len(header) - len(body)), 9)
    out = bytearray(b"%PDF-1.7\n")
    offsets = {1: len(out)}
    out += b"1 0 obj\n<< /Type /Catalog /Pages 3 0 R >>\nendobj\n"
    offsets[2] = len(out)
    out += b"2 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(header),
        len(compressed),
    )
    out += compressed + b"\nendstream\nendobj\n"
    offsets[4] = len(out)
    rows = [(0, 0, 65535), (1, offsets[1], 0), (1, offsets[2], 0), (2, 2, 0), (1, offsets[4], 0)]
    table = b"".join(kind.to_bytes(1, "big") + at.to_bytes(4, "big") + gen.to_bytes(2, "big") for kind, at, gen in rows)
    out += b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[4]
    return bytes(out)
