"""Sending decision and consent requests, revoking them and re-sending a new link."""

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.locking import lock_client, lock_clients
from clients.models import AgreementVersion, Client, Contact, PracticeProfile, Software
from clients.selectors import agreement_versions_in_force, current_agreements
from clients.services import withdrawal_link_placeholder
from clients.software import software_consent_record
from recommendations import webhook_events
from recommendations.models import DecisionRequest, Recommendation, RequestItem
from recommendations.signing.content import (
    DISCLOSURE_VERSION,
    SIGNING_LINK,
    Purpose,
    SigningError,
    capability_disclosures,
    language_code,
    sought_because,
    token_hash,
)
from recommendations.signing.selectors import sendable_software, sendable_statuses, waiting_in_live_request
from recommendations.signing.snapshot import (
    canonical_json,
    consent_snapshot,
    decision_snapshot,
    first_presented_dates,
    snapshot_sha256,
)
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append_many
from riskreg.audit.events import EventType
from riskreg.evidence import StepOrigin
from riskreg.mail.secrets import minter
from riskreg.mail.services import email_enqueue


def _check_signatory(*, client: Client, signatory: Contact) -> None:
    if (
        signatory.client_id != client.pk
        or not signatory.can_sign
        or not signatory.is_active
        or signatory.erased_at is not None
    ):
        raise SigningError(_("Choose an active authorised signatory of this client."))


def _check_subjects(
    *, sends: list["Send"], allowed: QuerySet, field: str, empty_message: str, foreign_message: str
) -> None:
    """Each send has items, all of its own client and among what may be sent, and none of them
    already waits in an open request: one query however many sends."""
    if any(not send.subjects for send in sends):
        raise SigningError(empty_message)
    if any(subject.client_id != send.client.pk for send in sends for subject in send.subjects):
        raise SigningError(foreign_message)
    subjects = [subject for send in sends for subject in send.subjects]
    busy_by_pk = dict(
        allowed.order_by()
        .filter(pk__in=[subject.pk for subject in subjects])
        .annotate(busy=waiting_in_live_request(field))
        .values_list("pk", "busy")
    )
    if len(busy_by_pk) != len({subject.pk for subject in subjects}):
        raise SigningError(foreign_message)
    if busy := [subject for subject in subjects if busy_by_pk[subject.pk]]:
        names = ", ".join(f"“{subject}”" for subject in busy)
        raise SigningError(
            _("Already waiting in an open request: %(names)s. Revoke that request first.") % {"names": names}
        )


@dataclass(frozen=True)
class Send:
    """One request to send: `subjects` (recommendations, or programs for a consent request) of
    one client, to one of its signatories."""

    client: Client
    signatory: Contact
    subjects: list[Any]
    message: str = ""
    replaces: DecisionRequest | None = None


@transaction.atomic
def decision_request_send(
    *,
    actor: User | None,
    client: Client,
    signatory: Contact,
    recommendations: list[Recommendation],
    message: str = "",
    purpose: str = Purpose.DECISION,
    replaces: DecisionRequest | None = None,
    actor_label: str | None = None,
    origin: StepOrigin | None = None,
) -> DecisionRequest:
    """Create a request and its email (its link is made when the email is sent)."""
    [sent] = decision_requests_send(
        actor=actor,
        actor_label=actor_label,
        origin=origin,
        purpose=purpose,
        sends=[Send(client, signatory, recommendations, message, replaces)],
    )
    return sent


