"""Document kinds are the model's choices, and the renderer words every one of them."""

from recommendations.documents.pdf import DocumentKind
from recommendations.documents.pdf.wording import WORDING
from recommendations.models import WaiverDocument


def test_the_renderers_kinds_are_the_models_choices():
    assert DocumentKind is WaiverDocument.Kind


def test_every_kind_of_document_has_its_wording():
    assert set(WORDING) == set(WaiverDocument.Kind.values)
