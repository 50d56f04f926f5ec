"""PDF records of signed decisions: waivers, confirmations and install-consent records.

Pure rendering: plain frozen dataclasses in, PDF bytes out. Nothing here touches the ORM,
settings or the network, so a selector builds a `DocumentData` and `render_document` turns
it into the document the signer and the practice keep (sealing happens afterwards, in
`riskreg.seal`).
"""

from recommendations.documents.pdf.data import (
    SNAPSHOT_NAME,
    AgreementTerms,
    DocumentData,
    DocumentItem,
    DocumentKind,
    EnglishChoice,
    PracticeContact,
    PracticeLetterhead,
    SenderEvidence,
    SignatureEvidence,
    TimelineEntry,
)
from recommendations.documents.pdf.render import render_document

__all__ = [
    "SNAPSHOT_NAME",
    "AgreementTerms",
    "DocumentData",
    "DocumentItem",
    "DocumentKind",
    "EnglishChoice",
    "PracticeContact",
    "PracticeLetterhead",
    "SenderEvidence",
    "SignatureEvidence",
    "TimelineEntry",
    "render_document",
]
