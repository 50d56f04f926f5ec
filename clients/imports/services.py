"""CSV import of clients and contacts: upload, check (the preview), apply.

The apply plans the file again under row locks and writes everything in one transaction, or
nothing: a file with any bad row is refused whole. Each record created or changed gets the same
audit event the client and contact services write (client.created, contact.updated, ...), and
the batch one `import.applied` event; a file that changes nothing writes nothing at all.
"""

import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from clients.imports.clients_plan import plan_clients
from clients.imports.contacts_plan import plan_contacts
from clients.imports.layouts import Layout, layout_for
from clients.imports.planning import CREATE, SENSITIVITY_FIELDS, UPDATE, Plan, Progress, RowPlan
from clients.imports.reading import decode, read_sheet
from clients.models import Client, Contact, ExternalSource, ImportBatch
from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append_many
from riskreg.audit.events import EventType
from riskreg.publish import registered_task, task_publish

PLANNERS = {"clients": plan_clients, "contacts": plan_contacts}

logger = logging.getLogger(__name__)
Status = ImportBatch.Status


class ImportRefused(ValidationError):
    """The file has bad rows (or cannot be read): nothing was written."""


def plan_file(
    *, layout: Layout, text: str, default_vcio: Any = None, lock: bool = False, progress: Progress | None = None
) -> Plan:
    sheet = read_sheet(text, layout)
    return PLANNERS[layout.kind](sheet, layout, default_vcio=default_vcio, lock=lock, progress=progress)


@dataclass(frozen=True)
class Applied:
    plan: Plan
    created: int
    updated: int


@transaction.atomic
def import_apply(
    *,
    actor: User | None,
    layout: Layout,
    text: str,
    default_vcio: Any = None,
    actor_label: str | None = None,
    batch_id: str = "",
) -> Applied:
    """Plan `text` again with the records it touches locked, then write every change in this
    transaction; raise ImportRefused (changing nothing) when any row is bad."""
    plan = plan_file(layout=layout, text=text, default_vcio=default_vcio, lock=True)
    if bad := plan.errors:
        raise ImportRefused(
            f"{len(bad)} row{'s' if len(bad) != 1 else ''} cannot be imported (first: line {bad[0].line}: "
            f"{bad[0].errors[0]}). Nothing was changed."
        )
    changes = plan.changes
    if not changes:
        return Applied(plan=plan, created=0, updated=0)
    writer = _write_clients if layout.kind == ImportBatch.Kind.CLIENTS else _write_contacts
    events = writer(changes, actor=actor, actor_label=actor_label, batch_id=batch_id)
    created = sum(row.action == CREATE for row in changes)
    events.append(
        {
            "actor": actor,
            "actor_label": actor_label,
            "event_type": EventType.IMPORT_APPLIED,
            "object_type": "import_batch",
            "object_id": batch_id or "command",
            "summary": f"CSV import of {layout.kind} from {ExternalSource(layout.source).label}: {created} created, "
            f"{len(changes) - created} updated",
            "payload": {
                "source": layout.source,
                "kind": layout.kind,
                "created": created,
                "updated": len(changes) - created,
            },
        }
    )
    audit_append_many(events)
    return Applied(plan=plan, created=created, updated=len(changes) - created)


def _event(row: RowPlan, record: Any, kind: str, actor: User | None, actor_label: str | None, batch_id: str) -> dict:
    scope = record.scope if kind == "client" else row.client.scope
    if row.action == CREATE:
        payload = (
            {"industry": record.industry, "service_tier": record.service_tier}
            if kind == "client"
            else {"can_sign": record.can_sign}
        )
        summary = (
            f"Client {record.name} created"
            if kind == "client"
            else "Contact added" + (" (signatory)" if record.can_sign else "")
        )
    else:
        # Field names only, as the services write: the chain is permanent and holds no personal data.
        payload = {"fields": sorted(row.changes)}
        summary = (f"Client {record.name} updated: " if kind == "client" else "Contact updated: ") + ", ".join(
            sorted(row.changes)
        )
    return {
        "actor": actor,
        "actor_label": actor_label,
        "event_type": f"{kind}.{'created' if row.action == CREATE else 'updated'}",
        "object_type": kind,
        "object_id": str(record.public_id),
        "scope": scope,
        "summary": summary,
        "payload": {**payload, "import": batch_id or "command"},
    }


