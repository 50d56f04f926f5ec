"""What each kind of document says: titles, labels and the acknowledgment clauses."""

from __future__ import annotations

from dataclasses import dataclass

from recommendations.documents.pdf.data import DocumentKind


@dataclass(frozen=True)
class Wording:
    """What changes between the kinds; `{practice}` and `{client}` are filled in. For a letter
    (which nobody signs), `acknowledgment` holds the numbered terms of the notice."""

    title: str
    items_heading: str
    outcomes: dict[str, str]
    reason_label: str
    description_label: str
    why_label: str
    consequences_label: str
    intro: str
    acknowledgment: tuple[str, ...]
    validity_required: bool
    # Outcomes that may ride along in the same signed request and are listed briefly after
    # the main items, so the document records everything the signer decided.
    also_recorded: tuple[str, ...] = ()


_AUTHORITY = (
    "The person signing below confirms that they are authorised to make this decision on "
    "behalf of {client}, and that {client} receives a copy of this document."
)

WORDING: dict[str, Wording] = {
    DocumentKind.WAIVER: Wording(
        title="Risk acceptance and waiver of recommended security controls",
        items_heading="Recommended controls declined by the client",
        outcomes={"refused": "Declined"},
        reason_label="Client’s stated reason for declining",
        description_label="What it is",
        why_label="Why it was recommended",
        consequences_label="What can happen without it",
        intro=(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the "
            "Client”). The Practice recommended the security controls listed below. The "
            "Client decided not to implement them. This document records that decision, the "
            "information on which it was made, and the Client’s acceptance of the resulting "
            "risk."
        ),
        acknowledgment=(
            (
                "The Practice advised the Client in writing to implement each control listed "
                "in this document, and explained what the control is, why it was "
                "recommended, the level of risk of going without it and what can happen as "
                "a result."
            ),
            (
                "The Client has read and understood that advice and the risks described, "
                "and had the opportunity to ask questions before deciding."
            ),
            (
                "The Client has decided not to implement these controls, for the reasons it "
                "stated, and knowingly accepts the risks of that decision, including the "
                "events described under “What can happen without it”."
            ),
            (
                "Within the limits of the service agreement referenced in this document, and "
                "to the extent permitted by law, the Practice is not responsible for losses, "
                "damages, costs or claims that a declined control would have prevented or "
                "reduced."
            ),
            (
                "This acceptance remains in force until the valid-until date shown for each "
                "control, when the Client will be asked to review and re-acknowledge it. The "
                "Client may change its decision at any time by asking the Practice to "
                "implement a control."
            ),
            _AUTHORITY,
        ),
        validity_required=True,
        also_recorded=("accepted",),
    ),
    DocumentKind.CONFIRMATION: Wording(
        title="Confirmation of accepted security recommendations",
        items_heading="Recommendations accepted by the client",
        outcomes={"accepted": "Accepted"},
        reason_label="Client’s comment",
        description_label="What it is",
        why_label="Why it was recommended",
        consequences_label="What it protects against",
        intro=(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the "
            "Client”). The Practice recommended the security controls listed below and the "
            "Client accepted them. This document records that decision."
        ),
        acknowledgment=(
            (
                "The Practice advised the Client in writing to implement each control listed "
                "in this document, and explained what the control is, why it was "
                "recommended and the level of risk it addresses."
            ),
            (
                "The Client accepts these recommendations and asks the Practice to implement "
                "them within the scope and on the terms of the service agreement referenced "
                "in this document. Estimated costs are indicative; charges follow that "
                "agreement."
            ),
            "Until a control is in place, the risk it addresses remains.",
            _AUTHORITY,
        ),
        validity_required=False,
    ),
    DocumentKind.CONSENT: Wording(
        title="Record of consent to install computer programs",
        items_heading="Computer programs",
        outcomes={"given": "Consent given", "refused": "Consent refused"},
        reason_label="Client’s comment",
        description_label="Function",
        why_label="Purpose",
        consequences_label="What it can do",
        intro=(
            "{practice} (“the Practice”) asked {client} (“the Client”) for its express "
            "consent before installing the computer programs listed below on the Client’s "
            "computer systems. This document records, for each program, whether consent was "
            "given or refused."
        ),
        acknowledgment=(
            (
                "Before asking for consent, the Practice described each program listed in "
                "this document: its function and purpose, and what it can do on the Client’s "
                "systems."
            ),
            (
                "Where consent is recorded as given, the Client consents to the Practice "
                "installing that program on the computer systems it manages for the Client "
                "under the service agreement. Where consent is recorded as refused, the "
                "Practice will not install it."
            ),
            (
                "The Client may withdraw its consent at any time by contacting the Practice "
                "at the mailing address or email shown at the top of this document."
            ),
            _AUTHORITY,
        ),
        validity_required=False,
    ),
    DocumentKind.OFFBOARDING: Wording(
        title="Notice of end of service",
        items_heading="Recommendations the Client has declined",
        outcomes={"refused": "Declined"},
        reason_label="Client’s stated reason for declining",
        description_label="What it is",
        why_label="Why it was recommended",
        consequences_label="What can happen without it",
        intro=(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the Client”). "
            "The Practice has decided to end those services, and this letter is its written notice."
        ),
        acknowledgment=(
            (
                "The Practice reached this decision because the Client has declined security "
                "recommendations that the Practice considers necessary to manage the risk of the systems "
                "in its care. Each one still open on the date of this letter is listed below, with the "
                "reason the Client gave when declining it."
            ),
            (
                "Until the date service ends, the Practice continues to provide the services of the "
                "agreement. The risks of the declined recommendations remain with the Client, during "
                "the notice period and after it."
            ),
            (
                "Before service ends, the Practice will arrange with the Client the handover of "
                "credentials, documentation and data in its care."
            ),
            (
                "Questions about this notice can be sent to the Practice at the mailing address or "
                "email shown at the top of this letter."
            ),
        ),
        validity_required=False,
    ),
}
