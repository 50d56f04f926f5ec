"""Every type of audit event, in one enumeration. The chain stores the value; `audit_append`
refuses a type that is not listed here, so a misspelt or new type fails loudly in the tests
instead of starting a second spelling in a permanent record."""

from enum import StrEnum


class EventType(StrEnum):
    AGREEMENT_CREATED = "agreement.created"
    AGREEMENT_UPDATED = "agreement.updated"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    CLIENT_CREATED = "client.created"
    CLIENT_LITIGATION_HOLD_PLACED = "client.litigation_hold_placed"
    CLIENT_LITIGATION_HOLD_RELEASED = "client.litigation_hold_released"
    CLIENT_UPDATED = "client.updated"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONTACT_CREATED = "contact.created"
    CONTACT_ERASED = "contact.erased"
    CONTACT_EXPORTED = "contact.exported"
    CONTACT_UPDATED = "contact.updated"
    CONTROL_CREATED = "control.created"
    CONTROL_UPDATED = "control.updated"
    DOCUMENT_SEALED = "document.sealed"
    DOCUMENT_TIMESTAMP_RENEWED = "document.timestamp_renewed"
    EMAIL_FAILED = "email.failed"
    EMAIL_SENT = "email.sent"
    IMPORT_APPLIED = "import.applied"
    PRACTICE_UPDATED = "practice.updated"
    PRIVACY_HOLD_RELEASED = "privacy.hold_released"
    RECOMMENDATION_CREATED = "recommendation.created"
    RECOMMENDATION_UPDATED = "recommendation.updated"
    # recommendation.<status>: one per transition's target status.
    RECOMMENDATION_PRESENTED = "recommendation.presented"
    RECOMMENDATION_DEFERRED = "recommendation.deferred"
    RECOMMENDATION_ACCEPTED = "recommendation.accepted"
    RECOMMENDATION_REFUSED = "recommendation.refused"
    RECOMMENDATION_IMPLEMENTED = "recommendation.implemented"
    RECOMMENDATION_WITHDRAWN = "recommendation.withdrawn"
    RECOMMENDATION_LAPSED = "recommendation.lapsed"
    RELATIONSHIP_DECIDED = "relationship.decided"
    REQUEST_SENT = "request.sent"
    REQUEST_VIEWED = "request.viewed"
    REQUEST_CODE_SENT = "request.code_sent"
    REQUEST_CODE_FAILED = "request.code_failed"
    REQUEST_CODE_VERIFIED = "request.code_verified"
    REQUEST_SIGNED = "request.signed"
    REQUEST_DOCUMENT_DOWNLOADED = "request.document_downloaded"
    # request.<status>: one per way an open request closes unsigned.
    REQUEST_EXPIRED = "request.expired"
    REQUEST_LOCKED = "request.locked"
    REQUEST_REVOKED = "request.revoked"
    REQUEST_VOIDED = "request.voided"
    SEAL_CERTIFICATE_ADDED = "seal.certificate_added"
    SEAL_UNREGISTERED_DOCUMENT = "seal.unregistered_document"
    SOFTWARE_CREATED = "software.created"
    SOFTWARE_UPDATED = "software.updated"
    # software.<install status> and software.consent_<consent status>.
    SOFTWARE_INSTALLED = "software.installed"
    SOFTWARE_REMOVED = "software.removed"
    SOFTWARE_CONSENT_REQUESTED = "software.consent_requested"
    SOFTWARE_CONSENT_GIVEN = "software.consent_given"
    SOFTWARE_CONSENT_REFUSED = "software.consent_refused"
    SOFTWARE_CONSENT_WITHDRAWN = "software.consent_withdrawn"
    USER_BACKUP_CODES_REGENERATED = "user.backup_codes_regenerated"
    USER_SESSIONS_ENDED = "user.sessions_ended"
    USER_TWO_FACTOR_ENABLED = "user.two_factor_enabled"
    USER_TWO_FACTOR_RESET = "user.two_factor_reset"
    WEBHOOK_ENDPOINT_CREATED = "webhook.endpoint_created"
    WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled"
    WEBHOOK_ENDPOINT_ENABLED = "webhook.endpoint_enabled"
    WEBHOOK_ENDPOINT_UPDATED = "webhook.endpoint_updated"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"


def event_type_checked(value: str) -> str:
    """The type as stored; a ValueError naming it when it is not an EventType."""
    try:
        return EventType(value).value
    except ValueError:
        raise ValueError(f"unknown audit event type {value!r}: add it to riskreg.audit.events.EventType") from None
