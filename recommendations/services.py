"""Writes for recommendations. Every status change is one named service that checks the
transition, writes one audit event and rescores the client, all in one transaction."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.locking import lock_client, lock_clients
from clients.models import Client, PracticeProfile
from clients.services import apply_changes, client_update, locked_copy
from recommendations import selectors, webhook_events
from recommendations.models import (
    TRANSITION_LABELS,
    TRANSITION_WORDS,
    TRANSITIONS,
    TRANSLATED_TEXTS,
    Control,
    DecisionRequest,
    Recommendation,
    TransitionError,
)
from recommendations.risk.scoring import score_client, sensitivity_multiplier
from recommendations.risk.services import clients_rescore
from recommendations.risk.stored import stored_figures
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append, audit_append_many
from riskreg.audit.events import EventType
from riskreg.db import rows_update

Status = Recommendation.Status


# No savepoint: a failed rescore fails the caller's change, which must not keep a stale score.
@transaction.atomic(savepoint=False)
def client_rescore(*, client: Client) -> Client:
    """Recompute and cache one client's score; called inside every service that changes an input."""
    items = selectors.scoring_items_for_client(client)
    today = timezone.localdate()
    result = score_client(items, selectors.sensitivity_of(client), today, selectors.scoring_config())
    figures = stored_figures(items, result, today) | {"scored_at": timezone.now()}
    # Usually the band holds and this one statement is all; when it moved, the old band is read
    # for the client.rescored webhook (the cached instance may predate the caller's lock).
    same_band = Client.objects.filter(pk=client.pk, risk_band=result.band).update(**figures)
    previous = None if same_band else Client.objects.filter(pk=client.pk).values_list("risk_band", flat=True).first()
    if not same_band:
        Client.objects.filter(pk=client.pk).update(**figures)
    for name, value in figures.items():
        setattr(client, name, value)
    if previous is not None and previous != result.band:
        webhook_events.bands_changed([(client, previous)])
    return client


def refusals_basis_changed(*, actor: User | None, client: Client, reason: str, only: list[int] | None = None) -> int:
    """Mark the client's signed refusals (or the ``only`` ones) as "basis changed"; returns how many
    (recommendations/relationship/basis.py says when a basis changes).

    The caller holds the client's row lock and rescores the client afterwards. A refusal already
    marked keeps its first date and reason: the earliest change is the one that voided its cover.
    """
    refusals = Recommendation.objects.filter(
        client=client, status=Recommendation.Status.REFUSED, basis_changed_on__isnull=True
    )
    if only is not None:
        refusals = refusals.filter(pk__in=only)
    marked = list(refusals.select_for_update().order_by("pk").only("pk", "public_id", "title"))
    if not marked:
        return 0
    Recommendation.objects.filter(pk__in=[r.pk for r in marked]).update(
        basis_changed_on=timezone.localdate(), basis_changed_reason=reason[:200], updated_at=timezone.now()
    )
    audit_append_many(
        [
            {
                "actor": actor,
                "event_type": EventType.RECOMMENDATION_BASIS_CHANGED,
                "object_type": "recommendation",
                "object_id": str(refusal.public_id),
                "scope": client.scope,
                "summary": f"“{refusal.title}”: signed refusal no longer covers the risk ({reason})",
                "payload": {"reason": reason},
            }
            for refusal in marked
        ]
    )
    return len(marked)


@transaction.atomic
def client_profile_update(*, actor: User | None, client: Client, data: dict[str, Any]) -> list[str]:
    """Edit a client and rescore it: industry and regulated data drive its sensitivity.

    When the change raises the client's multiplier, every current signed refusal was signed
    against a smaller risk than the client now carries: each is marked "basis changed"."""
    lock_client(client.pk)
    config = selectors.scoring_config()
    before = sensitivity_multiplier(selectors.sensitivity_of(locked_copy(client)), config)
    changed = client_update(actor=actor, client=client, data=data)
    if changed:
        # client_update saved a locked copy: this instance may still hold the old industry and data.
        client.refresh_from_db()
        after = sensitivity_multiplier(selectors.sensitivity_of(client), config)
        if after > before:
            refusals_basis_changed(
                actor=actor,
                client=client,
                reason=f"client's sensitivity multiplier raised from {before:g} to {after:g}",
            )
        client_rescore(client=client)
    return changed


@transaction.atomic
def recommendation_create(
    *, actor: User | None, client: Client, control: Control | None, data: dict[str, Any]
) -> Recommendation:
    lock_client(client.pk)
    if control is not None:
        # The control's French texts come along unless the caller wrote its own.
        data = {**{f"{name}_fr": getattr(control, f"{name}_fr") for name in TRANSLATED_TEXTS}, **data}
    recommendation = Recommendation(client=client, control=control, **data)
    recommendation.full_clean()
    recommendation.save()
    audit_append(
        actor=actor,
        event_type=EventType.RECOMMENDATION_CREATED,
        object_type="recommendation",
        object_id=str(recommendation.public_id),
        scope=client.scope,
        summary=f"Recommendation raised: {recommendation.title}",
        payload={
            "control": control.code if control else None,
            "likelihood": recommendation.likelihood,
            "impact": recommendation.impact,
        },
    )
    client_rescore(client=client)
    return recommendation


