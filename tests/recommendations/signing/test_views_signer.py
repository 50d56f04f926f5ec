import base64
import datetime
import hashlib
import io

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from recommendations import signing
from recommendations.models import Decision, DecisionRequest, Recommendation, WaiverDocument
from recommendations.signing.link import MAX_CODE_ATTEMPTS
from recommendations.tasks import render_missing_documents
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent
from riskreg.mail.models import OutboundEmail
from tests.signing_helpers import latest_code, send_request, signature_data_url

NOT_VALID = "This link is not valid"


@pytest.fixture
def sent(client_record, vcio):
    request, token, recommendations = send_request(client_record, vcio)
    return request, token, recommendations


@pytest.fixture
def verified(client, sent):
    request, token, recommendations = sent
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    return request, token, recommendations


def sign_data(request: DecisionRequest, **overrides) -> dict:
    data = {
        "consent": "on",
        "intent": "on",
        "typed_name": "Hélène Côté",
        "typed_title": "CEO",
        "signature": signature_data_url(),
        "signer_timezone": "America/Toronto",
    }
    for index, item in enumerate(request.items.order_by("position")):
        data[f"outcome_{item.pk}"] = "refuse" if index == 0 else "accept"
        data[f"reason_{item.pk}"] = "Staff resist the change" if index == 0 else ""
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _assert_nothing_signed(request: DecisionRequest) -> None:
    request.refresh_from_db()
    assert request.status in {"sent", "viewed"}
    assert not Decision.objects.exists()
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"presented"}


@pytest.mark.django_db
def test_the_request_page_shows_everything_the_signer_needs(client, sent):
    request, token, recommendations = sent

    page = client.get(reverse("sign:start", args=[token])).content.decode()

    for recommendation in recommendations:
        assert recommendation.title in page
        assert recommendation.consequences in page
    assert "Critical" in page
    assert request.client.agreements.get().exclusions in page


@pytest.mark.django_db
def test_viewing_is_logged_once_and_changes_no_decision(client, sent):
    request, token, _ = sent

    client.get(reverse("sign:start", args=[token]))
    client.get(reverse("sign:start", args=[token]))

    request.refresh_from_db()
    assert request.status == "viewed"
    assert AuditEvent.objects.filter(event_type="request.viewed").count() == 1
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"presented"}


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "used"])
def test_every_unusable_link_gets_the_same_neutral_page(client, sent, vcio, state):
    request, token, _ = sent
    if state == "unknown":
        token = "x" * 43
    elif state == "revoked":
        signing.decision_request_revoke(actor=vcio, request=request)
    elif state == "used":
        DecisionRequest.objects.filter(pk=request.pk).update(
            status="completed", completed_at=request.sent_at, code_verified_at=request.sent_at
        )
    travel = request.expires_at + datetime.timedelta(minutes=1) if state == "expired" else request.sent_at

    with time_machine.travel(travel):
        response = client.get(reverse("sign:start", args=[token]))

    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()
    assert request.client.name not in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_code_gets_a_message_and_counts_an_attempt(client, sent):
    request, token, _ = sent
    client.post(reverse("sign:send_code", args=[token]))
    wrong = "000000" if latest_code(request) != "000000" else "111111"

    response = client.post(reverse("sign:verify", args=[token]), {"code": wrong})

    request.refresh_from_db()
    assert "That code is not right. 4 attempts left." in response.content.decode()
    assert request.code_attempts == 1
    assert request.code_verified_at is None


@pytest.mark.django_db
def test_the_sign_page_needs_a_verified_code(client, sent):
    _, token, _ = sent

    response = client.get(reverse("sign:decide", args=[token]))

    assert response.status_code == 302
    assert response.url == reverse("sign:verify", args=[token])


@pytest.mark.django_db
def test_a_full_signing_records_the_decisions_and_shows_the_done_page(client, verified):
    request, token, (mfa, backups) = verified

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request), follow=True)

    mfa.refresh_from_db()
    backups.refresh_from_db()
    assert mfa.status == "refused" and backups.status == "accepted"
    assert "your decision is recorded" in response.content.decode()
    assert "Refusal valid until" in response.content.decode()
    assert client.get(reverse("sign:start", args=[token])).url == reverse("sign:done", args=[request.public_id])


