"""The CSV layouts RiskReg reads: one per source system and kind of record.

A header matches a field when it equals one of the field's aliases ignoring case, spaces and
punctuation ("Company ID", "company_id" and "CompanyID" are the same). The first alias present
in the file wins. Columns RiskReg does not use are ignored, so a full export can be uploaded as
it is. Where a layout rests on an assumption rather than on the vendor's documentation, its
`assumption` says so; the README prints both.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from clients.models import ExternalSource, ImportBatch

Kind = ImportBatch.Kind


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]  # normalised
    required: bool = False
    label: str = ""  # the first header name, as the source writes it


@dataclass(frozen=True)
class Layout:
    source: str
    kind: str
    columns: tuple[Column, ...]
    documented: str
    assumption: str = ""
    # Rows whose company type is given and is not one of these are skipped (vendors, prospects).
    client_types: frozenset[str] | None = None

    @property
    def title(self) -> str:
        return f"{ExternalSource(self.source).label}: {Kind(self.kind).label.lower()}"


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _c(field: str, *aliases: str, required: bool = False) -> Column:
    return Column(field, tuple(dict.fromkeys(normalise(alias) for alias in aliases)), required, aliases[0])


# Contacts: the person's name as one column or as first and last name; their company by the
# company's id in the same source or, failing that, by its name.
def _contact_columns(*, contact_id: tuple[str, ...], company_id: tuple[str, ...], company_name: tuple[str, ...]):
    return (
        _c("external_id", *contact_id),
        _c("company_id", *company_id),
        _c("company_name", *company_name),
        _c("name", "Name", "Full Name", "Contact Name", "Contact"),
        _c("first_name", "First Name", "FirstName", "Given Name"),
        _c("last_name", "Last Name", "LastName", "Surname"),
        _c("title", "Title", "Job Title", "Position"),
        _c("email", "Email", "Email Address", "Default Email", "Primary Email", "E-mail", "emailaddress"),
        _c("phone", "Phone", "Direct Phone", "Default Phone", "Phone Number", "Telephone", "phonenumber_preferred"),
        _c("can_sign", "Can Sign", "Authorised Signatory", "Authorized Signatory", "Signatory"),
        _c("inactive", "Inactive", "Inactive Flag"),
        _c("active", "Active", "Status"),
    )


LAYOUTS: dict[tuple[str, str], Layout] = {
    (layout.source, layout.kind): layout
    for layout in (
        Layout(
            ExternalSource.CONNECTWISE,
            Kind.CLIENTS,
            (
                _c("external_id", "Company ID", "Company Identifier", "Identifier", required=True),
                _c("name", "Company Name", "Company", "Name", required=True),
                _c("type", "Type", "Company Type"),
                _c("status", "Status", "Company Status"),
                _c("industry", "Market", "Industry", "Vertical"),
                _c("vcio", "Account Manager", "Territory Manager", "vCIO"),
            ),
            documented=_(
                "Companies list (Companies > Companies, Export): Company Name, Company ID, Type, Status, "
                "Market; column names as ConnectWise PSA shows them in its company list view and API (identifier)."
            ),
            assumption=_("“Account Manager” is a custom list-view column; Type values other than Client are skipped."),
            client_types=frozenset({"client", "customer"}),
        ),
        Layout(
            ExternalSource.CONNECTWISE,
            Kind.CONTACTS,
            _contact_columns(
                contact_id=("Contact RecID", "Contact ID", "RecID", "ID"),
                company_id=("Company ID", "Company Identifier"),
                company_name=("Company", "Company Name"),
            ),
            documented=_(
                "Contacts list (Companies > Contacts, Export): First Name, Last Name, Company, Title, Email, Phone."
            ),
            assumption=_(
                "The contact list export carries no contact id unless the RecID column is added to the "
                "view; without it a contact's id is its Company ID and email address. Company ID must be added to "
                "the view, or contacts are matched to clients by company name."
            ),
        ),
        Layout(
            ExternalSource.AUTOTASK,
            Kind.CLIENTS,
            (
                _c("external_id", "Organization ID", "Account ID", "Company ID", "ID", required=True),
                _c("name", "Name", "Organization Name", "Account Name", "Company Name", required=True),
                _c("type", "Type", "Organization Type", "Account Type", "Company Type"),
                _c("active", "Active", "Status"),
                _c("industry", "Market Segment", "Classification", "Industry"),
                _c("vcio", "Owner", "Organization Owner", "Account Manager"),
            ),
            documented=_(
                "Organizations exported “In Import Template Format” (CRM > Search > Organizations > "
                "Export): Organization ID, Name, Number, Address 1, City, Phone, ... (Autotask help: Populating "
                "the Organization import template)."
            ),
            assumption=_(
                "Type, Market Segment and Owner columns as Autotask names them in organization searches; "
                "older instances say Account instead of Organization. Types other than Customer are skipped."
            ),
            client_types=frozenset({"customer", "client"}),
        ),
        Layout(
            ExternalSource.AUTOTASK,
            Kind.CONTACTS,
            _contact_columns(
                contact_id=("Contact ID", "ID"),
                company_id=("Organization ID", "Account ID", "Company ID"),
                company_name=("Organization Name", "Account Name", "Organization", "Company Name"),
            ),
            documented=_(
                "Contacts exported “In Import Template Format” (CRM > Search > Contacts > Export): "
                "Organization ID, Organization Name, Contact ID, First Name, Last Name, Email Address, Title, Phone, "
                "Active (Autotask help: Populating the Contact import template)."
            ),
        ),
        Layout(
            ExternalSource.HALOPSA,
            Kind.CLIENTS,
            (
                _c("external_id", "Client ID", "ID", required=True),
                _c("name", "Client Name", "Name", "Client", required=True),
                _c("inactive", "Inactive", "Is Inactive"),
                _c("industry", "Industry", "Client Type", "Sector"),
                _c("vcio", "Account Manager", "Account Manager Name"),
            ),
            documented=_(
                "Clients list exported to CSV (Customers > Clients, Export), or the client import "
                "spreadsheet's columns (Halo guide: Client, Sites & Users Import — CSV/XLS/Spreadsheet Method)."
            ),
            assumption=_(
                "Column titles follow Halo's client fields (id, name, inactive); add the ID column to the "
                "list view before exporting."
            ),
        ),
        Layout(
            ExternalSource.HALOPSA,
            Kind.CONTACTS,
            _contact_columns(
                contact_id=("User ID", "ID"),
                company_id=("Client ID",),
                company_name=("Client Name", "Client"),
            ),
            documented=_(
                "Users list exported to CSV (Customers > Users, Export): Name, Email Address, Client, "
                "Job Title, Phone (Halo guide: User XLS template fields)."
            ),
            assumption=_("Column titles follow Halo's user fields (id, name, emailaddress, client_id, jobtitle)."),
        ),
        Layout(
            ExternalSource.RISKREG,
            Kind.CLIENTS,
            (
                _c("external_id", "external_id", required=True),
                _c("name", "name", required=True),
                _c("industry", "industry"),
                _c("service_tier", "service_tier"),
                _c("status", "status"),
                _c("vcio", "vcio"),
                _c("holds_health_data", "health"),
                _c("holds_payment_card_data", "payment_card"),
                _c("holds_personal_data", "personal"),
                _c("holds_legal_privilege", "legal_privilege"),
                _c("holds_financial_data", "financial"),
                _c("notes", "notes"),
                _c("mrr", "mrr", "monthly_recurring_revenue"),
                _c("contract_end", "contract_end", "contract_ends_on"),
            ),
            documented=_(
                "RiskReg's own layout (README, “CSV import”): industry, service_tier and status take the "
                "values the client form offers; vcio a username or email; the data columns yes or no; mrr an amount "
                "(1250.00) and contract_end a date (YYYY-MM-DD)."
            ),
        ),
        Layout(
            ExternalSource.RISKREG,
            Kind.CONTACTS,
            (
                _c("external_id", "external_id"),
                _c("company_id", "client_external_id"),
                _c("company_name", "client_name"),
                _c("name", "name"),
                _c("title", "title"),
                _c("email", "email"),
                _c("phone", "phone"),
                _c("can_sign", "can_sign"),
                _c("active", "is_active"),
            ),
            documented=_(
                "RiskReg's own layout (README, “CSV import”): the client by its external_id in the same "
                "file family (client_external_id) or by its exact name."
            ),
        ),
    )
}


def layout_for(source: str, kind: str) -> Layout:
    try:
        return LAYOUTS[(source, kind)]
    except KeyError:
        raise ValueError(f"no CSV layout for {kind} from {source}") from None