CLIENT_FACING_FIELDS = {
    "title",
    "rationale",
    "description",
    "why_it_matters",
    "consequences",
    *(f"{name}_fr" for name in TRANSLATED_TEXTS),
    "likelihood",
    "impact",
    "one_time_cost_cents",
    "recurring_monthly_cost_cents",
}


@transaction.atomic
def recommendation_update(*, actor: User | None, recommendation: Recommendation, data: dict[str, Any]) -> list[str]:
    lock_client(recommendation.client_id)
    recommendation = locked_copy(recommendation)
    if not recommendation.is_editable:
        raise TransitionError(
            _("A %(status)s recommendation cannot be edited: its decision is on record.")
            % {"status": recommendation.get_status_display().lower()}
        )
    if CLIENT_FACING_FIELDS.intersection(
        name for name, value in data.items() if getattr(recommendation, name) != value
    ):
        data = {**data, "content_version": recommendation.content_version + 1}
    changed = [name for name in apply_changes(recommendation, data) if name != "content_version"]
    if not changed:
        return []
    if "content_version" in data:
        open_requests_void(
            actor=actor, reason=f"“{recommendation.title}” was edited after sending", recommendation=recommendation
        )
    audit_append(
        actor=actor,
        event_type=EventType.RECOMMENDATION_UPDATED,
        object_type="recommendation",
        object_id=str(recommendation.public_id),
        scope=recommendation.client.scope,
        summary=f"Recommendation edited: {recommendation.title} ({', '.join(changed)})",
        payload={"fields": changed, "content_version": recommendation.content_version},
    )
    client_rescore(client=recommendation.client)
    return changed


# No savepoint: it runs inside the change that voids, which a failure here must fail whole.
@transaction.atomic(savepoint=False)
def open_requests_void(
    *,
    actor: User | None,
    reason: str,
    client: Client | None = None,
    recommendation: Recommendation | None = None,
    software: Any = None,
    control: Control | None = None,
    quoting_agreement: bool = False,
) -> int:
    """A signature must apply to exactly what the signer read: a change to any row a request's
    frozen content was taken from voids every open request built from it, and staff re-send it.
    With no client, recommendation or program given, every open request (the practice's own
    identity changed). Returns how many were voided."""
    requests = DecisionRequest.objects.filter(status__in=DecisionRequest.OPEN_STATUSES)
    if client is not None:
        requests = requests.filter(client=client)
    if recommendation is not None:
        requests = requests.filter(items__recommendation=recommendation)
    if software is not None:
        requests = requests.filter(items__software=software)
    if control is not None:
        requests = requests.filter(items__recommendation__control=control)
    if quoting_agreement:
        # Here, not at the top: the signing package imports this module's transitions.
        from recommendations.signing.purposes import purposes_quoting_agreement

        requests = requests.filter(purpose__in=purposes_quoting_agreement())
    found = dict(requests.order_by().values_list("pk", "client_id"))
    if not found:
        return 0
    # The clients' rows before their requests: the lock order of every write about a client.
    lock_clients(found.values())
    voided = list(
        DecisionRequest.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(pk__in=found, status__in=DecisionRequest.OPEN_STATUSES)
        .order_by("pk")
    )
    DecisionRequest.objects.filter(pk__in=[request.pk for request in voided]).update(
        status=DecisionRequest.Status.VOIDED, closed_at=timezone.now(), close_reason=reason[:300]
    )
    payload = (
        {"recommendation": str(recommendation.public_id), "content_version": recommendation.content_version}
        if recommendation is not None
        else {}
    )
    audit_append_many(
        [
            {
                "actor": actor,
                "event_type": EventType.REQUEST_VOIDED,
                "object_type": "decision_request",
                "object_id": str(request.public_id),
                "scope": request.client.scope,
                "summary": f"Request voided: {reason}",
                "payload": payload,
            }
            for request in voided
        ]
    )
    return len(voided)


@transaction.atomic
def recommendation_transition(
    *,
    actor: User | None,
    recommendation: Recommendation,
    action: str,
    payload: dict[str, Any] | None = None,
    actor_label: str | None = None,
    valid_until=None,
) -> Recommendation:
    """Move a recommendation along one named transition, or raise TransitionError and change nothing."""
    # Lock the rows so two concurrent transitions cannot both start from the same state.
    lock_client(recommendation.client_id)
    recommendation = Recommendation.objects.select_for_update().select_related("client").get(pk=recommendation.pk)
    audit_append(
        **recommendation_move(
            recommendation,
            action,
            valid_until=valid_until,
            payload=payload,
            actor=actor,
            actor_label=actor_label,
            now=timezone.now(),
        )
    )
    client_rescore(client=recommendation.client)
    return recommendation


