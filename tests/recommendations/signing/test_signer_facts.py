"""What the signer's pages say about each recommendation and about the provider (issue 21, item
11): the advisor, the day it was first presented and the cost on the reading page and in each
item's full text, the provider's contact details under the e-sign disclosure, and a practice name
ending a sentence without a doubled full stop."""

import re

import pytest
from django.urls import reverse

from clients.models import PracticeProfile
from recommendations import signing
from riskreg.accounts.models import User
from tests.recommendations.documents.test_waiver_content import as_format_1
from tests.recommendations.signing.test_consent import casl_practice
from tests.recommendations.signing.test_snapshots import PRESENTED_ON, presented
from tests.recommendations.signing.test_views_signer import sign_data
from tests.signing_helpers import latest_code, token_from_mail


def visible_text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def sent(client_record, vcio):
    casl_practice()
    dana = User.objects.create_user(username="dana", first_name="Dana", last_name="Whitfield")
    recommendations = [
        presented(client_record, dana, on=PRESENTED_ON, title="Offsite backups", likelihood=5, impact=5),
        presented(client_record, dana, on=PRESENTED_ON, title="Endpoint detection", recurring_monthly_cost_cents=900),
    ]
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=recommendations
    )
    return request, token_from_mail(request)


def verified_decide_page(client, request, token) -> str:
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    return client.get(reverse("sign:decide", args=[token])).content.decode()


@pytest.mark.django_db
def test_the_reading_page_names_the_advisor_the_first_presented_day_and_the_cost(client, sent):
    request, token = sent

    text = visible_text(client.get(reverse("sign:start", args=[token])).content.decode())

    for title, cost in (("Offsite backups", "To be quoted"), ("Endpoint detection", "9.00 per month")):
        block = text[text.index(title) :]
        assert block.index("Estimated cost " + cost) < block.index("Recommended by Dana Whitfield")
        assert "First presented 3 March 2026" in block


@pytest.mark.django_db
def test_each_items_full_text_shows_the_same_facts_and_the_monthly_cost(client, sent):
    request, token = sent

    text = visible_text(verified_decide_page(client, request, token))

    assert text.count("Recommended by Dana Whitfield") == 2
    assert text.count("First presented 3 March 2026") == 2
    # A monthly-only cost was shown as "To be quoted" in the full text before.
    assert "Estimated cost 9.00 per month" in text
    assert "Estimated cost To be quoted" in text


@pytest.mark.django_db
def test_the_providers_contact_details_are_directly_under_the_disclosure(client, sent):
    request, token = sent

    text = visible_text(verified_decide_page(client, request, token))

    disclosure = " ".join(signing.CONSENT_TEXT.split())
    contact = (
        "Northwind Managed IT Inc. 200 Bay Street, Suite 1200 Toronto ON M5J 2J2 "
        "Email: consent@northwind.example Phone: +1 416 555 0100"
    )
    assert f"{disclosure} {contact} I agree to sign electronically" in text


@pytest.mark.django_db
def test_a_request_sent_before_these_facts_still_shows_and_signs(client, sent):
    request, token = sent
    as_format_1(request)

    page = verified_decide_page(client, request, token)
    response = client.post(reverse("sign:decide", args=[token]), sign_data(request))

    assert "Recommended by" not in page and 'id="provider-contact"' not in page
    assert "Estimated cost To be quoted" in visible_text(page)
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_practice_name_ending_in_a_full_stop_gets_no_second_one(client, sent):
    request, token = sent
    PracticeProfile.objects.update(legal_name="Your MSP Ltd.", email="")
    client.post(reverse("sign:decide", args=[token]), sign_data(request))  # not verified yet: refused
    verified_decide_page(client, request, token)
    client.post(reverse("sign:decide", args=[token]), sign_data(request))

    done = visible_text(client.get(reverse("sign:done", args=[request.public_id])).content.decode())
    lookup = visible_text(
        client.get(reverse("verify:page"), {"id": "RR-2026-999999", "sha256": "a" * 64}).content.decode()
    )

    PracticeProfile.objects.update(mailing_address="")
    withdraw = visible_text(client.get(reverse("clients:withdraw", args=["not-a-token"])).content.decode())

    assert "Contact Your MSP Ltd." in done
    assert "writing to Your MSP Ltd." in withdraw
    for page in (done, lookup, withdraw):
        assert "Ltd.." not in page
    assert "No document with this ID was issued by Your MSP Ltd." in lookup
