"""Planning a contacts import: each row matched to its client and to an existing contact, or new."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext

from clients.imports import values
from clients.imports.layouts import Layout
from clients.imports.planning import (
    CREATE,
    ERROR,
    SKIP,
    Plan,
    Progress,
    RowPlan,
    check_length,
    diff,
    locked,
    mark_duplicates,
    psa_active,
)
from clients.imports.reading import Sheet
from clients.models import Client, Contact, ExternalSource

# --- contacts -------------------------------------------------------------------------------------


def _contact_row(line: int, cells: dict[str, str], layout: Layout) -> RowPlan:
    name = cells.get("name") or " ".join(part for part in (cells.get("first_name"), cells.get("last_name")) if part)
    email = cells.get("email", "").strip().lower()
    company_id = cells.get("company_id", "")
    external_id = cells.get("external_id") or (f"{company_id}:{email}" if company_id and email else "")
    row = RowPlan(line=line, external_id=external_id, label=name or email)
    if not email:
        row.skip(gettext("No email address: a RiskReg contact needs one."))
        return row
    try:
        validate_email(email)
    except ValidationError:
        row.fail(gettext("“{email}” is not an email address.").format(email=cells["email"]))
    if not name:
        row.fail(gettext("No name."))
    if not company_id and not cells.get("company_name"):
        row.fail(gettext("No company: the row names no company id or company name."))
    if not external_id:
        row.fail(gettext("No id: the row has no contact id, and without a company id none can be made."))
    check_length(row, external_id, 100, "id")
    check_length(row, name, 200, "name")
    check_length(row, cells.get("title", ""), 200, "title")
    check_length(row, cells.get("phone", ""), 40, "phone number")
    row.values = {"name": name, "email": email}
    for column in ("title", "phone"):
        if column in cells:
            row.values[column] = cells[column]
    if "can_sign" in cells:
        try:
            row.values["can_sign"] = values.yes_no(cells["can_sign"])
        except ValueError as error:
            row.fail(gettext("Can sign: {error}.").format(error=error))
    active = psa_active(cells)
    if active is not None:
        row.values["is_active"] = active
    return row


def plan_contacts(
    sheet: Sheet, layout: Layout, *, lock: bool = False, progress: Progress | None = None, **_: Any
) -> Plan:
    parsed = [(_contact_row(line, cells, layout), cells) for line, cells in sheet.rows]
    rows = [row for row, _ in parsed]
    if progress:
        progress(len(rows) // 2)
    active = [(row, cells) for row, cells in parsed if row.action != SKIP]
    mark_duplicates(
        [row for row, _ in active], lambda row: row.external_id, gettext("The same contact id as line {line}.")
    )
    clients_by_id, clients_by_name = _clients_of_contacts(layout.source, active, lock=lock)
    for row, cells in active:
        row.client = clients_by_id.get(cells.get("company_id", "")) or clients_by_name.get(
            cells.get("company_name", "").lower()
        )
        company = cells.get("company_id") or cells.get("company_name")
        if row.client is None and company:
            source = ExternalSource(layout.source).label
            row.fail(
                gettext("No client for company “{company}” from {source}: import the companies first.").format(
                    company=company, source=source
                )
            )
    live = [row for row, _ in active if row.client is not None]
    mark_duplicates(
        live, lambda row: f"{row.client.pk}:{row.values.get('email')}", gettext("The same email as line {line}.")
    )
    by_key, by_email = _existing_contacts(layout.source, live, lock=lock)
    for row in live:
        if row.action != ERROR:
            _match_contact(row, layout, by_key, by_email)
    if progress:
        progress(len(rows))
    return Plan(layout=layout, rows=rows)


def _clients_of_contacts(
    source: str, rows: list[tuple[RowPlan, dict[str, str]]], *, lock: bool
) -> tuple[dict[str, Client], dict[str, Client]]:
    ids = sorted({cells["company_id"] for _, cells in rows if cells.get("company_id")})
    names = sorted({cells["company_name"] for _, cells in rows if cells.get("company_name")})
    query = Q(pk__in=[])
    if ids:
        query |= Q(source=source, external_id__in=ids)
    if names:
        query |= Q(name__in=names)
    clients = list(locked(Client.objects.filter(query), lock))
    by_id = {client.external_id: client for client in clients if client.source == source and client.external_id}
    by_name = {client.name.lower(): client for client in clients}
    return by_id, by_name


def _existing_contacts(
    source: str, rows: list[RowPlan], *, lock: bool
) -> tuple[dict[str, Contact], dict[tuple[int, str], Contact]]:
    ids = sorted({row.external_id for row in rows})
    client_ids = sorted({row.client.pk for row in rows})
    query = Q(source=source, external_id__in=ids) | Q(client_id__in=client_ids, erased_at__isnull=True)
    contacts = list(locked(Contact.objects.filter(query), lock))
    by_key = {contact.external_id: contact for contact in contacts if contact.source == source and contact.external_id}
    by_email = {
        (contact.client_id, contact.email.lower()): contact for contact in contacts if contact.erased_at is None
    }
    return by_key, by_email


def _match_contact(
    row: RowPlan, layout: Layout, by_key: dict[str, Contact], by_email: dict[tuple[int, str], Contact]
) -> None:
    existing = by_key.get(row.external_id)
    same_email = by_email.get((row.client.pk, row.values["email"]))
    if existing is not None and existing.erased_at is not None:
        row.skip(gettext("This contact's personal data was erased in RiskReg; it is not imported again."))
        return
    if existing is not None and existing.client_id != row.client.pk:
        row.fail(gettext("In RiskReg this contact belongs to another client; contacts do not move between clients."))
        return
    if existing is None and same_email is not None:
        if same_email.external_id:
            row.fail(
                gettext("{email} is already a contact of this client with another id.").format(
                    email=row.values["email"]
                )
            )
            return
        existing = same_email
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.notes.append(gettext("Links the existing contact with this email address to this id."))
    if existing is not None and same_email is not None and same_email.pk != existing.pk:
        row.fail(
            gettext("{email} is already the email of another contact of this client.").format(email=row.values["email"])
        )
        return
    if existing is None:
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.action = CREATE
        return
    row.target = existing
    diff(row, existing)
