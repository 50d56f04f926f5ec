"""Planning a clients import: each row's values read and matched to an existing client, or new."""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from clients.imports import values
from clients.imports.layouts import Layout
from clients.imports.planning import (
    CREATE,
    ERROR,
    FLAG_FIELDS,
    SKIP,
    Plan,
    Progress,
    RowPlan,
    check_length,
    chunked,
    diff,
    locked,
    mark_duplicates,
    psa_active,
)
from clients.imports.reading import Sheet
from clients.models import Client, ExternalSource

# --- clients --------------------------------------------------------------------------------------


def _client_values(row: RowPlan, cells: dict[str, str], layout: Layout, users: dict[str, Any]) -> None:
    strict = layout.source == ExternalSource.RISKREG
    row.values["name"] = row.label
    if "industry" in cells:
        try:
            chosen = (
                values.strict_choice(cells["industry"], Client.Industry.choices, "industry")
                if strict
                else values.industry(cells["industry"])
            )
        except ValueError as error:
            row.fail(_("Industry: {error}.").format(error=error))
        else:
            if chosen:
                row.values["industry"] = chosen
    if "service_tier" in cells:
        try:
            if tier := values.strict_choice(cells["service_tier"], Client.ServiceTier.choices, "service tier"):
                row.values["service_tier"] = tier
        except ValueError as error:
            row.fail(_("Service tier: {error}.").format(error=error))
    if strict and "status" in cells:
        try:
            if status := values.strict_choice(cells["status"], Client.Status.choices, "status"):
                row.values["status"] = status
        except ValueError as error:
            row.fail(_("Status: {error}.").format(error=error))
    else:
        active = psa_active(cells)
        if active is not None:
            row.values["status"] = Client.Status.ACTIVE if active else Client.Status.FORMER
    for flag in FLAG_FIELDS:
        if flag in cells:
            try:
                row.values[flag] = values.yes_no(cells[flag])
            except ValueError as error:
                row.fail(_("{field}: {error}.").format(field=Client._meta.get_field(flag).verbose_name, error=error))
    if cells.get("notes"):
        row.values["notes"] = cells["notes"]
    # What the client is worth: an empty cell leaves the recorded value alone.
    for column, name, parse in (
        ("mrr", "monthly_recurring_revenue_cents", values.money_cents),
        ("contract_end", "contract_ends_on", values.iso_date),
    ):
        try:
            parsed = parse(cells.get(column, ""))
        except ValueError as error:
            row.fail(_("{field}: {error}.").format(field=Client._meta.get_field(name).verbose_name, error=error))
        else:
            if parsed is not None:
                row.values[name] = parsed
    if cells.get("vcio"):
        user = users.get(cells["vcio"].lower())
        if user is not None:
            row.values["vcio"] = user
        elif strict:
            row.fail(_("vCIO: no active staff user with the username or email “{vcio}”.").format(vcio=cells["vcio"]))
        else:
            row.notes.append(
                _("“{vcio}” is not a RiskReg user; the default vCIO applies to new clients.").format(vcio=cells["vcio"])
            )


def _client_row(line: int, cells: dict[str, str], layout: Layout, users: dict[str, Any]) -> RowPlan:
    row = RowPlan(line=line, external_id=cells.get("external_id", ""), label=cells.get("name", ""))
    if not row.external_id:
        row.fail(_("No id: every row needs the company's id in the source system."))
    if not row.label:
        row.fail(_("No company name."))
    check_length(row, row.external_id, 100, "id")
    check_length(row, row.label, 200, "name")
    kind = cells.get("type", "").strip().lower()
    if layout.client_types is not None and kind and kind not in layout.client_types:
        row.skip(_("Type “{type}” is not a client.").format(type=cells["type"]))
        return row
    _client_values(row, cells, layout, users)
    return row


def plan_clients(
    sheet: Sheet, layout: Layout, *, default_vcio: Any = None, lock: bool = False, progress: Progress | None = None
) -> Plan:
    users = values.user_index(list(get_user_model().objects.filter(is_active=True)))
    rows = []
    for number, (line, cells) in enumerate(sheet.rows, start=1):
        rows.append(_client_row(line, cells, layout, users))
        if progress and number % 500 == 0:
            progress(number)
    active = [row for row in rows if row.action != SKIP]
    mark_duplicates(active, lambda row: row.external_id, _("The same id as line {line}."))
    mark_duplicates(active, lambda row: row.label.lower(), _("The same company name as line {line}."))
    by_key, by_name = _existing_clients(layout.source, active, lock=lock)
    for row in active:
        if row.action == ERROR:
            continue
        _match_client(row, layout, by_key, by_name, default_vcio)
    if progress:
        progress(len(rows))
    return Plan(layout=layout, rows=rows)


def _existing_clients(source: str, rows: list[RowPlan], *, lock: bool) -> tuple[dict[str, Client], dict[str, Client]]:
    ids = sorted({row.external_id for row in rows if row.external_id})
    names = sorted({row.label for row in rows if row.label})
    found: dict[int, Client] = {}
    for chunk in chunked(ids):
        found |= {c.pk: c for c in locked(Client.objects.filter(source=source, external_id__in=chunk), lock)}
    for chunk in chunked(names):
        found |= {c.pk: c for c in locked(Client.objects.filter(name__in=chunk), lock)}
    by_key = {client.external_id: client for client in found.values() if client.source == source}
    by_name = {client.name: client for client in found.values()}
    return by_key, by_name


def _match_client(
    row: RowPlan, layout: Layout, by_key: dict[str, Client], by_name: dict[str, Client], default_vcio: Any
) -> None:
    existing = by_key.get(row.external_id)
    same_name = by_name.get(row.label)
    if existing is None and same_name is not None:
        if same_name.external_id:
            row.fail(
                _("A client named “{name}” already exists with another id ({source} {id}).").format(
                    name=row.label, source=same_name.get_source_display(), id=same_name.external_id
                )
            )
            return
        existing = same_name
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.notes.append(_("Links the existing client of the same name to this id."))
    if existing is not None and same_name is not None and same_name.pk != existing.pk:
        row.fail(_("Renaming to “{name}” would clash with another client of that name.").format(name=row.label))
        return
    if existing is None:
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.values.setdefault("vcio", default_vcio)
        row.action = CREATE
        return
    row.target = existing
    diff(row, existing)