def _write(
    model: type[Client] | type[Contact],
    rows: list[RowPlan],
    *,
    build,
    actor: User | None,
    actor_label: str | None,
    batch_id: str,
) -> tuple[list[dict], list[RowPlan]]:
    """Create the new records and save the changed fields of the others, a few statements for
    the whole file; returns each row's audit event, in file order, and the updated rows."""
    kind = model._meta.model_name
    new = [build(row) for row in rows if row.action == CREATE]
    for record in new:
        # Field checks only: the plan checked every relation and key with one query for the file.
        record.full_clean(exclude=["vcio", "client"], validate_unique=False, validate_constraints=False)
    model.objects.bulk_create(new, batch_size=500)
    updated = [row for row in rows if row.action == UPDATE]
    now = timezone.now()
    for row in updated:
        for name in row.changes:
            setattr(row.target, name, row.values[name])
        row.target.updated_at = now
    if updated:
        fields = sorted({name for row in updated for name in row.changes})
        model.objects.bulk_update([row.target for row in updated], [*fields, "updated_at"], batch_size=500)
    creates = iter(new)
    events = [
        _event(row, next(creates) if row.action == CREATE else row.target, kind, actor, actor_label, batch_id)
        for row in rows
    ]
    return events, updated


def _write_clients(rows: list[RowPlan], **who: Any) -> list[dict]:
    events, updated = _write(Client, rows, build=lambda row: Client(**row.values), **who)
    rescore = import_string(settings.RISKREG_CLIENT_RESCORE)
    for row in updated:
        if SENSITIVITY_FIELDS.intersection(row.changes):
            rescore(client=row.target)
    return events


def _write_contacts(rows: list[RowPlan], **who: Any) -> list[dict]:
    return _write(Contact, rows, build=lambda row: Contact(client=row.client, **row.values), **who)[0]


# --- batches (the web pages) --------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(
    *, actor: User | None, source: str, kind: str, filename: str, raw: bytes, default_vcio: Any = None
) -> ImportBatch:
    """Store an uploaded file and queue its check. An unreadable file, or one that is not of the
    chosen layout, is a ValidationError and nothing is stored."""
    layout = layout_for(source, kind)
    text = decode(raw)
    sheet = read_sheet(text, layout)
    batch = ImportBatch(
        source=source,
        kind=kind,
        filename=filename[:255],
        content=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        default_vcio=default_vcio,
        rows_total=len(sheet.rows),
        created_by=actor,
    )
    batch.full_clean(exclude=["created_by", "default_vcio"])
    batch.save()
    # The worker has no request: it writes the preview's row messages in the uploader's language.
    transaction.on_commit(partial(_publish, "check_import", batch.pk, translation.get_language()))
    return batch


def _publish(task_name: str, batch_id: int, *args: Any) -> None:
    task = registered_task(f"clients.tasks.{task_name}")
    if not task_publish(task, batch_id, *args, logger=logger, on_failure=f"Import {batch_id}: {task_name} not queued."):
        # No broker: do the work in this process rather than leave the upload waiting for ever.
        task.apply(args=[batch_id, *args])


def import_batch_check(*, batch_id: int, language: str | None = None) -> ImportBatch | None:
    """Make the preview of a queued batch, recording progress as it goes, its messages in
    `language` (None: the active one). Claimed first, so a redelivered task does nothing; None
    when another run has it."""
    with translation.override(language) if language else nullcontext():
        return _batch_check(batch_id)


def _batch_check(batch_id: int) -> ImportBatch | None:
    if not ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(status=Status.CHECKING, rows_done=0):
        return None
    batch = ImportBatch.objects.select_related("default_vcio").get(pk=batch_id)

    def progress(done: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done)

    try:
        plan = plan_file(
            layout=layout_for(batch.source, batch.kind),
            text=batch.content,
            default_vcio=batch.default_vcio,
            progress=progress,
        )
    except ValidationError as error:
        ImportBatch.objects.filter(pk=batch_id).update(status=Status.FAILED, error=" ".join(error.messages))
        return None
    _store_plan(batch, plan, status=Status.CHECKED)
    return batch