@transaction.atomic
@PracticeProfile.pinned()
def decision_requests_send(
    *,
    actor: User | None,
    sends: list[Send],
    purpose: str = Purpose.DECISION,
    actor_label: str | None = None,
    origin: StepOrigin | None = None,
) -> list[DecisionRequest]:
    """Create requests and their emails, all or none. A fixed number of queries however many
    requests, plus one per email: the re-acknowledgment sweep sends hundreds in one go. `origin`:
    where the staff member who sent them was (their address is evidence in the signed record)."""
    # The clients' rows before their recommendations, the order of every write about a client: a
    # signer completing an open request of the same client then queues instead of deadlocking.
    lock_clients(send.client.pk for send in sends)
    locked = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("control", "owner")
        .order_by("pk")
        .in_bulk([recommendation.pk for send in sends for recommendation in send.subjects])
    )
    for send in sends:
        _check_signatory(client=send.client, signatory=send.signatory)
    # Checked against the locked rows: what is sent is what they hold until this commits.
    _check_subjects(
        sends=sends,
        allowed=Recommendation.objects.filter(status__in=sendable_statuses(purpose)),
        field="recommendation",
        empty_message=_("Choose at least one recommendation to send."),
        foreign_message=_("Only this client's recommendations awaiting a decision can be sent."),
    )
    sends = [
        replace(send, subjects=sorted((locked[r.pk] for r in send.subjects), key=lambda r: (-r.inherent_risk, r.title)))
        for send in sends
    ]
    agreements = current_agreements([send.client for send in sends])
    versions = agreement_versions_in_force(list(agreements.values()))
    practice = PracticeProfile.load()
    public_ids = [uuid.uuid4() for _send in sends]
    presented = first_presented_dates(
        clients=[send.client for send in sends], recommendations=[r for send in sends for r in send.subjects]
    )
    quoted = [versions.get(agreement.pk) if (agreement := agreements.get(send.client.pk)) else None for send in sends]
    created = _requests_create(
        actor=actor,
        actor_label=actor_label,
        origin=origin,
        purpose=purpose,
        sends=sends,
        public_ids=public_ids,
        agreement_versions=quoted,
        snapshots=[
            decision_snapshot(
                request=public_id,
                purpose=purpose,
                client=send.client,
                practice=practice,
                agreement=version or agreement,
                agreement_version=agreement.version if agreement else None,
                recommendations=send.subjects,
                first_presented=presented,
                language=language_code(send.signatory.language),
            )
            for public_id, send, version, agreement in zip(
                public_ids, sends, quoted, (agreements.get(send.client.pk) for send in sends), strict=True
            )
        ],
    )
    for send, request in zip(sends, created, strict=True):
        email_enqueue(
            idempotency_key=f"request:{request.public_id}:link",
            kind="decision_request",
            to=[send.signatory.email],
            subject=_decision_subject(
                count=len(send.subjects), client_name=send.client.name, language=request.language
            ),
            language=request.language,
            template="decision_request",
            context={
                "signatory_name": send.signatory.name,
                "client_name": send.client.name,
                "purpose": request.purpose,
                "message": send.message,
                "items": [
                    {"title": r.text_in(request.language)["title"], "level": r.level_label} for r in send.subjects
                ],
                "url": SIGNING_LINK,
                "expires_at": request.expires_at,
            },
            scope=send.client.scope,
            minters=[minter("signing_link", request=str(request.public_id))],
        )
    return created


def _decision_subject(*, count: int, client_name: str, language: str) -> str:
    with translation.override(language):
        return ngettext(
            "Your decision is needed: %(count)d security recommendation for %(client)s",
            "Your decision is needed: %(count)d security recommendations for %(client)s",
            count,
        ) % {"count": count, "client": client_name}


def _consent_subject(*, count: int, client_name: str, language: str) -> str:
    with translation.override(language):
        return ngettext(
            "Your consent is needed: installing %(count)d program on %(client)s’s computers",
            "Your consent is needed: installing %(count)d programs on %(client)s’s computers",
            count,
        ) % {"count": count, "client": client_name}


def _requests_create(
    *,
    actor: User | None,
    actor_label: str | None,
    origin: StepOrigin | None,
    purpose: str,
    sends: list[Send],
    public_ids: list[uuid.UUID],
    snapshots: list[dict[str, Any]],
    agreement_versions: list[AgreementVersion | None],
) -> list[DecisionRequest]:
    """The requests, one item per recommendation or program, each with its frozen snapshot, and
    their audit events; the caller has checked what is sent and writes the emails."""
    now = timezone.now()
    expires_at = now + timedelta(days=PracticeProfile.load().request_valid_days)
    frozen = [canonical_json(snapshot) for snapshot in snapshots]
    # Each snapshot was taken in the language its request is sent in.
    requests = [
        DecisionRequest(
            public_id=public_id,
            client=send.client,
            signatory=send.signatory,
            purpose=purpose,
            message=send.message,
            # The hash of a token nobody holds: the link's real token is made when its email is sent.
            token_hash=token_hash(secrets.token_urlsafe(32)),
            snapshot=text,
            content_hash=snapshot_sha256(text),
            agreement_version=version,
            disclosure_version=DISCLOSURE_VERSION,
            language=snapshot["language"],
            created_by=actor,
            replaces=send.replaces,
            sent_at=now,
            expires_at=expires_at,
        )
        for public_id, send, text, snapshot, version in zip(
            public_ids, sends, frozen, snapshots, agreement_versions, strict=True
        )
    ]
    for request in requests:
        # The relations were checked (or just read) by the caller, the check constraints hold by
        # construction, and the unique public id and token hash are random: the database enforces
        # all of them anyway, and validating them here costs a query each, nine per request.
        request.full_clean(
            exclude=["client", "signatory", "created_by", "agreement_version"],
            validate_unique=False,
            validate_constraints=False,
        )
    DecisionRequest.objects.bulk_create(requests)
    RequestItem.objects.bulk_create(
        _request_item(request, position, subject)
        for request, send in zip(requests, sends, strict=True)
        for position, subject in enumerate(send.subjects, start=1)
    )
    audit_append_many(
        [
            {
                "actor": actor,
                "actor_label": actor_label,
                "event_type": EventType.REQUEST_SENT,
                "object_type": "decision_request",
                "object_id": str(request.public_id),
                "scope": send.client.scope,
                "summary": f"{request.get_purpose_display()} request sent for {len(send.subjects)} item(s)",
                "payload": {
                    "items": [str(subject.public_id) for subject in send.subjects],
                    "signatory": str(send.signatory.public_id),
                    "content_hash": request.content_hash,
                    "language": request.language,
                    "expires_at": request.expires_at.isoformat(),
                    "replaces": str(send.replaces.public_id) if send.replaces else None,
                    **(origin.payload() if origin else {}),
                },
            }
            for request, send in zip(requests, sends, strict=True)
        ]
    )
    webhook_events.requests_sent((request, send.subjects) for request, send in zip(requests, sends, strict=True))
    return requests


