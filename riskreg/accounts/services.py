"""Writes on staff accounts: two-factor devices, backup codes, sessions. Each writes one audit event."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskreg.accounts.models import User
from riskreg.audit.chain import audit_append
from riskreg.audit.events import EventType

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the enrolment page shows; the same key until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def _backup_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm `device` (its code has been checked), drop any other authenticator, issue fresh
    backup codes. Returns the codes: they are shown once and never stored in clear elsewhere."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user=user)
    audit_append(
        actor=user,
        event_type=EventType.USER_TWO_FACTOR_ENABLED,
        object_type="user",
        object_id=str(user.pk),
        summary="Two-factor authentication enabled",
        payload={"backup_codes": len(codes)},
    )
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    codes = _backup_codes_replace(user=user)
    audit_append(
        actor=user,
        event_type=EventType.USER_BACKUP_CODES_REGENERATED,
        object_type="user",
        object_id=str(user.pk),
        summary="Two-factor backup codes replaced",
        payload={"backup_codes": len(codes)},
    )
    return codes


@transaction.atomic
def two_factor_reset(*, actor: User | None, user: User) -> None:
    """An admin removes every device of `user` (a lost phone); the next login starts enrolment
    again. The user's sessions end too, so a stolen, still-verified session cannot carry on."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = _sessions_delete(user=user)
    audit_append(
        actor=actor,
        event_type=EventType.USER_TWO_FACTOR_RESET,
        object_type="user",
        object_id=str(user.pk),
        summary=f"Two-factor authentication reset for staff user #{user.pk}",
        payload={"sessions_ended": ended},
    )


def _sessions_delete(*, user: User) -> int:
    # Sessions are signed blobs keyed by a random id; only decoding tells whose they are. Expired
    # rows are skipped, so the scan is bounded by the staff currently logged in.
    user_id = str(user.pk)
    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)


@transaction.atomic
def sessions_end_all(*, user: User) -> int:
    """Log `user` out everywhere: every browser holding one of their sessions must log in again."""
    ended = _sessions_delete(user=user)
    audit_append(
        actor=user,
        event_type=EventType.USER_SESSIONS_ENDED,
        object_type="user",
        object_id=str(user.pk),
        summary="Logged out of every session",
        payload={"sessions_ended": ended},
    )
    return ended


def user_language_set(*, user: User, language: str) -> None:
    """The staff user's own choice of language for the staff pages ("" follows the browser)."""
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False, exclude=["password"])
    user.save(update_fields=["language"])
