"""The integrations pages in a real browser, at desktop (1366×900) and phone (390×844) width, under
the strict CSP, with axe-core: API tokens on the account page, the API docs, webhooks, CSV import."""

import re

import pytest
from playwright.sync_api import expect

from clients.models import Client
from riskreg.accounts.models import User
from riskreg.api_tokens.models import ApiToken
from riskreg.webhooks.models import WebhookDelivery
from tests.e2e.conftest import axe_violations
from tests.e2e.test_security import log_in
from tests.factories import ClientFactory, UserFactory
from tests.webhook_receiver import running_receiver

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def at_both_widths(page, screenshot, step: str) -> None:
    """Screenshot the current page at desktop and phone width; axe finds nothing serious at either."""
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"{step}-{name}")
        violations = axe_violations(page)
        assert violations == [], f"{step} at {name} width: {violations}"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{step} at {name} width scrolls sideways by {overflow}px"
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_a_vcio_creates_an_api_token_sees_it_once_uses_the_docs_and_revokes_it(page, screenshot):
    vera = UserFactory(username="vera", first_name="Vera", role=User.Role.VCIO)
    ClientFactory(name="Harbourview Clinic", vcio=vera)
    page.set_viewport_size(DESKTOP)
    log_in(page, "vera")

    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    at_both_widths(page, screenshot, "account-tokens")
    page.get_by_label("Name").fill("PSA sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", name="API token created")).to_be_visible()
    secret = page.get_by_label("Token").input_value()
    assert re.fullmatch(r"rr_[\w-]{43}", secret)
    at_both_widths(page, screenshot, "token-shown-once")
    page.get_by_role("link", name="I have copied it — continue").click()
    expect(page.get_by_role("cell", name="PSA sync", exact=True)).to_be_visible()
    assert secret not in page.content()

    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock-tag", has_text="clients").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/clients/").first).to_be_visible()
    at_both_widths(page, screenshot, "api-docs")
    # The docs fetch the schema with the session and send calls with the token only.
    listed = page.evaluate(
        "async (token) => (await (await fetch('/api/v1/clients/', "
        "{headers: {Authorization: 'Bearer ' + token}})).json())",
        secret,
    )
    assert [row["name"] for row in listed["results"]] == ["Harbourview Clinic"]

    page.goto("/accounts/")
    page.get_by_role("button", name="Revoke PSA sync").click()
    expect(page.get_by_text("API token “PSA sync” revoked")).to_be_visible()
    assert ApiToken.objects.get().revoked_at is not None
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_an_admin_registers_a_webhook_sends_a_test_event_and_reads_the_log(page, screenshot, settings):
    settings.RISKREG_WEBHOOK_ALLOW_PRIVATE = True
    UserFactory(username="ada", first_name="Ada", role=User.Role.ADMIN)
    page.set_viewport_size(DESKTOP)
    log_in(page, "ada")

    with running_receiver() as receiver:
        page.get_by_role("link", name="Integrations").click()
        at_both_widths(page, screenshot, "integrations-hub")
        page.get_by_role("link", name="Webhook endpoints").click()
        expect(page.get_by_text("No endpoints yet")).to_be_visible()
        at_both_widths(page, screenshot, "webhooks-empty")
        page.get_by_role("link", name="Register an endpoint").click()
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("PSA automation")
        page.get_by_label(re.compile(r"request\.signed —")).check()
        page.get_by_label(re.compile(r"refusal\.lapsed —")).check()
        at_both_widths(page, screenshot, "webhook-form")
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_role("heading", name="Endpoint registered")).to_be_visible()
        receiver.secret = page.get_by_label("Signing secret").input_value()
        assert receiver.secret.startswith("whsec_")
        at_both_widths(page, screenshot, "webhook-secret-once")
        page.get_by_role("link", name="I have copied it — continue").click()
        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_text("Test event queued")).to_be_visible()
        page.reload()
        expect(page.locator("td", has_text="ping")).to_be_visible()
        expect(page.get_by_text("Delivered").first).to_be_visible()
        at_both_widths(page, screenshot, "webhook-log")

        [post] = receiver.posts
        assert post.signature_ok and post.payload["type"] == "ping"
        page.get_by_role("link", name=re.compile(r"^\d{4}-\d{2}-\d{2}")).first.click()
        expect(page.get_by_role("heading", name="ping delivery")).to_be_visible()
        at_both_widths(page, screenshot, "webhook-delivery")
    assert WebhookDelivery.objects.get().status == "delivered"
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_manager_imports_a_psa_export_previews_it_and_applies_it(page, screenshot, tmp_path):
    UserFactory(username="morgan", first_name="Morgan", role=User.Role.MANAGER)
    UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    export = tmp_path / "autotask-organizations.csv"
    export.write_text(
        "Organization ID,Name,Type,Market Segment,Phone\n"
        "29683412,Harbourview Clinic,Customer,Medical,555-0100\n"
        "29683413,Northwind Legal,Customer,Legal,555-0101\n"
        "29683414,Blue Lead Inc,Lead,,555-0102\n"
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, "morgan")

    page.goto("/integrations/imports/")
    at_both_widths(page, screenshot, "import-upload")
    page.get_by_label("Exported from").select_option("autotask")
    page.get_by_label("Clients (companies)").check()
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_label("vCIO for new clients").select_option(label="Vera Castillo (vera)")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("button", name="Apply: create 2, update 0")).to_be_visible()
    expect(page.get_by_text("Type “Lead” is not a client.")).to_be_visible()
    at_both_widths(page, screenshot, "import-preview")
    assert not Client.objects.exists()

    page.get_by_role("button", name="Apply: create 2, update 0").click()
    expect(page.get_by_text("Applied")).to_be_visible()
    at_both_widths(page, screenshot, "import-applied")
    assert set(Client.objects.values_list("name", flat=True)) == {"Harbourview Clinic", "Northwind Legal"}
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_file_with_a_bad_row_shows_the_row_and_its_reason_and_cannot_be_applied(page, screenshot, tmp_path):
    UserFactory(username="morgan", role=User.Role.MANAGER)
    UserFactory(username="vera", first_name="Vera", last_name="Castillo", role=User.Role.VCIO)
    export = tmp_path / "clients.csv"
    export.write_text("external_id,name,industry\nA-1,Fine Ltd,retail\nA-2,Broken Ltd,fishing\n")
    log_in(page, "morgan")

    page.goto("/integrations/imports/")
    page.get_by_label("Exported from").select_option("riskreg")
    page.get_by_label("Clients (companies)").check()
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_label("vCIO for new clients").select_option(label="Vera Castillo (vera)")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("1 row cannot be imported")).to_be_visible()
    page.get_by_role("link", name="Error (1)").click()
    expect(page.get_by_text("“fishing” is not an industry")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Apply"))).to_have_count(0)
    at_both_widths(page, screenshot, "import-errors")
    assert not Client.objects.exists()
