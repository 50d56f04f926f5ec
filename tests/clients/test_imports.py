"""CSV import of clients and contacts from PSA exports: preview, apply in one transaction, idempotent
by (source, external id), every bad row listed with its reason."""

import io
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from clients.imports.layouts import LAYOUTS, layout_for
from clients.imports.reading import read_sheet
from clients.imports.services import (
    ImportRefused,
    import_apply,
    import_batch_create,
    import_batch_start_apply,
    plan_file,
)
from clients.models import Client, Contact, ImportBatch
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.factories import ClientFactory, ContactFactory, RecommendationFactory

README = Path(__file__).resolve().parents[2] / "README.md"

# One small export per layout, as the source system writes it (extra columns included).
SAMPLES = {
    ("connectwise", "clients"): (
        "Company Name,Company ID,Status,Type,Market,Phone Number,City\n"
        "Harbourview Clinic,HARBOUR,Active,Client,Healthcare,555-0100,Halifax\n"
        "Northwind Legal,NORTHWIND,Active,Client,Legal Services,555-0101,Truro\n"
        "Acme Supplies,ACME,Active,Vendor,,555-0102,Moncton\n",
        {"create": 2, "skip": 1},
    ),
    ("connectwise", "contacts"): (
        "First Name,Last Name,Company,Company ID,Title,Email,Phone\n"
        "Hélène,Côté,Harbourview Clinic,HARBOUR,CEO,helene@harbourview.example,555-0110\n"
        "Front,Desk,Harbourview Clinic,HARBOUR,Reception,,555-0111\n",
        {"create": 1, "skip": 1},
    ),
    ("autotask", "clients"): (
        "Organization ID,Name,Number,Type,Address 1,City,Phone,Market Segment\n"
        "29683412,Harbourview Clinic,C-100,Customer,1 Water St,Halifax,555-0100,Medical\n"
        "29683413,Blue Lead Inc,C-101,Lead,2 Main St,Truro,555-0101,\n",
        {"create": 1, "skip": 1},
    ),
    ("autotask", "contacts"): (
        "Organization ID,Organization Name,Contact ID,First Name,Last Name,Email Address,Title,Phone,Active\n"
        "29683412,Harbourview Clinic,30001,Hélène,Côté,helene@harbourview.example,CEO,555-0110,Yes\n",
        {"create": 1},
    ),
    ("halopsa", "clients"): (
        "ID,Name,Inactive,Client Type\n12,Harbourview Clinic,False,Healthcare\n13,Old Client Co,True,\n",
        {"create": 2},
    ),
    ("halopsa", "contacts"): (
        "ID,Name,Email Address,Client ID,Client,Job Title,Phone Number\n"
        "501,Hélène Côté,helene@harbourview.example,12,Harbourview Clinic,CEO,555-0110\n",
        {"create": 1},
    ),
    ("riskreg", "clients"): (
        "external_id,name,industry,service_tier,status,vcio,health,payment_card,personal,legal_privilege,financial,notes\n"
        "H-1,Harbourview Clinic,healthcare,fully_managed,active,vera,yes,no,yes,no,no,Two sites\n",
        {"create": 1},
    ),
    ("riskreg", "contacts"): (
        "external_id,client_external_id,name,title,email,phone,can_sign,is_active\n"
        "P-1,H-1,Hélène Côté,CEO,helene@harbourview.example,555-0110,yes,yes\n",
        {"create": 1},
    ),
}
# The clients each contacts sample belongs to, as the companies import of that source leaves them.
COMPANY_IDS = {"connectwise": "HARBOUR", "autotask": "29683412", "halopsa": "12", "riskreg": "H-1"}


def apply(source: str, kind: str, text: str, vcio=None):
    return import_apply(actor=vcio, actor_label="test", layout=layout_for(source, kind), text=text, default_vcio=vcio)