BAD_INPUTS = {
    "missing reason": ({"reason": ""}, "Say why you refuse this recommendation."),
    "no item decided": ({"outcomes": None}, "Choose Accept or Refuse."),
    "missing consent": ({"consent": None}, "You must agree to sign electronically"),
    "missing intent": ({"intent": None}, "Tick to confirm the statement."),
    "empty typed name": ({"typed_name": "  "}, "Type your full name."),
    "signature missing": ({"signature": ""}, "Draw your signature in the box, or choose"),
    "signature blank": ({"signature": signature_data_url(ink=False)}, "The signature box is empty."),
    "signature not a PNG": (
        {"signature": signature_data_url(fmt="JPEG")},
        "The signature must be a PNG image.",
    ),
    "signature not a data URL": ({"signature": "data:image/gif;base64,R0lGOD"}, "must be a PNG image"),
    "signature over 200 KB": (
        {"signature": "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"0" * 210_000).decode()},
        "too large",
    ),
    "signature absurd dimensions": ({"signature": signature_data_url(width=5000, height=20)}, "impossible dimensions"),
    "signature malformed base64": ({"signature": "data:image/png;base64,@@not-base64@@"}, "could not be read"),
    "unknown signature method": ({"signature_method": "stamped"}, "Select a valid choice"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, verified, case):
    request, token, _ = verified
    change, message = BAD_INPUTS[case]
    data = sign_data(request)
    first, second = request.items.order_by("position")
    if "reason" in change:
        data[f"reason_{first.pk}"] = change.pop("reason")
    if "outcomes" in change:
        change.pop("outcomes")
        data.pop(f"outcome_{first.pk}")
        data.pop(f"outcome_{second.pk}")
    data.update(change)
    data = {key: value for key, value in data.items() if value is not None}

    response = client.post(reverse("sign:decide", args=[token]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    _assert_nothing_signed(request)


@pytest.mark.django_db
def test_a_tampered_form_naming_another_recommendation_is_refused(client, verified, client_record):
    request, token, _ = verified
    data = sign_data(request)
    data["outcome_999999"] = "accept"

    response = client.post(reverse("sign:decide", args=[token]), data)

    assert "This form does not match your request" in response.content.decode()
    _assert_nothing_signed(request)


@pytest.mark.django_db
def test_signing_endpoints_are_rate_limited_per_token(client, sent):
    _, token, _ = sent
    statuses = [client.get(reverse("sign:start", args=[token])).status_code for _ in range(35)]

    assert statuses[0] == 200
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_signing_leaves_the_session_as_the_code_step_wrote_it(client, verified):
    request, token, _ = verified
    session_key = client.session.session_key
    written = Session.objects.get(session_key=session_key).session_data

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request))

    assert response.status_code == 302
    assert Session.objects.get(session_key=session_key).session_data == written
    assert "your decision is recorded" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_the_done_page_needs_the_signing_session(client, verified):
    request, token, _ = verified
    client.post(reverse("sign:decide", args=[token]), sign_data(request))
    client.cookies.clear()

    response = client.get(reverse("sign:done", args=[request.public_id]))

    assert NOT_VALID in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_signature_is_recorded_and_the_signed_copy_goes_out_when_it_is_back(
    client, client_record, vcio, unreachable_broker, celery_eager
):
    celery_eager.conf.task_always_eager = True
    request, token, (mfa, _) = send_request(client_record, vcio)
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    celery_eager.conf.task_always_eager = False
    sent_before = len(mail.outbox)

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request))

    assert response.status_code == 302
    mfa.refresh_from_db()
    assert mfa.status == "refused"
    assert not WaiverDocument.objects.filter(request=request).exists()
    assert len(mail.outbox) == sent_before

    celery_eager.conf.task_always_eager = True
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        render_missing_documents.delay()

    signed_copies = OutboundEmail.objects.filter(kind="signed_document")
    assert set(signed_copies.values_list("status", flat=True)) == {"sent"}
    assert {message.to[0] for message in mail.outbox[sent_before:]} == {request.signatory.email, vcio.email}


@pytest.mark.django_db
def test_the_staff_timeline_tells_the_whole_story_and_the_chain_holds(client, sent, vcio):
    request, token, _ = sent
    client.get(reverse("sign:start", args=[token]))
    client.post(reverse("sign:send_code", args=[token]))
    client.post(reverse("sign:verify", args=[token]), {"code": latest_code(request)})
    client.post(reverse("sign:decide", args=[token]), sign_data(request))
    client.force_login(vcio)

    page = client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()

    story = [
        "request sent",
        "Signing link opened",
        "One-time code requested",
        "confirmed the one-time code",
        "Signed by",
    ]
    positions = [page.find(step) for step in story]
    assert -1 not in positions, dict(zip(story, positions, strict=True))
    assert positions == sorted(positions)
    assert verify_chain().intact


def _start_page_statuses(client, token: str, *, peer: str, forwarded_for: list[str]) -> list[int]:
    url = reverse("sign:start", args=[token])
    return [client.get(url, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=address).status_code for address in forwarded_for]


