"""Evidence on every step of a signing: time, client address, browser and a session hash (SPEC section 8)."""

import hashlib

import pytest
from django.test import override_settings
from django.urls import reverse

from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from tests.recommendations.signing.test_views_signer import sign_data
from tests.signing_helpers import document_create, latest_code, send_request

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) RiskRegTest"
PROXY = "10.0.0.5"


def walk_signer_steps(client, request, token, **headers) -> None:
    """Every step a signer takes, from one browser: view, ask for a code, a wrong code, the right
    code, sign, download the signed copy."""
    client.get(reverse("sign:start", args=[token]), **headers)
    client.post(reverse("sign:send_code", args=[token]), **headers)
    code = latest_code(request)
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("sign:verify", args=[token]), {"code": wrong}, **headers)
    client.post(reverse("sign:verify", args=[token]), {"code": code}, **headers)
    client.post(reverse("sign:decide", args=[token]), sign_data(request), **headers)
    document_create(request)
    client.get(reverse("sign:document", args=[request.public_id]), **headers)


def _steps(request) -> dict[str, dict]:
    events = AuditEvent.objects.filter(object_id=str(request.public_id)).order_by("sequence")
    return {event.event_type: event.payload for event in events}


@pytest.mark.django_db
def test_every_signer_step_is_an_event_with_address_browser_and_session(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    walk_signer_steps(client, request, token, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")

    steps = _steps(request)
    signer_steps = [
        "request.viewed",
        "request.code_sent",
        "request.code_failed",
        "request.code_verified",
        "request.signed",
        "request.document_downloaded",
    ]
    assert [step for step in steps if step in signer_steps] == signer_steps
    session = hashlib.sha256(client.session.session_key.encode()).hexdigest()
    for step in signer_steps:
        assert (steps[step]["ip"], steps[step]["user_agent"], steps[step]["session"]) == (
            "203.0.113.7",
            BROWSER,
            session,
        ), step
    assert steps["request.code_failed"]["attempt"] == 1
    assert client.session.session_key not in str(steps)
    assert verify_chain().intact


@pytest.mark.django_db
@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_behind_the_trusted_proxy_the_forwarded_client_is_recorded(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    walk_signer_steps(client, request, token, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23")

    request.refresh_from_db()
    assert request.signature.ip_address == "198.51.100.23"
    assert {payload["ip"] for step, payload in _steps(request).items() if "ip" in payload} == {"198.51.100.23"}


@pytest.mark.django_db
@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_a_forwarded_address_from_an_untrusted_peer_is_not_recorded(client, client_record, vcio):
    request, token, _ = send_request(client_record, vcio)

    walk_signer_steps(client, request, token, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.23")

    request.refresh_from_db()
    assert request.signature.ip_address == "203.0.113.7"
    assert {payload["ip"] for step, payload in _steps(request).items() if "ip" in payload} == {"203.0.113.7"}


@pytest.mark.django_db
def test_the_staff_member_who_sent_the_request_is_recorded_with_their_address(vcio_client, client_record):
    from tests.factories import RecommendationFactory

    recommendation = RecommendationFactory(client=client_record, status="presented")
    vcio_client.post(
        reverse("signing:request_create", args=[client_record.public_id]),
        {"signatory": client_record.contacts.get().pk, "recommendations": [recommendation.pk], "message": ""},
        REMOTE_ADDR="192.0.2.44",
        HTTP_USER_AGENT="StaffBrowser/1.0",
    )

    sent = AuditEvent.objects.get(event_type="request.sent")
    assert (sent.payload["ip"], sent.payload["user_agent"], sent.actor.username) == (
        "192.0.2.44",
        "StaffBrowser/1.0",
        "vera",
    )


@pytest.mark.django_db
def test_a_withdrawal_through_the_link_records_where_it_came_from(client, client_record, vcio):
    from riskreg.mail.models import OutboundEmail
    from tests.recommendations.signing.test_consent import casl_practice, make_program, send_consent, sign_consent
    from tests.recommendations.signing.test_consent_withdrawal import withdrawal_link

    casl_practice()
    rmm = make_program(client_record, "Atlas RMM agent")
    request, _ = send_consent(client_record, vcio, [rmm])
    sign_consent(request, {rmm.pk: "consent_given"})
    path = "/" + withdrawal_link(OutboundEmail.objects.get(kind="consent_request"), rmm).split("/", 3)[3]

    client.post(path, REMOTE_ADDR="203.0.113.80", HTTP_USER_AGENT=BROWSER)

    event = AuditEvent.objects.get(event_type="software.consent_withdrawn")
    assert (event.payload["ip"], event.payload["user_agent"], len(event.payload["session"])) == (
        "203.0.113.80",
        BROWSER,
        64,
    )