def plan(source: str, kind: str, text: str, vcio=None):
    return plan_file(layout=layout_for(source, kind), text=text, default_vcio=vcio)


def state() -> tuple:
    return (
        list(
            Client.objects.order_by("pk").values_list("pk", "name", "industry", "status", "updated_at", "external_id")
        ),
        list(Contact.objects.order_by("pk").values_list("pk", "name", "email", "updated_at", "external_id")),
        AuditEvent.objects.count(),
    )


def test_every_layout_has_a_sample_and_a_readme_entry():
    assert set(SAMPLES) == set(LAYOUTS)
    readme = README.read_text()
    for layout in LAYOUTS.values():
        assert layout.title in readme, f"README's CSV import section lacks {layout.title!r}"


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "kind"), sorted(SAMPLES))
def test_each_layouts_export_imports_and_importing_it_again_changes_nothing(source, kind, vcio):
    text, expected = SAMPLES[(source, kind)]
    if kind == "contacts":
        ClientFactory(name="Harbourview Clinic", vcio=vcio, source=source, external_id=COMPANY_IDS[source])

    applied = apply(source, kind, text, vcio)
    after_first = state()
    again = apply(source, kind, text, vcio)

    assert {action: count for action, count in applied.plan.counts.items() if count} == expected
    assert (again.created, again.updated) == (0, 0)
    assert state() == after_first
    assert verify_chain().intact


@pytest.mark.django_db
def test_psa_values_map_to_riskregs_and_unknown_ones_change_nothing(vcio):
    apply("connectwise", "clients", SAMPLES[("connectwise", "clients")][0], vcio)
    apply("halopsa", "clients", "ID,Name,Inactive\n13,Old Client Co,True\n", vcio)

    harbour = Client.objects.get(source="connectwise", external_id="HARBOUR")
    assert (harbour.industry, harbour.status, harbour.vcio) == ("healthcare", "active", vcio)
    assert Client.objects.get(external_id="NORTHWIND").industry == "legal"
    assert Client.objects.get(source="halopsa", external_id="13").status == "former"
    assert not Client.objects.filter(name="Acme Supplies").exists()


@pytest.mark.django_db
def test_an_export_without_an_industry_column_keeps_the_industry_set_in_riskreg(vcio):
    apply("connectwise", "clients", "Company Name,Company ID\nHarbourview Clinic,HARBOUR\n", vcio)
    Client.objects.filter(external_id="HARBOUR").update(industry="finance")

    again = apply("connectwise", "clients", "Company Name,Company ID\nHarbourview Clinic,HARBOUR\n", vcio)

    assert again.plan.counts["unchanged"] == 1
    assert Client.objects.get(external_id="HARBOUR").industry == "finance"


@pytest.mark.django_db
def test_a_changed_row_updates_only_what_changed_with_one_audit_event(vcio):
    apply("riskreg", "clients", SAMPLES[("riskreg", "clients")][0], vcio)
    client = Client.objects.get()
    changed = SAMPLES[("riskreg", "clients")][0].replace("Two sites", "Three sites")

    applied = apply("riskreg", "clients", changed, vcio)

    [row] = applied.plan.rows
    assert (row.action, row.changes) == ("update", {"notes": ("Two sites", "Three sites")})
    event = AuditEvent.objects.filter(event_type="client.updated").get()
    assert event.object_id == str(client.public_id) and event.payload["fields"] == ["notes"]


@pytest.mark.django_db
def test_an_import_that_changes_a_clients_sensitivity_rescores_it(vcio):
    apply("riskreg", "clients", SAMPLES[("riskreg", "clients")][0], vcio)
    client = Client.objects.get()
    RecommendationFactory(client=client, status="presented", likelihood=4, impact=4)
    less_sensitive = (
        SAMPLES[("riskreg", "clients")][0].replace("healthcare", "retail").replace(",yes,no,yes", ",no,no,no")
    )
    from recommendations.services import client_rescore

    before = client_rescore(client=client).risk_score

    apply("riskreg", "clients", less_sensitive, vcio)

    client.refresh_from_db()
    assert client.industry == "retail"
    assert client.risk_score < before