@pytest.mark.django_db
@override_settings(RISKREG_TRUSTED_PROXIES=["10.0.0.5/32"])
def test_two_signers_behind_the_trusted_proxy_do_not_share_a_rate_limit_budget(client, sent, monkeypatch):
    from recommendations.signing import views_signer

    _, token, _ = sent
    monkeypatch.setattr(views_signer, "PER_IP_PER_MINUTE", 3)
    first = _start_page_statuses(client, token, peer="10.0.0.5", forwarded_for=["198.51.100.1"] * 4)

    second = _start_page_statuses(client, token, peer="10.0.0.5", forwarded_for=["198.51.100.2"])

    assert (first, second) == ([200, 200, 200, 429], [200])


@pytest.mark.django_db
@override_settings(RISKREG_TRUSTED_PROXIES=["10.0.0.5/32"])
def test_a_forwarded_address_from_an_untrusted_peer_buys_no_new_budget(client, sent, monkeypatch):
    from recommendations.signing import views_signer

    _, token, _ = sent
    monkeypatch.setattr(views_signer, "PER_IP_PER_MINUTE", 3)

    statuses = _start_page_statuses(
        client, token, peer="203.0.113.7", forwarded_for=[f"198.51.100.{n}" for n in range(4)]
    )

    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_sign_page_fills_in_the_signatorys_name_and_title(client, verified):
    _, token, _ = verified

    page = client.get(reverse("sign:decide", args=[token])).content.decode()

    assert 'name="typed_name" id="id_typed_name" value="Hélène Côté"' in page
    assert 'value="Chief Executive Officer"' in page


@pytest.mark.django_db
def test_a_typed_name_that_is_not_the_signatorys_is_refused_and_changes_nothing(client, verified):
    request, token, _ = verified

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request, typed_name="Dana Whitfield"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "does not match the person this request is addressed to, Hélène Côté" in page
    assert "correct the contact or address the request to the right person" in page
    _assert_nothing_signed(request)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("typed_name", "Hélène Côté\u202e"),
        ("typed_name", "H\ufffdl\ufffdne C\ufffdt\ufffd"),
        ("typed_title", "CEO\u202eOFC"),
        ("typed_title", "CEO\u200b"),
    ],
    ids=["name-rtl-override", "name-replacement-char", "title-rtl-override", "title-zero-width"],
)
def test_names_and_titles_with_hidden_or_damaged_characters_are_refused(client, verified, field, value):
    request, token, _ = verified

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request, **{field: value}))

    assert "contains a control or direction-changing character" in response.content.decode()
    _assert_nothing_signed(request)


@pytest.mark.django_db
@pytest.mark.parametrize("reported", ["Mars/Olympus_Mons", "<script>ZZZ", "", "../../etc/passwd"])
def test_a_time_zone_that_is_not_an_iana_zone_is_stored_as_not_reported(client, verified, reported):
    request, token, _ = verified

    client.post(reverse("sign:decide", args=[token]), sign_data(request, signer_timezone=reported))

    request.refresh_from_db()
    assert request.signature.signer_timezone == "not reported"


@pytest.mark.django_db
def test_a_real_time_zone_is_stored_as_reported(client, verified):
    request, token, _ = verified

    client.post(reverse("sign:decide", args=[token]), sign_data(request, signer_timezone="Asia/Kolkata"))

    request.refresh_from_db()
    assert request.signature.signer_timezone == "Asia/Kolkata"


@pytest.mark.django_db
def test_a_signature_png_with_trailing_bytes_is_stored_re_encoded(client, verified):
    request, token, _ = verified
    drawn = base64.b64decode(signature_data_url().split(",", 1)[1])
    smuggled = drawn + b"<html><script>alert(1)</script>" + b"A" * 100_000
    data_url = "data:image/png;base64," + base64.b64encode(smuggled).decode()

    response = client.post(reverse("sign:decide", args=[token]), sign_data(request, signature=data_url))

    assert response.status_code == 302
    request.refresh_from_db()
    stored = bytes(request.signature.signature_png)
    assert stored.endswith(b"IEND\xaeB`\x82")
    assert b"<html>" not in stored and len(stored) < 20_000
    assert request.signature.signature_sha256 == hashlib.sha256(stored).hexdigest()
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(drawn)) as original:
        assert image.tobytes() == original.tobytes()


@pytest.mark.django_db
def test_the_request_page_and_the_client_timeline_show_who_signed_as_typed(client, verified, vcio):
    request, token, _ = verified
    client.post(reverse("sign:decide", args=[token]), sign_data(request, typed_name="  helene   cote "))
    client.force_login(vcio)

    request_page = client.get(reverse("signing:request_detail", args=[request.public_id])).content.decode()
    client_url = reverse("register:client_detail", args=[request.client.public_id]) + "?section=timeline"
    client_page = client.get(client_url).content.decode()

    assert 'as “<bdi class="fw-semibold">helene   cote</bdi>”' in request_page
    assert "(signed as “<bdi>helene   cote</bdi>”)" in client_page


