"""The sentence the risk breakdown shows for each item: why it counts as it does (risk/scoring.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.risk.states import (
    COVERED_ACCEPTANCE,
    COVERED_REFUSAL,
    DRAFT,
    IMPLEMENTED,
    NO_EXPOSURE,
    UNCOVERED_BASIS_CHANGED,
    UNCOVERED_DEFERRED,
    UNCOVERED_EXPIRED_REFUSAL,
    UNCOVERED_LAPSED,
    UNCOVERED_OVERDUE_ACCEPTANCE,
    WITHDRAWN,
    ScoringItem,
)


def _weight(factor: float) -> str:
    if factor == 1:
        return _("counts in full (factor 1)")
    return _("counts at %(factor)s times its inherent risk") % {"factor": f"{factor:g}"}


_NO_EXPOSURE_REASONS = {
    IMPLEMENTED: gettext_lazy("Implemented, so it adds no exposure."),
    WITHDRAWN: gettext_lazy("Withdrawn: no longer recommended, so it adds no exposure."),
    DRAFT: gettext_lazy("Still a draft, not yet raised with the client, so it adds no exposure."),
}


def reason_for(item: ScoringItem, state: str, factor: float) -> str:
    # Translators: %(weight)s is "counts in full (factor 1)" or "counts at 0.5 times its inherent risk".
    words = {"weight": _weight(factor)}
    if state == NO_EXPOSURE:
        return str(_NO_EXPOSURE_REASONS.get(item.status, _("Adds no exposure.")))
    if state == COVERED_REFUSAL:
        return _("Refused with a signed refusal valid until %(date)s: %(weight)s and is covered by that signature.") % {
            **words,
            "date": f"{item.valid_until:%Y-%m-%d}",
        }
    if state == COVERED_ACCEPTANCE:
        if item.target_date is None:
            return (
                _(
                    "Accepted with no target date set: %(weight)s until it is implemented and is covered by the "
                    "client's acceptance."
                )
                % words
            )
        return _(
            "Accepted on schedule for %(date)s: %(weight)s until it is implemented and is covered by the "
            "client's acceptance."
        ) % {**words, "date": f"{item.target_date:%Y-%m-%d}"}
    if state == UNCOVERED_OVERDUE_ACCEPTANCE:
        return _(
            "Accepted but past its target date of %(date)s: %(weight)s and the acceptance no longer covers it."
        ) % {**words, "date": f"{item.target_date:%Y-%m-%d}"}
    if state == UNCOVERED_EXPIRED_REFUSAL:
        if item.valid_until is None:
            return _("Refused without a recorded valid-until date: %(weight)s and is uncovered.") % words
        return _(
            "Refused, but the signed refusal expired on %(date)s and has not been re-acknowledged: "
            "%(weight)s and is uncovered."
        ) % {**words, "date": f"{item.valid_until:%Y-%m-%d}"}
    if state == UNCOVERED_BASIS_CHANGED:
        return (
            _(
                "Refused, but what the refusal was signed against changed after signing (basis changed): "
                "%(weight)s and is uncovered until the client re-acknowledges it."
            )
            % words
        )
    if state == UNCOVERED_LAPSED:
        return _("Refusal lapsed because its re-acknowledgment is overdue: %(weight)s and is uncovered.") % words
    if state == UNCOVERED_DEFERRED:
        return _("Deferred without a signed decision: %(weight)s and is uncovered.") % words
    return _("Presented but not yet signed by the client: %(weight)s and is uncovered.") % words
