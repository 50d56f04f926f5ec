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

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from clients.imports import values
from clients.imports.layouts import Layout
from clients.models import Client

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


def chunked(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def locked(queryset: QuerySet, lock: bool) -> QuerySet:
    # In primary-key order, as every writer locks client rows (recommendations.services.lock_clients).
    return queryset.select_for_update().order_by("pk") if lock else queryset


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    return str(getattr(value, "username", value))


def diff(row: RowPlan, record: Any) -> None:
    for name, value in row.values.items():
        current = getattr(record, name)
        if current != value:
            row.changes[name] = (_display(current), _display(value))
    row.action = UPDATE if row.changes else UNCHANGED


# One whole sentence per checked column.
TOO_LONG = {
    "id": gettext_lazy("The id is longer than {limit} characters."),
    "name": gettext_lazy("The name is longer than {limit} characters."),
    "title": gettext_lazy("The title is longer than {limit} characters."),
    "phone number": gettext_lazy("The phone number is longer than {limit} characters."),
}


def check_length(row: RowPlan, value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        row.fail(str(TOO_LONG[what]).format(limit=limit))


def mark_duplicates(rows: list[RowPlan], key: Callable[[RowPlan], str | None], message: str) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in first_line:
            row.fail(message.format(line=first_line[value]))
        else:
            first_line[value] = row.line


def psa_active(cells: dict[str, str]) -> bool | None:
    if "inactive" in cells and cells["inactive"]:
        inactive = values.psa_active(cells["inactive"])
        return None if inactive is None else not inactive
    for name in ("status", "active"):
        if cells.get(name):
            return values.psa_active(cells[name])
    return None