@pytest.mark.django_db
def test_reopening_the_link_in_the_browser_that_signed_offers_the_signed_copy(client, verified):
    request, token, _ = verified
    client.post(reverse("sign:decide", args=[token]), sign_data(request))

    response = client.get(reverse("sign:start", args=[token]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(reverse("sign:done", args=[request.public_id]), 302)]
    assert "You already signed this request on" in page
    assert NOT_VALID not in page


@pytest.mark.django_db
def test_reopening_a_signed_link_in_another_browser_gets_the_neutral_page(client, verified):
    request, token, _ = verified
    client.post(reverse("sign:decide", args=[token]), sign_data(request))
    client.cookies.clear()

    response = client.get(reverse("sign:start", args=[token]))

    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()
    assert "already signed" not in response.content.decode()


def _lock_out(client, request: DecisionRequest, token: str):
    client.post(reverse("sign:send_code", args=[token]))
    wrong = "000000" if latest_code(request) != "000000" else "111111"
    for _ in range(MAX_CODE_ATTEMPTS):
        response = client.post(reverse("sign:verify", args=[token]), {"code": wrong})
    return response


@pytest.mark.django_db
def test_after_a_lockout_the_link_keeps_telling_that_browser_what_to_do_next(client, sent):
    request, token, _ = sent
    assert _lock_out(client, request, token).status_code == 403

    response = client.get(reverse("sign:start", args=[token]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "This request is locked" in page and "What to do next" in page
    assert "helene@harbourview.example" in page
    assert NOT_VALID not in page


@pytest.mark.django_db
def test_a_locked_link_opened_in_another_browser_gets_the_neutral_page(client, sent):
    request, token, _ = sent
    _lock_out(client, request, token)
    client.cookies.clear()

    response = client.get(reverse("sign:start", args=[token]))

    assert NOT_VALID in response.content.decode()
    assert "locked" not in response.content.decode()


@pytest.mark.django_db
def test_the_done_page_never_refreshes_itself_while_the_copy_is_prepared(client, verified):
    request, token, _ = verified
    client.post(reverse("sign:decide", args=[token]), sign_data(request))
    WaiverDocument.objects.filter(request=request).delete()

    page = client.get(reverse("sign:done", args=[request.public_id])).content.decode()

    assert "Your signed copy is being prepared" in page
    assert 'http-equiv="refresh"' not in page
    assert 'data-ready="false"' in page


@pytest.mark.django_db
def test_a_signer_can_sign_with_their_typed_name_instead_of_drawing(client, verified):
    request, token, (mfa, _) = verified

    response = client.post(
        reverse("sign:decide", args=[token]), sign_data(request, signature=None, signature_method="typed")
    )

    assert response.status_code == 302
    signature = request.__class__.objects.get(pk=request.pk).signature
    assert signature.method == "typed"
    with Image.open(io.BytesIO(bytes(signature.signature_png))) as image:
        assert image.format == "PNG" and image.size[1] == 150
    assert signature.signature_sha256 == hashlib.sha256(bytes(signature.signature_png)).hexdigest()
    signed = AuditEvent.objects.get(event_type="request.signed", object_id=str(request.public_id))
    assert signed.payload["signature_method"] == "typed"
    mfa.refresh_from_db()
    assert mfa.status == "refused"


@pytest.mark.django_db
def test_a_drawn_signature_is_recorded_as_drawn(client, verified):
    request, token, _ = verified

    client.post(reverse("sign:decide", args=[token]), sign_data(request, signature_method="drawn"))

    assert DecisionRequest.objects.get(pk=request.pk).signature.method == "drawn"


@pytest.mark.django_db
def test_the_typed_signature_is_drawn_from_the_name_the_signer_typed(client, verified):
    from recommendations.signing.signature_image import render_typed_signature

    request, token, _ = verified

    client.post(
        reverse("sign:decide", args=[token]),
        sign_data(request, signature=None, signature_method="typed", typed_name="helene  cote"),
    )

    stored = bytes(DecisionRequest.objects.get(pk=request.pk).signature.signature_png)
    with Image.open(io.BytesIO(stored)) as kept, Image.open(io.BytesIO(render_typed_signature("helene cote"))) as drawn:
        assert kept.convert("RGBA").tobytes() == drawn.convert("RGBA").tobytes()


@pytest.mark.django_db
def test_the_decide_page_offers_typing_and_the_full_text_of_each_item(client, verified):
    request, token, (mfa, _) = verified

    page = client.get(reverse("sign:decide", args=[token])).content.decode()

    assert "Use my typed name as my signature" in page
    assert "Read the full text of this recommendation" in page
    assert mfa.description.split()[0] in page and mfa.why_it_matters.split()[0] in page
