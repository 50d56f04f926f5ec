"""The events an endpoint can subscribe to: one description each, the one list every page,
form and document reads."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    name: str
    label: str
    description: str


EVENT_TYPES: dict[str, EventType] = {
    event.name: event
    for event in (
        EventType(
            "request.sent",
            _("Request sent"),
            _("A decision, re-acknowledgment or software-consent request was emailed to a signatory."),
        ),
        EventType(
            "request.signed",
            _("Request signed"),
            _("A signatory signed a request: each item's outcome, and a refusal's valid-until date."),
        ),
        EventType(
            "refusal.due",
            _("Refusal due"),
            _("A signed refusal reached its valid-until date and must be re-acknowledged."),
        ),
        EventType(
            "refusal.lapsed",
            _("Refusal lapsed"),
            _("A refusal was not re-acknowledged within the grace period and is no longer backed by a signature."),
        ),
        EventType(
            "document.sealed",
            _("Document sealed"),
            _("A signed request's waiver, confirmation or consent record was rendered and sealed."),
        ),
        EventType(
            "consent.withdrawn",
            _("Consent withdrawn"),
            _("A client withdrew its consent to a program installed (or to be installed) on its computers."),
        ),
        EventType(
            "client.rescored",
            _("Client band changed"),
            _("A client's risk band changed. Not sent when the score moves within the same band."),
        ),
    )
}
# Sent only by an admin's "Send a test event", to one endpoint; nobody subscribes to it.
PING = "ping"


def event_choices() -> list[tuple[str, str]]:
    return [(event.name, f"{event.name} — {event.description}") for event in EVENT_TYPES.values()]
