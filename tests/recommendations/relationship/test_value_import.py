"""The RiskReg CSV layout carries what a client is worth: monthly recurring revenue and contract end."""

import datetime

import pytest

from clients.imports.services import ImportRefused
from clients.models import Client
from tests.clients.test_imports import apply, plan, state

HEADER = "external_id,name,industry,mrr,contract_end\n"


@pytest.mark.django_db
def test_the_import_records_revenue_in_cents_and_the_contract_end(vcio):
    apply("riskreg", "clients", HEADER + 'H-1,Harbourview Clinic,healthcare,"$1,250.50",2027-03-31\n', vcio)

    client = Client.objects.get(external_id="H-1")
    assert (client.monthly_recurring_revenue_cents, client.contract_ends_on) == (125_050, datetime.date(2027, 3, 31))

    # Empty cells leave the recorded value alone; a new amount replaces it.
    apply("riskreg", "clients", HEADER + "H-1,Harbourview Clinic,healthcare,1300,\n", vcio)
    client.refresh_from_db()
    assert (client.monthly_recurring_revenue_cents, client.contract_ends_on) == (130_000, datetime.date(2027, 3, 31))


@pytest.mark.django_db
def test_bad_amounts_and_dates_are_refused_with_a_message_and_nothing_is_imported(vcio):
    text = (
        HEADER
        + "A-1,Negative,retail,-5,\nA-2,Words,retail,lots,\nA-3,Fractions,retail,1.005,\nA-4,Date,retail,,31/03/2027\n"
    )
    before = state()

    with pytest.raises(ImportRefused, match="4 rows cannot be imported"):
        apply("riskreg", "clients", text, vcio)

    assert state() == before
    errors = {row.line: row.errors for row in plan("riskreg", "clients", text, vcio).errors}
    assert errors == {
        2: ["Monthly recurring revenue: “-5” is not an amount of 0 or more with at most two decimals."],
        3: ["Monthly recurring revenue: “lots” is not an amount such as 1250.00."],
        4: ["Monthly recurring revenue: “1.005” is not an amount of 0 or more with at most two decimals."],
        5: ["Contract end date: “31/03/2027” is not a date written YYYY-MM-DD."],
    }
