"""What each row of a file would do: create, update, leave unchanged, skip (with the reason), or
fail (with every reason). The same plan is the preview and, made again under row locks, the
apply: a fixed number of queries for the whole file, none per row.

Matching, in order: the record with this source's external id; else, for a client, the client
of the same name that has no external id yet (it becomes linked); for a contact, the contact of
the same client and email address that has none. Only the columns present in the file are
compared, so an export without an industry column never resets the industries set in RiskReg.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet

from clients.imports import values
from clients.imports.layouts import Layout
from clients.imports.reading import Sheet
from clients.models import Client, Contact, ExternalSource

CREATE, UPDATE, UNCHANGED, SKIP, ERROR = "create", "update", "unchanged", "skip", "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, SKIP, ERROR)
LOOKUP_CHUNK = 2000
FLAG_FIELDS = (
    "holds_health_data",
    "holds_payment_card_data",
    "holds_personal_data",
    "holds_legal_privilege",
    "holds_financial_data",
)
# A change to these moves a client's sensitivity multiplier, so it is rescored.
SENSITIVITY_FIELDS = frozenset({"industry", *FLAG_FIELDS})
Progress = Callable[[int], None]


@dataclass
class RowPlan:
    line: int
    external_id: str
    label: str
    action: str = CREATE
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    target: Any = None
    client: Client | None = None  # a contact's client

    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.action = ERROR

    def skip(self, reason: str) -> None:
        self.notes.append(reason)
        self.action = SKIP

    def as_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "label": self.label,
            "external_id": self.external_id,
            "changes": {name: list(pair) for name, pair in self.changes.items()},
            "errors": self.errors,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Plan:
    layout: Layout
    rows: list[RowPlan]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.action for row in self.rows)
        return {action: counts.get(action, 0) for action in ACTIONS}

    @property
    def errors(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == ERROR]

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action in {CREATE, UPDATE}]


def _chunked(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def _locked(queryset: QuerySet, lock: bool) -> QuerySet:
    # In primary-key order, as every writer locks client rows (recommendations.services.lock_clients).
    return queryset.select_for_update().order_by("pk") if lock else queryset


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    return str(getattr(value, "username", value))


def _diff(row: RowPlan, record: Any) -> None:
    for name, value in row.values.items():
        current = getattr(record, name)
        if current != value:
            row.changes[name] = (_display(current), _display(value))
    row.action = UPDATE if row.changes else UNCHANGED


def _check_length(row: RowPlan, value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        row.fail(f"The {what} is longer than {limit} characters.")


def _mark_duplicates(rows: list[RowPlan], key: Callable[[RowPlan], str | None], message: str) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in first_line:
            row.fail(message.format(line=first_line[value]))
        else:
            first_line[value] = row.line


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
            row.fail(f"Industry: {error}.")
        else:
            if chosen:
                row.values["industry"] = chosen
    if "service_tier" in cells:
        try:
            if tier := values.strict_choice(cells["service_tier"], Client.ServiceTier.choices, "service tier"):
                row.values["service_tier"] = tier
        except ValueError as error:
            row.fail(f"Service tier: {error}.")
    if strict and "status" in cells:
        try:
            if status := values.strict_choice(cells["status"], Client.Status.choices, "status"):
                row.values["status"] = status
        except ValueError as error:
            row.fail(f"Status: {error}.")
    else:
        active = _psa_active(cells)
        if active is not None:
            row.values["status"] = Client.Status.ACTIVE if active else Client.Status.FORMER
    for flag in FLAG_FIELDS:
        if flag in cells:
            try:
                row.values[flag] = values.yes_no(cells[flag])
            except ValueError as error:
                row.fail(f"{Client._meta.get_field(flag).verbose_name}: {error}.")
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
            row.fail(f"{Client._meta.get_field(name).verbose_name}: {error}.")
        else:
            if parsed is not None:
                row.values[name] = parsed
    if cells.get("vcio"):
        user = users.get(cells["vcio"].lower())
        if user is not None:
            row.values["vcio"] = user
        elif strict:
            row.fail(f"vCIO: no active staff user with the username or email “{cells['vcio']}”.")
        else:
            row.notes.append(f"“{cells['vcio']}” is not a RiskReg user; the default vCIO applies to new clients.")


def _psa_active(cells: dict[str, str]) -> bool | None:
    if "inactive" in cells and cells["inactive"]:
        inactive = values.psa_active(cells["inactive"])
        return None if inactive is None else not inactive
    for name in ("status", "active"):
        if cells.get(name):
            return values.psa_active(cells[name])
    return None


def _client_row(line: int, cells: dict[str, str], layout: Layout, users: dict[str, Any]) -> RowPlan:
    row = RowPlan(line=line, external_id=cells.get("external_id", ""), label=cells.get("name", ""))
    if not row.external_id:
        row.fail("No id: every row needs the company's id in the source system.")
    if not row.label:
        row.fail("No company name.")
    _check_length(row, row.external_id, 100, "id")
    _check_length(row, row.label, 200, "name")
    kind = cells.get("type", "").strip().lower()
    if layout.client_types is not None and kind and kind not in layout.client_types:
        row.skip(f"Type “{cells['type']}” is not a client.")
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
    _mark_duplicates(active, lambda row: row.external_id, "The same id as line {line}.")
    _mark_duplicates(active, lambda row: row.label.lower(), "The same company name as line {line}.")
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
    for chunk in _chunked(ids):
        found |= {c.pk: c for c in _locked(Client.objects.filter(source=source, external_id__in=chunk), lock)}
    for chunk in _chunked(names):
        found |= {c.pk: c for c in _locked(Client.objects.filter(name__in=chunk), lock)}
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
                f"A client named “{row.label}” already exists with another id "
                f"({same_name.get_source_display()} {same_name.external_id})."
            )
            return
        existing = same_name
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.notes.append("Links the existing client of the same name to this id.")
    if existing is not None and same_name is not None and same_name.pk != existing.pk:
        row.fail(f"Renaming to “{row.label}” would clash with another client of that name.")
        return
    if existing is None:
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.values.setdefault("vcio", default_vcio)
        row.action = CREATE
        return
    row.target = existing
    _diff(row, existing)


# --- contacts -------------------------------------------------------------------------------------


def _contact_row(line: int, cells: dict[str, str], layout: Layout) -> RowPlan:
    name = cells.get("name") or " ".join(part for part in (cells.get("first_name"), cells.get("last_name")) if part)
    email = cells.get("email", "").strip().lower()
    company_id = cells.get("company_id", "")
    external_id = cells.get("external_id") or (f"{company_id}:{email}" if company_id and email else "")
    row = RowPlan(line=line, external_id=external_id, label=name or email)
    if not email:
        row.skip("No email address: a RiskReg contact needs one.")
        return row
    try:
        validate_email(email)
    except ValidationError:
        row.fail(f"“{cells['email']}” is not an email address.")
    if not name:
        row.fail("No name.")
    if not company_id and not cells.get("company_name"):
        row.fail("No company: the row names no company id or company name.")
    if not external_id:
        row.fail("No id: the row has no contact id, and without a company id none can be made.")
    _check_length(row, external_id, 100, "id")
    _check_length(row, name, 200, "name")
    _check_length(row, cells.get("title", ""), 200, "title")
    _check_length(row, cells.get("phone", ""), 40, "phone number")
    row.values = {"name": name, "email": email}
    for column in ("title", "phone"):
        if column in cells:
            row.values[column] = cells[column]
    if "can_sign" in cells:
        try:
            row.values["can_sign"] = values.yes_no(cells["can_sign"])
        except ValueError as error:
            row.fail(f"Can sign: {error}.")
    active = _psa_active(cells)
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
    _mark_duplicates([row for row, _ in active], lambda row: row.external_id, "The same contact id as line {line}.")
    clients_by_id, clients_by_name = _clients_of_contacts(layout.source, active, lock=lock)
    for row, cells in active:
        row.client = clients_by_id.get(cells.get("company_id", "")) or clients_by_name.get(
            cells.get("company_name", "").lower()
        )
        company = cells.get("company_id") or cells.get("company_name")
        if row.client is None and company:
            source = ExternalSource(layout.source).label
            row.fail(f"No client for company “{company}” from {source}: import the companies first.")
    live = [row for row, _ in active if row.client is not None]
    _mark_duplicates(live, lambda row: f"{row.client.pk}:{row.values.get('email')}", "The same email as line {line}.")
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
    clients = list(_locked(Client.objects.filter(query), lock))
    by_id = {client.external_id: client for client in clients if client.source == source and client.external_id}
    by_name = {client.name.lower(): client for client in clients}
    return by_id, by_name


def _existing_contacts(
    source: str, rows: list[RowPlan], *, lock: bool
) -> tuple[dict[str, Contact], dict[tuple[int, str], Contact]]:
    ids = sorted({row.external_id for row in rows})
    client_ids = sorted({row.client.pk for row in rows})
    query = Q(source=source, external_id__in=ids) | Q(client_id__in=client_ids, erased_at__isnull=True)
    contacts = list(_locked(Contact.objects.filter(query), lock))
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
        row.skip("This contact's personal data was erased in RiskReg; it is not imported again.")
        return
    if existing is not None and existing.client_id != row.client.pk:
        row.fail("In RiskReg this contact belongs to another client; contacts do not move between clients.")
        return
    if existing is None and same_email is not None:
        if same_email.external_id:
            row.fail(f"{row.values['email']} is already a contact of this client with another id.")
            return
        existing = same_email
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.notes.append("Links the existing contact with this email address to this id.")
    if existing is not None and same_email is not None and same_email.pk != existing.pk:
        row.fail(f"{row.values['email']} is already the email of another contact of this client.")
        return
    if existing is None:
        row.values |= {"source": layout.source, "external_id": row.external_id}
        row.action = CREATE
        return
    row.target = existing
    _diff(row, existing)


PLANNERS = {"clients": plan_clients, "contacts": plan_contacts}