def _request_item(request: DecisionRequest, position: int, subject: Recommendation | Software) -> RequestItem:
    if isinstance(subject, Software):
        return RequestItem(request=request, position=position, software=subject)
    return RequestItem(
        request=request, position=position, recommendation=subject, content_version=subject.content_version
    )


def _check_consent_sendable(send: Send) -> None:
    _check_signatory(client=send.client, signatory=send.signatory)
    practice = PracticeProfile.load()
    if not practice.mailing_address.strip() or not (practice.email or practice.phone):
        raise SigningError(
            _(
                "Set the practice's mailing address and an email or phone number in the practice profile first: "
                "CASL requires them in every consent request."
            )
        )
    _check_subjects(
        sends=[send],
        allowed=sendable_software(send.client),
        field="software",
        empty_message=_("Choose at least one program to ask consent for."),
        foreign_message=_("Only this client's programs that are not removed and lack consent can be sent."),
    )


@transaction.atomic
def consent_request_send(
    *,
    actor: User | None,
    client: Client,
    signatory: Contact,
    software: list[Software],
    message: str = "",
    replaces: DecisionRequest | None = None,
    actor_label: str | None = None,
    origin: StepOrigin | None = None,
) -> DecisionRequest:
    """Ask the signatory for install consent (CASL) to one or more programs through the signing
    flow. The email's signing link and each program's withdrawal link are made when it is sent."""
    lock_client(client.pk)
    software = list(Software.objects.select_for_update().filter(pk__in=[s.pk for s in software]).order_by("name"))
    send = Send(client, signatory, software, message, replaces)
    _check_consent_sendable(send)
    practice = PracticeProfile.load()
    public_id = uuid.uuid4()
    language = language_code(signatory.language)
    [request] = _requests_create(
        actor=actor,
        actor_label=actor_label,
        origin=origin,
        purpose=Purpose.SOFTWARE_CONSENT,
        sends=[send],
        public_ids=[public_id],
        agreement_versions=[None],
        snapshots=[
            consent_snapshot(request=public_id, client=client, practice=practice, software=software, language=language)
        ],
    )
    items = []
    for position, program in enumerate(software, start=1):
        software_consent_record(
            software=program,
            status=Software.ConsentStatus.REQUESTED,
            request_id=str(request.public_id),
            actor=actor,
            actor_label=actor_label,
        )
        items.append(
            {
                "name": program.name,
                "publisher": program.publisher,
                "function_and_purpose": program.function_and_purpose,
                "disclosures": capability_disclosures(program, language),
                "withdrawal_url": withdrawal_link_placeholder(position),
            }
        )
    email_enqueue(
        idempotency_key=f"request:{request.public_id}:link",
        kind="consent_request",
        to=[signatory.email],
        subject=_consent_subject(count=len(software), client_name=client.name, language=language),
        language=language,
        template="consent_request",
        context={
            "signatory_name": signatory.name,
            "client_name": client.name,
            "message": message,
            "sought_because": sought_because(
                practice_name=practice.legal_name, client_name=client.name, language=language
            ),
            "items": items,
            "url": SIGNING_LINK,
            "expires_at": request.expires_at,
        },
        scope=client.scope,
        minters=[
            minter("signing_link", request=str(request.public_id)),
            minter(
                "withdrawal_links",
                issued_for=str(request.public_id),
                software=[str(program.public_id) for program in software],
                slot="request",
            ),
        ],
    )
    return request
