"""Decision requests: sending a signing link, the one-time code, and recording the signed decision.

Evidence rules (SPEC section 8): the link token and the code exist only in the emails that
carry them (only their hashes are stored); the request freezes exactly what the signer is shown
in a snapshot bound by its hash; a completed request is never changed.

The package's modules, in the order a request lives: `content` (the texts signed), `snapshot`
(what the signer is shown, frozen at send), `selectors` (what can be sent), `send` (sending), `link` (the
signer's link and one-time code) and `complete` (recording the signed decision). Callers import
from here.
"""

from recommendations.signing.complete import ItemChoice, SignerEvidence, decision_request_complete
from recommendations.signing.content import (
    CONSENT_INTENT_TEXT,
    CONSENT_INTENT_VERSION,
    CONSENT_TEXT,
    DISCLOSURE_VERSION,
    INTENT_TEXT,
    INTENT_VERSION,
    SigningError,
    token_hash,
)
from recommendations.signing.link import (
    MAX_CODE_SENDS,
    decision_request_mark_viewed,
    request_by_token,
    request_for_token,
    signed_copy_download_record,
    signing_code_send,
    signing_code_verify,
)
from recommendations.signing.purposes import PURPOSES, PurposeDescription, describe, intent_text_for
from recommendations.signing.revoke import decision_request_resend, decision_request_revoke
from recommendations.signing.selectors import (
    recommendations_awaiting_decision,
    sendable_recommendations,
    sendable_software,
)
from recommendations.signing.send import (
    Send,
    consent_request_send,
    decision_request_send,
    decision_requests_send,
)
from recommendations.signing.snapshot import shown_to_signer

__all__ = [
    "CONSENT_INTENT_TEXT",
    "CONSENT_INTENT_VERSION",
    "CONSENT_TEXT",
    "DISCLOSURE_VERSION",
    "INTENT_TEXT",
    "INTENT_VERSION",
    "MAX_CODE_SENDS",
    "PURPOSES",
    "PurposeDescription",
    "ItemChoice",
    "Send",
    "SignerEvidence",
    "SigningError",
    "consent_request_send",
    "decision_request_complete",
    "decision_request_mark_viewed",
    "decision_request_resend",
    "decision_request_revoke",
    "decision_request_send",
    "decision_requests_send",
    "describe",
    "intent_text_for",
    "request_by_token",
    "request_for_token",
    "recommendations_awaiting_decision",
    "sendable_recommendations",
    "sendable_software",
    "signed_copy_download_record",
    "shown_to_signer",
    "signing_code_send",
    "signing_code_verify",
    "token_hash",
]
