"""What each kind of email is called on the staff pages (the outbox, the timeline), in the reader's
language. The kind itself is an identifier: stored on the outbox row and in the audit payload."""

from django.utils.translation import gettext_lazy as _

EMAIL_KIND_LABELS = {
    "audit_digest": _("Audit digest"),
    "audit_digest_missing": _("Audit digest missing"),
    "briefing": _("Client risk briefing"),
    "briefing_reminder": _("Briefing reminder"),
    "condition_overdue": _("Condition overdue"),
    "consent_request": _("Consent request"),
    "consent_withdrawn": _("Consent withdrawn"),
    "decision_request": _("Decision request"),
    "integrity_alert": _("Integrity alert"),
    "offboarding": _("Offboarding"),
    "offboarding_letter": _("Offboarding letter"),
    "reack_escalation": _("Re-acknowledgment escalation"),
    "reack_heads_up": _("Re-acknowledgment heads-up"),
    "reack_signatory_gone": _("Re-acknowledgment: signatory gone"),
    "request_expired": _("Request expired"),
    "request_locked": _("Request locked"),
    "request_reminder": _("Request reminder"),
    "signed_document": _("Signed document"),
    "signing_code": _("Signing code"),
    "unregistered_seal": _("Unregistered seal"),
    "webhook_disabled": _("Webhook disabled"),
}


def email_kind_label(kind: str) -> str:
    """The kind's label, or the identifier itself for a kind without one."""
    return str(EMAIL_KIND_LABELS.get(kind, kind))