@pytest.mark.django_db
def test_a_file_with_bad_rows_changes_nothing_and_lists_each_bad_row_with_its_reason(vcio):
    ClientFactory(name="Taken Name Ltd", vcio=vcio, source="autotask", external_id="999")
    text = (
        "external_id,name,industry,health\n"
        "A-1,Good Client,retail,no\n"
        ",No Id Inc,retail,no\n"
        "A-3,,retail,no\n"
        "A-4,Bad Industry,fishing,no\n"
        "A-5,Bad Flag,retail,maybe\n"
        "A-1,Duplicate Id,retail,no\n"
        "A-7,Taken Name Ltd,retail,no\n"
    )
    before = state()

    with pytest.raises(ImportRefused, match="6 rows cannot be imported"):
        apply("riskreg", "clients", text, vcio)

    assert state() == before
    errors = {row.line: row.errors for row in plan("riskreg", "clients", text, vcio).errors}
    assert errors == {
        3: ["No id: every row needs the company's id in the source system."],
        4: ["No company name."],
        5: ["Industry: “fishing” is not an industry (use one of: " + ", ".join(Client.Industry.values) + ")."],
        6: ["Health information: “maybe” is not yes or no."],
        7: ["The same id as line 2."],
        8: ["A client named “Taken Name Ltd” already exists with another id (Datto Autotask 999)."],
    }


@pytest.mark.django_db
def test_a_client_typed_in_by_hand_is_linked_by_its_name_not_duplicated(vcio):
    typed = ClientFactory(name="Harbourview Clinic", vcio=vcio)

    applied = apply("autotask", "clients", SAMPLES[("autotask", "clients")][0], vcio)

    [row] = [row for row in applied.plan.rows if row.action != "skip"]
    assert row.action == "update" and "Links the existing client" in row.notes[0]
    typed.refresh_from_db()
    assert (typed.source, typed.external_id, typed.industry) == ("autotask", "29683412", "healthcare")
    assert Client.objects.count() == 1


@pytest.mark.django_db
def test_contacts_need_their_company_imported_first_and_say_so(vcio):
    text = SAMPLES[("autotask", "contacts")][0]

    rows = plan("autotask", "contacts", text, vcio).rows

    assert rows[0].errors == ["No client for company “29683412” from Datto Autotask: import the companies first."]


@pytest.mark.django_db
def test_an_erased_contact_is_not_imported_again(vcio, client_record):
    Client.objects.filter(pk=client_record.pk).update(source="autotask", external_id="29683412")
    erased = ContactFactory(client=client_record, source="autotask", external_id="30001", email="gone@example.com")
    Contact.objects.filter(pk=erased.pk).update(erased_at=timezone.now(), name="Erased contact")

    applied = apply("autotask", "contacts", SAMPLES[("autotask", "contacts")][0], vcio)

    assert applied.plan.rows[0].action == "skip"
    assert "erased" in applied.plan.rows[0].notes[0]
    erased.refresh_from_db()
    assert erased.name == "Erased contact"


