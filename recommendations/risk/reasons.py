"""The sentence the risk breakdown shows for each item: why it counts as it does (risk/scoring.py)."""

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
        return "counts in full (factor 1)"
    return f"counts at {factor:g} times its inherent risk"


_NO_EXPOSURE_REASONS = {
    IMPLEMENTED: "Implemented, so it adds no exposure.",
    WITHDRAWN: "Withdrawn: no longer recommended, so it adds no exposure.",
    DRAFT: "Still a draft, not yet raised with the client, so it adds no exposure.",
}


def reason_for(item: ScoringItem, state: str, factor: float) -> str:
    weight = _weight(factor)
    if state == NO_EXPOSURE:
        return _NO_EXPOSURE_REASONS.get(item.status, "Adds no exposure.")
    if state == COVERED_REFUSAL:
        return (
            f"Refused with a signed refusal valid until {item.valid_until:%Y-%m-%d}: "
            f"{weight} and is covered by that signature."
        )
    if state == COVERED_ACCEPTANCE:
        schedule = (
            "with no target date set" if item.target_date is None else f"on schedule for {item.target_date:%Y-%m-%d}"
        )
        return f"Accepted {schedule}: {weight} until it is implemented and is covered by the client's acceptance."
    if state == UNCOVERED_OVERDUE_ACCEPTANCE:
        return (
            f"Accepted but past its target date of {item.target_date:%Y-%m-%d}: "
            f"{weight} and the acceptance no longer covers it."
        )
    if state == UNCOVERED_EXPIRED_REFUSAL:
        if item.valid_until is None:
            return f"Refused without a recorded valid-until date: {weight} and is uncovered."
        return (
            f"Refused, but the signed refusal expired on {item.valid_until:%Y-%m-%d} "
            f"and has not been re-acknowledged: {weight} and is uncovered."
        )
    if state == UNCOVERED_BASIS_CHANGED:
        return (
            "Refused, but what the refusal was signed against changed after signing (basis changed): "
            f"{weight} and is uncovered until the client re-acknowledges it."
        )
    if state == UNCOVERED_LAPSED:
        return f"Refusal lapsed because its re-acknowledgment is overdue: {weight} and is uncovered."
    if state == UNCOVERED_DEFERRED:
        return f"Deferred without a signed decision: {weight} and is uncovered."
    return f"Presented but not yet signed by the client: {weight} and is uncovered."
