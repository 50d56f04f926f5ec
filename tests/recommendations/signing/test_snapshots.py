"""The frozen snapshot: exactly what the signer is shown, fixed at send and read from then on."""

import datetime
import hashlib
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import ServiceAgreement
from clients.services import agreement_update
from recommendations import signing
from recommendations.models import Recommendation
from recommendations.services import recommendation_transition
from recommendations.signing.content import DISCLOSURE, INTENT
from recommendations.signing.snapshot import SNAPSHOT_FORMAT, canonical_json
from riskreg.accounts.models import User
from tests.factories import ControlFactory, RecommendationFactory
from tests.recommendations.signing.test_consent import PRACTICE, casl_practice, make_program, send_consent
from tests.recommendations.signing.test_views_signer import sign_data
from tests.signing_helpers import latest_code, send_request, token_from_mail


def presented(client, owner, *, on: datetime.datetime, **fields) -> Recommendation:
    """A recommendation drafted by `owner` and presented to the client through the service, at `on`."""
    recommendation = RecommendationFactory(client=client, owner=owner, status="draft", **fields)
    with time_machine.travel(on, tick=False):
        return recommendation_transition(actor=owner, recommendation=recommendation, action="present")


PRESENTED_ON = datetime.datetime(2026, 3, 3, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sent(client_record, vcio):
    casl_practice()
    control = ControlFactory(code="IAM-MFA", title="Multi-factor authentication")
    mfa = presented(
        client_record,
        vcio,
        on=PRESENTED_ON,
        control=control,
        title="Multi-factor authentication",
        rationale="Your front desk was phished twice this year.",
        one_time_cost_cents=120000,
        likelihood=5,
        impact=5,
    )
    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[mfa]
    )
    return request, token_from_mail(request), mfa


@pytest.mark.django_db
def test_the_snapshot_holds_everything_the_signer_is_shown_and_its_hash_is_the_content_hash(sent, client_record, vcio):
    request, _, mfa = sent
    agreement = client_record.agreements.get()

    shown = json.loads(request.snapshot)

    assert request.content_hash == hashlib.sha256(request.snapshot.encode()).hexdigest()
    assert canonical_json(shown) == request.snapshot, "stored canonical: sorted keys, compact, UTF-8"
    assert (shown["format"], shown["request"], shown["purpose"]) == (
        SNAPSHOT_FORMAT,
        str(request.public_id),
        "decision",
    )
    assert shown["client"] == {"name": "Harbourview Clinic"}
    assert shown["practice"] == {**PRACTICE, "website": ""}
    assert shown["agreement"] == {
        "reference": "MSA-2026-001",
        "version": 1,
        "effective_date": agreement.effective_date.isoformat(),
        "renewal_date": None,
        "scope": agreement.scope,
        "responsibilities": agreement.responsibilities,
        "exclusions": agreement.exclusions,
        "refusal_cadence_days": None,
    }
    [item] = shown["items"]
    english = {key: getattr(mfa, key) for key in ("title", "description", "why_it_matters", "consequences")}
    # No French texts written: the French reading falls back to English, but for the level's name.
    assert item.pop("texts") == {
        "en": {**english, "level_label": "Critical"},
        "fr-ca": {**english, "level_label": "Critique"},
    }
    assert item == {
        "position": 1,
        "id": str(mfa.public_id),
        "content_version": 1,
        "code": "IAM-MFA",
        "title": mfa.title,
        "description": mfa.description,
        "why_it_matters": mfa.why_it_matters,
        "rationale": "Your front desk was phished twice this year.",
        "consequences": mfa.consequences,
        "likelihood": 5,
        "impact": 5,
        "inherent_risk": 25,
        "level": "critical",
        "level_label": "Critical",
        "estimated_cost": "1200.00",
        "recurring_monthly_cost": None,
        "advisor": vcio.get_full_name(),
        "first_presented_on": "2026-03-03",
    }
    assert shown["language"] == "en"
    assert shown["disclosure"] == {
        "version": signing.DISCLOSURE_VERSION,
        "text": signing.CONSENT_TEXT,
        "texts": {"en": signing.CONSENT_TEXT, "fr-ca": DISCLOSURE.texts["fr-ca"]},
        "contact": PRACTICE,
    }
    assert shown["intent"] == {
        "version": signing.INTENT_VERSION,
        "text": signing.INTENT_TEXT,
        "texts": {"en": signing.INTENT_TEXT, "fr-ca": INTENT.texts["fr-ca"]},
    }
    assert (shown["quebec"], shown["english_choice_statement"], shown["english_choice"]) == (False, None, None)
    assert request.agreement_version == agreement.versions.get(number=1)


@pytest.mark.django_db
def test_a_consent_snapshot_holds_every_casl_disclosure(client_record, vcio):
    casl_practice()
    rmm = make_program(client_record, "Atlas RMM agent", allows_remote_access=True)

    request, _ = send_consent(client_record, vcio, [rmm])

    shown = json.loads(request.snapshot)
    assert shown["purpose"] == "software_consent" and "agreement" not in shown
    assert shown["sought_because"].startswith("Canada's Anti-Spam Legislation (CASL, section 8)")
    assert shown["items"][0]["name"] == "Atlas RMM agent"
    assert [d["label"] for d in shown["items"][0]["disclosures"]] == ["Allows remote access"]
    assert shown["intent"]["version"] == signing.CONSENT_INTENT_VERSION