@pytest.mark.django_db
def test_contact_rows_that_clash_are_errors(vcio, client_record):
    Client.objects.filter(pk=client_record.pk).update(source="riskreg", external_id="H-1")
    other = ClientFactory(vcio=vcio, source="riskreg", external_id="H-2")
    ContactFactory(client=other, source="riskreg", external_id="P-9", email="moved@example.com")
    text = (
        "external_id,client_external_id,name,email\n"
        "P-1,H-1,Ann,ann@example.com\n"
        "P-2,H-1,Ann Again,ANN@example.com\n"
        "P-9,H-1,Moved,moved@example.com\n"
        "P-4,H-1,Bad Mail,not-an-email\n"
    )

    errors = {row.line: row.errors for row in plan("riskreg", "contacts", text, vcio).errors}

    assert errors == {
        3: ["The same email as line 2."],
        4: ["In RiskReg this contact belongs to another client; contacts do not move between clients."],
        5: ["“not-an-email” is not an email address."],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,city\nX,Y\n", "has no “external_id” column"),
        ("external_id,name\n", "has a header but no rows"),
        ("", "no header row"),
    ],
)
def test_a_file_of_the_wrong_layout_is_refused_before_anything_else(text, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        read_sheet(text, layout_for("riskreg", "clients"))


def test_semicolons_tabs_and_a_byte_order_mark_are_read():
    from clients.imports.reading import decode

    for raw in (
        "\ufeffexternal_id;name\nA-1;Semicolon Ltd\n".encode(),
        b"external_id\tname\nA-1\tTab Ltd\n",
        "external_id,name\nA-1,Caf\xe9 Ltd\n".encode("cp1252"),
    ):
        sheet = read_sheet(decode(raw), layout_for("riskreg", "clients"))
        assert sheet.rows[0][1]["external_id"] == "A-1"
    assert sheet.rows[0][1]["name"] == "Café Ltd"


def big_file(count: int) -> str:
    rows = [f"{29000000 + n},Client {n:05d} Ltd,Customer,Medical,555-{n:04d}" for n in range(count)]
    return "Organization ID,Name,Type,Market Segment,Phone\n" + "\n".join(rows) + "\n"


@pytest.mark.django_db
def test_two_thousand_clients_import_within_ten_seconds_and_again_change_nothing(vcio):
    text = big_file(2000)

    started = time.perf_counter()
    applied = apply("autotask", "clients", text, vcio)
    took = time.perf_counter() - started
    after = state()
    again = apply("autotask", "clients", text, vcio)

    assert applied.created == 2000
    assert took <= 10, f"the import took {took:.1f} s"
    assert (again.created, again.updated) == (0, 0) and state() == after
    assert AuditEvent.objects.filter(event_type="client.created").count() == 2000
    assert verify_chain().intact


def test_the_check_reports_its_progress_as_it_goes():
    from clients.imports.clients_plan import plan_clients

    seen: list[int] = []
    sheet = read_sheet(big_file(1200), layout_for("autotask", "clients"))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("clients.imports.clients_plan._existing_clients", lambda *args, **kwargs: ({}, {}))
        patch.setattr("clients.imports.clients_plan.get_user_model", _no_users)
        plan_clients(sheet, layout_for("autotask", "clients"), progress=seen.append)

    assert seen == [500, 1000, 1200]


def _no_users():
    class Users:
        class objects:  # noqa: N801 - mimics a manager
            @staticmethod
            def filter(**kwargs):
                return []

    return Users


# --- the pages ---------------------------------------------------------------------------------------


def upload(browser, content: bytes, *, source: str, vcio, name: str = "export.csv"):
    """POST the upload form, as the page does."""
    file = io.BytesIO(content)
    file.name = name
    return browser.post(
        reverse("imports:list"), {"source": source, "kind": "clients", "file": file, "default_vcio": vcio.pk}
    )


@pytest.mark.django_db
def test_a_manager_uploads_previews_and_applies(manager_client, vcio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            manager_client, SAMPLES[("connectwise", "clients")][0].encode(), source="connectwise", vcio=vcio
        )
    batch = ImportBatch.objects.get()
    preview = manager_client.get(response["Location"])

    assert batch.status == "checked" and batch.counts["create"] == 2
    assert "Apply: create 2, update 0" in preview.content.decode()
    assert "Type “Vendor” is not a client." in preview.content.decode()
    assert not Client.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("imports:apply", args=[batch.public_id]))

    batch.refresh_from_db()
    assert batch.status == "applied"
    assert Client.objects.count() == 2
    event = AuditEvent.objects.get(event_type="import.applied")
    assert event.object_id == str(batch.public_id) and event.payload["created"] == 2
    assert AuditEvent.objects.filter(event_type="client.created", payload__import=str(batch.public_id)).count() == 2


