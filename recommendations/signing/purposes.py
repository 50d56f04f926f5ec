"""One description per signing purpose: what its items are, what the signer agrees to, what they may
answer, which documents it ends in and what voids it. Code that behaves differently by purpose looks
the purpose up here rather than testing its name, so a new purpose cannot silently borrow another's
behaviour (least of all the intent text the signer legally agrees to): `describe` fails loudly for a
purpose without a description, and a test checks that every purpose in the model's choices has one.
"""

from dataclasses import dataclass

from django import forms

from recommendations.models import Decision, DecisionRequest, Recommendation, WaiverDocument
from recommendations.signing.content import CONSENT_INTENT, INTENT, LegalText
from recommendations.signing.forms import ConsentDecideForm, DecideAndSignForm

Purpose = DecisionRequest.Purpose
Outcome = Decision.Outcome


@dataclass(frozen=True)
class PurposeDescription:
    purpose: str
    # The relation its items hold: "recommendation" or "software".
    subject_field: str
    # The statement the signer agrees to, in both languages.
    intent: LegalText
    # What the signer may answer for each item, and the form that asks it.
    outcomes: tuple[str, ...]
    decide_form: type[forms.Form]
    # The audit summary of a signing, formatted with the count of each outcome.
    signed_summary: str
    # Recommendation statuses it may be sent for (none: its items are programs).
    sendable_statuses: tuple[str, ...]
    # Whether it quotes the service agreement, so that a new agreement version voids it while open.
    quotes_agreement: bool
    # The documents a signing can end in (which one follows from the outcomes).
    document_kinds: tuple[str, ...]
    start_template: str
    # On the recommendations' start page: "… asks you to <verb> the security recommendations below".
    signer_verb: str = ""

    @property
    def intent_text(self) -> str:
        """The intent statement in English (the language of the staff pages and older records)."""
        return self.intent.text_in("en")

    @property
    def intent_version(self) -> str:
        return self.intent.version


_RECOMMENDATIONS = {
    "subject_field": "recommendation",
    "intent": INTENT,
    "outcomes": (Outcome.ACCEPT, Outcome.REFUSE),
    "decide_form": DecideAndSignForm,
    "signed_summary": "Signed by the signatory: {accept} accepted, {refuse} refused",
    "quotes_agreement": True,
    "document_kinds": (WaiverDocument.Kind.WAIVER, WaiverDocument.Kind.CONFIRMATION),
    "start_template": "signing/start.html",
}

PURPOSES: dict[str, PurposeDescription] = {
    Purpose.DECISION: PurposeDescription(
        purpose=Purpose.DECISION,
        sendable_statuses=(Recommendation.Status.PRESENTED,),
        signer_verb="decide on",
        **_RECOMMENDATIONS,
    ),
    Purpose.REACKNOWLEDGMENT: PurposeDescription(
        purpose=Purpose.REACKNOWLEDGMENT,
        sendable_statuses=(Recommendation.Status.REFUSED, Recommendation.Status.LAPSED),
        signer_verb="review again",
        **_RECOMMENDATIONS,
    ),
    Purpose.SOFTWARE_CONSENT: PurposeDescription(
        purpose=Purpose.SOFTWARE_CONSENT,
        subject_field="software",
        intent=CONSENT_INTENT,
        outcomes=(Outcome.CONSENT_GIVEN, Outcome.CONSENT_REFUSED),
        decide_form=ConsentDecideForm,
        signed_summary=(
            "Signed by the signatory: install consent given for {consent_given}, refused for {consent_refused}"
        ),
        sendable_statuses=(),
        quotes_agreement=False,
        document_kinds=(WaiverDocument.Kind.CONSENT,),
        start_template="signing/consent_start.html",
    ),
}


def describe(purpose: str) -> PurposeDescription:
    """The purpose's description; a KeyError for a purpose nobody described."""
    return PURPOSES[purpose]


def intent_text_for(purpose: str) -> str:
    return describe(purpose).intent_text


def purposes_quoting_agreement() -> list[str]:
    return [purpose for purpose, description in PURPOSES.items() if description.quotes_agreement]
