"""Stored documents checked against the audit chain's record of their sealing.

When a document is sealed, its `document.sealed` event records the SHA-256 of the bytes issued;
each fresh document timestamp added later (retimestamp_documents) is a `document.timestamp_renewed`
event recording the SHA-256 before and after, and the stored file is then the newest version.
The document's row and its file can be changed by whoever holds the database and the disk; the
chain cannot be without breaking it (and the daily digest kept outside it). So each stored
file and each row's recorded hash is compared with those events, and a sealed event whose
document has no row is reported too.

The app that owns documents lists them (settings.RISKREG_SEALED_DOCUMENTS): riskreg imports no app.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.module_loading import import_string

from riskreg.audit.events import EventType
from riskreg.audit.models import AuditEvent

SEALED = EventType.DOCUMENT_SEALED
RENEWED = EventType.DOCUMENT_TIMESTAMP_RENEWED


@dataclass(frozen=True)
class StoredDocument:
    """A document as the register holds it: its audit object id, a name for people, the SHA-256
    its row records, and its file's storage name ("" once the file was deleted on purpose)."""

    object_id: str
    label: str
    recorded_sha256: str
    storage_name: str


@dataclass
class DocumentsReport:
    checked: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _file_sha256(name: str) -> str | None:
    try:
        with default_storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except FileNotFoundError:
        return None


def _renewals() -> dict[str, list[tuple[int, str, str]]]:
    """Each document's renewal events in order: (sequence, SHA-256 before, SHA-256 after)."""
    renewals: dict[str, list[tuple[int, str, str]]] = {}
    events = AuditEvent.objects.filter(event_type=RENEWED).order_by("sequence")
    for object_id, sequence, payload in events.values_list("object_id", "sequence", "payload"):
        step = (sequence, payload.get("sha256_before", ""), payload.get("sha256", ""))
        renewals.setdefault(object_id, []).append(step)
    return renewals


def verify_documents(documents: Iterable[StoredDocument] | None = None) -> DocumentsReport:
    """Compare every stored document, row and file, with its sealing and renewal events in the chain."""
    if documents is None:
        documents = import_string(settings.RISKREG_SEALED_DOCUMENTS)()
    sealed = {
        object_id: (sequence, payload.get("sha256", ""))
        for object_id, sequence, payload in AuditEvent.objects.filter(event_type=SEALED)
        .order_by("-sequence")
        .values_list("object_id", "sequence", "payload")
    }
    renewals = _renewals()
    report = DocumentsReport()
    for document in documents:
        report.checked += 1
        event = sealed.pop(document.object_id, None)
        if event is None:
            report.problems.append(f"{document.label}: the audit chain has no record of its sealing")
            continue
        sequence, issued = event
        if document.recorded_sha256 != issued:
            report.problems.append(
                f"{document.label}: the register records SHA-256 {document.recorded_sha256}, but the audit chain "
                f"recorded {issued} when it was sealed (event #{sequence})"
            )
        current, current_event = issued, f"when it was sealed (event #{sequence})"
        for renewed_in, before, after in renewals.get(document.object_id, []):
            if before != current:
                report.problems.append(
                    f"{document.label}: the renewal in event #{renewed_in} starts from SHA-256 {before}, not from "
                    f"the {current} the audit chain recorded before it"
                )
                break
            current, current_event = after, f"when its timestamp was last renewed (event #{renewed_in})"
        if not document.storage_name:
            continue
        report.files_checked += 1
        stored = _file_sha256(document.storage_name)
        if stored is None:
            report.problems.append(f"{document.label}: its file {document.storage_name} is missing")
        elif stored != current:
            report.problems.append(
                f"{document.label}: its file has SHA-256 {stored}, not the {current} the audit chain recorded "
                f"{current_event}: the file was replaced or altered"
            )
    for object_id, (sequence, issued) in sealed.items():
        report.problems.append(f"the document sealed in event #{sequence} ({object_id}, {issued}) has no record")
    return report