@pytest.mark.django_db
def test_the_signer_pages_show_the_snapshot_not_the_live_rows(client, sent, client_record):
    request, token, mfa = sent
    # Changed behind the services' back, so nothing voids the request: the pages must not follow.
    Recommendation.objects.filter(pk=mfa.pk).update(title="Quietly reworded", rationale="Changed later.")
    ServiceAgreement.objects.filter(client=client_record).update(exclusions="Changed later.")

    start = client.get(reverse("sign:start", args=[token])).content.decode()
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    decide = client.get(reverse("sign:decide", args=[token])).content.decode()

    for page in (start, decide):
        assert "Multi-factor authentication" in page and "Quietly reworded" not in page
    assert "Your front desk was phished twice this year." in start and "Changed later." not in start
    assert "Losses arising from recommendations the client declined" in start
    assert "MSA-2026-001, version 1" in start


@pytest.mark.django_db
def test_staff_see_the_quoted_agreement_version_and_download_the_snapshot(vcio_client, sent, vcio, client_record):
    request, _, _ = sent
    agreement = client_record.agreements.get()
    agreement_update(actor=vcio, agreement=agreement, data={"exclusions": "Everything."})

    page = vcio_client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()
    download = vcio_client.get(reverse("signing:request_snapshot", args=[request.public_id]))

    version_url = reverse("clients:agreement_version", args=[agreement.public_id, 1])
    assert f'quoted <a href="{version_url}">service agreement MSA-2026-001, version 1</a>' in page
    assert download.content == request.snapshot.encode()
    assert hashlib.sha256(download.content).hexdigest() == request.content_hash


def _queries(client, method: str, url: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {200, 302}
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("items", [1, 4])
def test_the_signer_pages_query_counts_are_pinned_and_do_not_grow_with_items(client, client_record, vcio, items):
    titles = ("MFA", "Offsite backups", "EDR", "Patching")[:items]
    request, token, _ = send_request(client_record, vcio, titles=titles)
    start = reverse("sign:start", args=[token])

    first_view = _queries(client, "get", start)
    later_view = _queries(client, "get", start)
    client.post(reverse("sign:send_code", args=[token]))
    code_page = _queries(client, "get", reverse("sign:verify", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    decide_page = _queries(client, "get", reverse("sign:decide", args=[token]))
    data = sign_data(request)
    decide_post = _queries(client, "post", reverse("sign:decide", args=[token]), data)

    # The first view starts a session for the evidence (four statements to create, three to send it back)
    # and locks the client's row before it records the view (the lock order of every write about a client);
    # the POST writes one row per item (its decision is one INSERT, its move one UPDATE), and here the
    # signing moves the client's band: the rescore reads the old band and writes again (two statements),
    # and the request.signed and client.rescored webhook events each look up the subscribed endpoints.
    assert (first_view, later_view, code_page, decide_page, decide_post - items) == (16, 2, 4, 4, 21)


@pytest.mark.django_db
def test_the_first_presented_day_comes_from_the_audit_chain_not_the_status_date(client_record, vcio):
    mfa = presented(client_record, vcio, on=PRESENTED_ON, title="Multi-factor authentication")
    # Deferred and presented again later: the status date moves, the first presentation does not.
    with time_machine.travel(PRESENTED_ON + datetime.timedelta(days=20), tick=False):
        recommendation_transition(actor=vcio, recommendation=mfa, action="defer")
    with time_machine.travel(PRESENTED_ON + datetime.timedelta(days=40), tick=False):
        mfa = recommendation_transition(actor=vcio, recommendation=mfa, action="present")
    Recommendation.objects.filter(pk=mfa.pk).update(status_changed_at=PRESENTED_ON + datetime.timedelta(days=90))

    request = signing.decision_request_send(
        actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=[mfa]
    )

    [item] = json.loads(request.snapshot)["items"]
    assert item["first_presented_on"] == "2026-03-03"


@pytest.mark.django_db
def test_the_advisor_is_the_recommendations_owner_by_the_name_staff_pages_show(client_record, vcio):
    dana = User.objects.create_user(username="dana", first_name="Dana", last_name="Whitfield")
    nameless = User.objects.create_user(username="sam.k")
    by_dana = presented(client_record, dana, on=PRESENTED_ON, title="Offsite backups")
    by_sam = presented(client_record, nameless, on=PRESENTED_ON, title="Endpoint detection")
    unowned = RecommendationFactory(client=client_record, title="Patch cadence")

    request = signing.decision_request_send(
        actor=vcio,
        client=client_record,
        signatory=client_record.contacts.get(),
        recommendations=[by_dana, by_sam, unowned],
    )

    advisors = {item["title"]: item["advisor"] for item in json.loads(request.snapshot)["items"]}
    assert advisors == {"Offsite backups": "Dana Whitfield", "Endpoint detection": "sam.k", "Patch cadence": None}
    # No audit event presented it (made outside the services): no day is claimed.
    assert {item["title"]: item["first_presented_on"] for item in json.loads(request.snapshot)["items"]} == {
        "Offsite backups": "2026-03-03",
        "Endpoint detection": "2026-03-03",
        "Patch cadence": None,
    }


@pytest.mark.django_db
def test_the_first_presented_days_of_all_items_of_all_requests_are_read_in_one_query(client_record, vcio):
    recommendations = [
        presented(client_record, vcio, on=PRESENTED_ON + datetime.timedelta(days=n), title=f"Control {n}")
        for n in range(4)
    ]

    with CaptureQueriesContext(connection) as queries:
        request = signing.decision_request_send(
            actor=vcio, client=client_record, signatory=client_record.contacts.get(), recommendations=recommendations
        )

    presented_reads = [q["sql"] for q in queries if "recommendation.presented" in q["sql"]]
    assert len(presented_reads) == 1, presented_reads
    days = sorted(item["first_presented_on"] for item in json.loads(request.snapshot)["items"])
    assert days == ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
