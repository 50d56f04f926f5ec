"""What each kind of document says: titles, labels and the acknowledgment clauses."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

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


_AUTHORITY = _(
    "The person signing below confirms that they are authorised to make this decision on "
    "behalf of {client}, and that {client} receives a copy of this document."
)

WORDING: dict[str, Wording] = {
    DocumentKind.WAIVER: Wording(
        title=_("Risk acceptance and waiver of recommended security controls"),
        items_heading=_("Recommended controls declined by the client"),
        outcomes={"refused": _("Declined")},
        reason_label=_("Client’s stated reason for declining"),
        description_label=_("What it is"),
        why_label=_("Why it was recommended"),
        consequences_label=_("What can happen without it"),
        intro=_(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the "
            "Client”). The Practice recommended the security controls listed below. The "
            "Client decided not to implement them. This document records that decision, the "
            "information on which it was made, and the Client’s acceptance of the resulting "
            "risk."
        ),
        acknowledgment=(
            _(
                "The Practice advised the Client in writing to implement each control listed "
                "in this document, and explained what the control is, why it was "
                "recommended, the level of risk of going without it and what can happen as "
                "a result."
            ),
            _(
                "The Client has read and understood that advice and the risks described, "
                "and had the opportunity to ask questions before deciding."
            ),
            _(
                "The Client has decided not to implement these controls, for the reasons it "
                "stated, and knowingly accepts the risks of that decision, including the "
                "events described under “What can happen without it”."
            ),
            _(
                "Within the limits of the service agreement referenced in this document, and "
                "to the extent permitted by law, the Practice is not responsible for losses, "
                "damages, costs or claims that a declined control would have prevented or "
                "reduced."
            ),
            _(
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
        title=_("Confirmation of accepted security recommendations"),
        items_heading=_("Recommendations accepted by the client"),
        outcomes={"accepted": _("Accepted")},
        reason_label=_("Client’s comment"),
        description_label=_("What it is"),
        why_label=_("Why it was recommended"),
        consequences_label=_("What it protects against"),
        intro=_(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the "
            "Client”). The Practice recommended the security controls listed below and the "
            "Client accepted them. This document records that decision."
        ),
        acknowledgment=(
            _(
                "The Practice advised the Client in writing to implement each control listed "
                "in this document, and explained what the control is, why it was "
                "recommended and the level of risk it addresses."
            ),
            _(
                "The Client accepts these recommendations and asks the Practice to implement "
                "them within the scope and on the terms of the service agreement referenced "
                "in this document. Estimated costs are indicative; charges follow that "
                "agreement."
            ),
            _("Until a control is in place, the risk it addresses remains."),
            _AUTHORITY,
        ),
        validity_required=False,
    ),
    DocumentKind.CONSENT: Wording(
        title=_("Record of consent to install computer programs"),
        items_heading=_("Computer programs"),
        outcomes={"given": _("Consent given"), "refused": _("Consent refused")},
        reason_label=_("Client’s comment"),
        description_label=_("Function"),
        why_label=_("Purpose"),
        consequences_label=_("What it can do"),
        intro=_(
            "{practice} (“the Practice”) asked {client} (“the Client”) for its express "
            "consent before installing the computer programs listed below on the Client’s "
            "computer systems. This document records, for each program, whether consent was "
            "given or refused."
        ),
        acknowledgment=(
            _(
                "Before asking for consent, the Practice described each program listed in "
                "this document: its function and purpose, and what it can do on the Client’s "
                "systems."
            ),
            _(
                "Where consent is recorded as given, the Client consents to the Practice "
                "installing that program on the computer systems it manages for the Client "
                "under the service agreement. Where consent is recorded as refused, the "
                "Practice will not install it."
            ),
            _(
                "The Client may withdraw its consent at any time by contacting the Practice "
                "at the mailing address or email shown at the top of this document."
            ),
            _AUTHORITY,
        ),
        validity_required=False,
    ),
    DocumentKind.OFFBOARDING: Wording(
        title=_("Notice of end of service"),
        items_heading=_("Recommendations the Client has declined"),
        outcomes={"refused": _("Declined")},
        reason_label=_("Client’s stated reason for declining"),
        description_label=_("What it is"),
        why_label=_("Why it was recommended"),
        consequences_label=_("What can happen without it"),
        intro=_(
            "{practice} (“the Practice”) provides managed IT services to {client} (“the Client”). "
            "The Practice has decided to end those services, and this letter is its written notice."
        ),
        acknowledgment=(
            _(
                "The Practice reached this decision because the Client has declined security "
                "recommendations that the Practice considers necessary to manage the risk of the systems "
                "in its care. Each one still open on the date of this letter is listed below, with the "
                "reason the Client gave when declining it."
            ),
            _(
                "Until the date service ends, the Practice continues to provide the services of the "
                "agreement. The risks of the declined recommendations remain with the Client, during "
                "the notice period and after it."
            ),
            _(
                "Before service ends, the Practice will arrange with the Client the handover of "
                "credentials, documentation and data in its care."
            ),
            _(
                "Questions about this notice can be sent to the Practice at the mailing address or "
                "email shown at the top of this letter."
            ),
        ),
        validity_required=False,
    ),
}


def wording_for(kind: str) -> Wording | None:
    """The kind's wording in the active language, as plain strings; None for an unknown kind."""
    wording = WORDING.get(kind)
    if wording is None:
        return None
    texts = ("title", "items_heading", "reason_label", "description_label", "why_label", "consequences_label", "intro")
    return replace(
        wording,
        **{name: str(getattr(wording, name)) for name in texts},
        outcomes={outcome: str(label) for outcome, label in wording.outcomes.items()},
        acknowledgment=tuple(str(clause) for clause in wording.acknowledgment),
    )
