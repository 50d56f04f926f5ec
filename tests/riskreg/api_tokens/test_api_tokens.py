"""API tokens: shown once, stored as a hash, scoped, tied to a user's role, revoked at once, audited."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from riskreg.api_tokens.models import ApiToken
from riskreg.api_tokens.services import api_token_create, api_token_revoke
from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent

CLIENTS = "/api/v1/clients/"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
def test_a_token_made_on_the_account_page_is_shown_once_and_stored_only_as_a_hash(vcio_client, vcio):
    response = vcio_client.post(reverse("api_tokens:create"), {"name": "PSA sync", "scope": "read", "expires_in": "90"})

    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert response.status_code == 200 and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret.startswith("rr_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in " ".join(str(value) for value in ApiToken.objects.values().get().values())
    assert token.prefix == secret[:10]
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()
    account = vcio_client.get(reverse("accounts:account")).content.decode()
    assert "PSA sync" in account and token.prefix in account and secret not in account
    event = AuditEvent.objects.get(event_type="api_token.created")
    assert secret not in str(event.payload) and event.payload["scope"] == "read"


@pytest.mark.django_db
def test_a_token_without_a_name_is_refused_and_nothing_is_made(vcio_client):
    response = vcio_client.post(reverse("api_tokens:create"), {"name": "", "scope": "write"})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_token_acts_as_its_user_and_a_read_token_cannot_write(vcio, client_record):
    read = api_token_create(actor=vcio, user=vcio, name="r", scope="read")[1]
    write = api_token_create(actor=vcio, user=vcio, name="w", scope="write")[1]
    browser = Browser()

    listed = browser.get(CLIENTS, **bearer(read)).json()["results"]
    refused = browser.post(CLIENTS, {"name": "New"}, content_type="application/json", **bearer(read))
    created = browser.post(CLIENTS, {"name": "New"}, content_type="application/json", **bearer(write))

    assert [row["id"] for row in listed] == [str(client_record.public_id)]
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert created.status_code == 201 and created.json()["vcio"] == vcio.username


@pytest.mark.django_db
@pytest.mark.parametrize(
    "break_it",
    [
        lambda token, user: api_token_revoke(actor=user, token=token),
        lambda token, user: ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now()),
        lambda token, user: type(user).objects.filter(pk=user.pk).update(is_active=False),
    ],
    ids=["revoked", "expired", "user deactivated"],
)
def test_a_revoked_or_expired_token_or_one_of_a_deactivated_user_stops_at_once(vcio, break_it):
    token, secret = api_token_create(actor=vcio, user=vcio, name="t", scope="read")
    assert Browser().get(CLIENTS, **bearer(secret)).status_code == 200

    break_it(token, vcio)

    response = Browser().get(CLIENTS, **bearer(secret))
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token is not valid: unknown, revoked or expired."


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Token rr_abc", "Bearer " + "x" * 500])
def test_a_malformed_authorization_header_is_a_401_not_a_500(header):
    response = Browser().get(CLIENTS, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


@pytest.mark.django_db
def test_the_last_use_is_recorded_at_most_once_a_minute(vcio, django_assert_num_queries):
    token, secret = api_token_create(actor=vcio, user=vcio, name="t", scope="read")
    Browser().get(CLIENTS, **bearer(secret))
    token.refresh_from_db()
    first_use = token.last_used_at

    Browser().get(CLIENTS, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first_use
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        Browser().get(CLIENTS, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first_use


@pytest.mark.django_db
def test_staff_revoke_their_own_token_and_only_an_admin_anyone_elses(vcio, outsider, practice_admin):
    token, _ = api_token_create(actor=vcio, user=vcio, name="mine", scope="read")
    url = reverse("api_tokens:revoke", args=[token.public_id])
    otto, ada, vera = Browser(), Browser(), Browser()
    otto.force_login(outsider)
    ada.force_login(practice_admin)
    vera.force_login(vcio)

    assert otto.post(url).status_code == 404
    assert ada.post(url).status_code == 302
    again = vera.post(url, follow=True)

    token.refresh_from_db()
    assert token.revoked_by == practice_admin
    assert "already revoked" in again.content.decode()
    assert AuditEvent.objects.filter(event_type="api_token.revoked").count() == 1
    assert verify_chain().intact


@pytest.mark.django_db
def test_an_admin_makes_a_token_for_another_staff_member(client, practice_admin, vcio):
    client.force_login(practice_admin)

    response = client.post(
        reverse("api_tokens:all"), {"user": vcio.pk, "name": "Reporting", "scope": "read", "expires_in": ""}
    )

    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.expires_at) == (vcio, practice_admin, None)
    assert response.context["secret"] in response.content.decode()
    assert "Reporting" in client.get(reverse("api_tokens:all")).content.decode()


@pytest.mark.django_db
def test_only_an_admin_makes_tokens_for_someone_else(vcio, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_create(actor=outsider, user=vcio, name="sneaky", scope="write")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_only_the_token_and_it_works(vcio, client_record):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", "vera", "--scope", "write", "--name", "CI", stdout=out, stderr=err)

    secret = out.getvalue().strip()
    assert secret.startswith("rr_") and "\n" not in secret
    assert "created for vera" in err.getvalue()
    assert Browser().get(CLIENTS, **bearer(secret)).status_code == 200
    assert AuditEvent.objects.get(event_type="api_token.created").actor_label == "command:create_api_token"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody"], "No staff user named 'nobody'"), (["vera", "--expires-days", "0"], "at least 1")],
)
def test_the_command_refuses_bad_input(vcio, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