def _store_plan(batch: ImportBatch, plan: Plan, *, status: str, error: str = "") -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        rows=[row.as_json() for row in plan.rows],
        counts=plan.counts,
        rows_done=len(plan.rows),
        rows_total=len(plan.rows),
        checked_at=timezone.now(),
        error=error,
    )


def _kept_rows(plan: Plan, kind: str) -> list[dict[str, Any]]:
    """The applied preview to keep: for contacts, what each row did and which fields changed, without
    the names, emails and phone numbers (an erased contact must not live on in an old import)."""
    rows = [row.as_json() for row in plan.rows]
    if kind == ImportBatch.Kind.CONTACTS:
        for row in rows:
            row["label"] = "(contact)"
            row["changes"] = {name: ["…", "…"] for name in row["changes"]}
    return rows


@transaction.atomic
def import_batch_discard(*, batch: ImportBatch) -> None:
    """Throw an upload away unless it is being applied (then it is the apply's to finish)."""
    if not ImportBatch.objects.filter(pk=batch.pk).exclude(status=Status.APPLYING).delete()[0]:
        raise ValidationError(_("This import is being applied; it cannot be discarded now."))


@transaction.atomic
def import_batch_start_apply(*, actor: User | None, batch: ImportBatch) -> None:
    """Queue the apply of a checked batch without errors; it runs in the background."""
    if batch.counts.get("error"):
        raise ValidationError(
            _("Fix the rows with errors and upload the file again: nothing is applied while any fails.")
        )
    if not batch.counts.get("create") and not batch.counts.get("update"):
        raise ValidationError(_("Nothing to apply: every row is unchanged or skipped."))
    if not ImportBatch.objects.filter(pk=batch.pk, status=Status.CHECKED).update(status=Status.APPLYING):
        raise ValidationError(_("This import is not waiting to be applied."))
    transaction.on_commit(partial(_publish, "apply_import", batch.pk, actor.pk, translation.get_language()))


def import_batch_apply(*, batch_id: int, actor: User | None, language: str | None = None) -> ImportBatch | None:
    """Apply a batch whose apply was started; a redelivered task finds it applied and does nothing.
    A refreshed preview's messages are in `language` (None: the active one)."""
    with translation.override(language) if language else nullcontext():
        return _batch_apply(batch_id, actor)


def _batch_apply(batch_id: int, actor: User | None) -> ImportBatch | None:
    batch = ImportBatch.objects.select_related("default_vcio").filter(pk=batch_id, status=Status.APPLYING).first()
    if batch is None:
        return None
    layout = layout_for(batch.source, batch.kind)
    try:
        # The batch is marked applied in the same transaction as the records, so a worker dying
        # after the commit leaves nothing to apply twice.
        with transaction.atomic():
            applied = import_apply(
                actor=actor,
                layout=layout,
                text=batch.content,
                default_vcio=batch.default_vcio,
                batch_id=str(batch.public_id),
            )
            ImportBatch.objects.filter(pk=batch_id, status=Status.APPLYING).update(
                status=Status.APPLIED,
                applied_at=timezone.now(),
                counts=applied.plan.counts,
                rows=_kept_rows(applied.plan, batch.kind),
                # The file held contacts' personal data; once applied it is in the records, where erasure
                # reaches it, and the copy here is dropped.
                content="",
            )
    except ValidationError as error:
        # The records changed since the check and some row fails now: back to a refreshed preview.
        plan = plan_file(layout=layout, text=batch.content, default_vcio=batch.default_vcio)
        _store_plan(batch, plan, status=Status.CHECKED, error=" ".join(error.messages))
        return batch
    except Exception as error:
        logger.exception("Import %s failed while applying", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=Status.FAILED,
            error=_("The apply failed ({error}); nothing was changed. Upload the file again.").format(
                error=type(error).__name__
            ),
        )
        raise
    return batch