@pytest.mark.django_db
def test_a_file_with_bad_rows_cannot_be_applied_from_the_page(manager_client, vcio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            manager_client,
            b"external_id,name,industry\nA-1,Fine,retail\nA-2,Broken,fishing\n",
            source="riskreg",
            vcio=vcio,
        )
    batch = ImportBatch.objects.get()

    page = manager_client.get(reverse("imports:detail", args=[batch.public_id]) + "?show=error").content.decode()
    refused = manager_client.post(reverse("imports:apply", args=[batch.public_id]), follow=True).content.decode()

    assert "1 row cannot be imported" in page and "“fishing” is not an industry" in page
    assert "nothing is applied while any fails" in refused
    assert not Client.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Company,City\nX,Y\n", "has no “Company ID” column"),
        (b"\x00\x01PK\x03\x04binary", "not a CSV text file"),
        (b"", "The submitted file is empty"),
    ],
)
def test_an_unreadable_upload_is_refused_on_the_form_and_nothing_is_stored(manager_client, vcio, content, message):
    response = upload(manager_client, content, source="connectwise", vcio=vcio)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_vcio_cannot_import(vcio_client):
    assert vcio_client.get(reverse("imports:list")).status_code == 403


# --- the command -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_checks_by_default_and_applies_with_apply(tmp_path, vcio):
    path = tmp_path / "companies.csv"
    path.write_text(SAMPLES[("connectwise", "clients")][0])
    out, err = io.StringIO(), io.StringIO()
    arguments = ["import_csv", str(path), "--source", "connectwise", "--kind", "clients", "--vcio", "vera"]

    call_command(*arguments, stdout=out, stderr=err)
    assert not Client.objects.exists()
    assert "2 create" in out.getvalue() and "line 4: skipped Acme Supplies" in out.getvalue()

    call_command(*arguments, "--apply", stdout=out, stderr=err)
    assert Client.objects.count() == 2
    assert "Applied: 2 created, 0 updated." in out.getvalue()
    assert "checked 3 rows" in err.getvalue()


@pytest.mark.django_db
def test_the_command_lists_bad_rows_and_exits_1(tmp_path, vcio):
    path = tmp_path / "bad.csv"
    path.write_text("external_id,name\nA-1,\n")
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_csv",
            str(path),
            "--source",
            "riskreg",
            "--kind",
            "clients",
            "--apply",
            stdout=out,
            stderr=io.StringIO(),
        )

    assert refused.value.returncode == 1
    assert "line 2: ERROR A-1: No company name." in out.getvalue()
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_an_applied_contact_import_keeps_no_personal_data_and_an_upload_can_be_discarded(
    manager_client, vcio, django_capture_on_commit_callbacks
):
    ClientFactory(name="Harbourview Clinic", vcio=vcio, source="autotask", external_id="29683412")
    text = SAMPLES[("autotask", "contacts")][0]
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(
            actor=vcio, source="autotask", kind="contacts", filename="c.csv", raw=text.encode(), default_vcio=None
        )
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_start_apply(actor=vcio, batch=ImportBatch.objects.get(pk=batch.pk))

    batch.refresh_from_db()
    assert batch.status == "applied" and batch.content == ""
    assert "helene" not in str(batch.rows).lower() and "Côté" not in str(batch.rows)
    assert Contact.objects.get(external_id="30001").email == "helene@harbourview.example"

    with django_capture_on_commit_callbacks(execute=True):
        other = import_batch_create(
            actor=vcio, source="autotask", kind="contacts", filename="again.csv", raw=text.encode()
        )
    response = manager_client.post(reverse("imports:discard", args=[other.public_id]))
    assert response.status_code == 302
    assert not ImportBatch.objects.filter(pk=other.pk).exists()