# What a move writes.
MOVED_FIELDS = ("status", "status_changed_at", "valid_until", "basis_changed_on", "basis_changed_reason", "updated_at")


def recommendation_move(
    recommendation: Recommendation,
    action: str,
    *,
    valid_until: date | None = None,
    payload: dict[str, Any] | None = None,
    actor: User | None,
    actor_label: str | None,
    now: datetime,
    save: bool = True,
) -> dict[str, Any]:
    """Apply one move to a recommendation read after its client's row was locked (lock_client):
    check the transition, save the new state (unless ``save`` is False: the caller then writes
    MOVED_FIELDS of many at once), and return the audit event for the caller to append with the
    rest of its change. Raises TransitionError before saving anything."""
    sources, target = TRANSITIONS[action]
    if recommendation.status not in sources:
        raise TransitionError(
            _("“%(title)s” is %(status)s and cannot be %(action)s.")
            % {
                "title": recommendation.title,
                "status": recommendation.get_status_display().lower(),
                "action": TRANSITION_WORDS[action],
            }
        )
    previous = recommendation.status
    recommendation.status = target
    recommendation.status_changed_at = now
    if action == "refuse":
        if valid_until is None:
            raise TransitionError(_("A refusal needs a valid-until date."))
        recommendation.valid_until = valid_until
    elif action in {"accept", "implement", "withdraw"}:
        recommendation.valid_until = None
    if action != "lapse":
        # A new decision is signed against today's risk; a lapse keeps the mark (and is uncovered anyway).
        recommendation.basis_changed_on, recommendation.basis_changed_reason = None, ""
    # Only the fields a transition sets: status and valid-until are checked above and the database
    # enforces every constraint anyway. Checking the constraints and relations here costs a query
    # each (eight per item), which made signing and the sweep miss their targets.
    recommendation.full_clean(exclude=["client", "control", "owner"], validate_unique=False, validate_constraints=False)
    recommendation.updated_at = now
    if save:
        recommendation.save(update_fields=MOVED_FIELDS)
    return {
        "actor": actor,
        "actor_label": actor_label,
        "event_type": f"recommendation.{target}",
        "object_type": "recommendation",
        "object_id": str(recommendation.public_id),
        "scope": recommendation.client.scope,
        "summary": f"“{recommendation.title}” {TRANSITION_LABELS[action]}",
        "payload": {"from": previous, "to": target, **(payload or {})},
    }


# No savepoint: it runs inside the sweep's unit of work, which a failure here must fail whole.
@transaction.atomic(savepoint=False)
def refusals_lapse(*, actor_label: str, refusals: list[Recommendation], payload: dict[str, Any]) -> None:
    """Lapse refusals whose re-acknowledgment never came, of one or more clients at once: each
    through the "lapse" transition, the audit events in one batch, each client rescored once.
    The caller has locked the clients' rows and then the refusals (lock_clients first) and
    checked under those locks that each is still refused with the valid-until it was read
    with; a TransitionError fails its whole transaction."""
    now = timezone.now()
    events = [
        recommendation_move(
            item,
            "lapse",
            payload={"valid_until": item.valid_until and item.valid_until.isoformat(), **payload},
            actor=None,
            actor_label=actor_label,
            now=now,
            save=False,
        )
        for item in refusals
    ]
    rows_update(refusals, MOVED_FIELDS)
    webhook_events.refusals("refusal.lapsed", refusals)
    clients_rescore(clients=[item.client for item in refusals])
    # Last: the chain head stays locked from here to the commit (every write of the practice takes it).
    audit_append_many(events)


def refusal_valid_until(*, level: str, agreement_cadence_days: int | None, signed_on: date) -> date:
    """A refusal is never open-ended: its cadence follows the risk level (SPEC 4.6); the
    client's agreement may override the practice's cadence (`agreement_cadence_days`, from the
    agreement version the signer was shown)."""
    days = agreement_cadence_days or PracticeProfile.load().cadence_days(level)
    return signed_on + timedelta(days=days)


@transaction.atomic
def control_update(*, actor: User | None, control: Control, data: dict[str, Any]) -> list[str]:
    control = locked_copy(control)
    changed = apply_changes(control, data)
    if not changed:
        return []
    audit_append(
        actor=actor,
        event_type=EventType.CONTROL_UPDATED,
        object_type="control",
        object_id=control.code,
        summary=f"Catalog control {control.code} updated: {', '.join(changed)}",
        payload={"fields": changed},
    )
    if "code" in changed:
        # Signers are shown each recommendation's control code.
        open_requests_void(actor=actor, control=control, reason=f"catalog control code changed to {control.code}")
    return changed


@transaction.atomic
def control_create(*, actor: User | None, data: dict[str, Any]) -> Control:
    control = Control(**data)
    control.full_clean()
    control.save()
    audit_append(
        actor=actor,
        event_type=EventType.CONTROL_CREATED,
        object_type="control",
        object_id=control.code,
        summary=f"Catalog control {control.code} added",
        payload={"title": control.title},
    )
    return control
