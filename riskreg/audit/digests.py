"""Daily digests of the audit chain, kept outside the database, and checking the chain against them.

A digest records the chain's head (sequence and hash), its event count and the moment it was
taken, as one JSON file per day in RISKREG_DIGEST_DIR, created once and never rewritten; with a
time-stamping authority configured an RFC 3161 token over the file's bytes sits beside it
(`<file>.tsr`). Someone who can write the database can recompute every hash after an altered
event, but cannot change a file that was emailed, copied and timestamped. So the chain is checked
against each digest: the event at the digest's head must still carry the digest's hash (a rewrite,
a truncation or a renumbering changes or removes it), and no event after the head may be dated
before the digest was taken (a fabricated event slipped in afterwards).
"""

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from riskreg.audit.chain import verify_chain
from riskreg.audit.models import AuditEvent, ChainHead
from riskreg.seal import SealError, sha256_hex, timestamp_token, timestamp_token_info
from riskreg.trusted_time import configured_tsa

DIGEST_FORMAT = "riskreg-audit-digest/1"
FILE_PREFIX = "audit-digest-"
TOKEN_SUFFIX = ".tsr"
# How far back the watch looks for a day without a digest.
WATCH_DAYS = 31


class DigestError(Exception):
    """A digest file that cannot be read or is not a RiskReg audit digest."""


@dataclass(frozen=True)
class Digest:
    day: date
    taken_at: datetime
    head_sequence: int
    head_hash: str
    event_count: int
    chain_intact: bool
    path: Path

    @property
    def token_path(self) -> Path:
        return token_path_for(self.path)


def digest_path_for(day: date) -> Path:
    return Path(settings.RISKREG_DIGEST_DIR) / f"{FILE_PREFIX}{day.isoformat()}.json"


def token_path_for(path: Path) -> Path:
    return path.with_name(path.name + TOKEN_SUFFIX)


def _write_once(path: Path, data: bytes) -> bool:
    """Create the file read-only; False when it already exists (a digest is never rewritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def digest_take(*, day: date) -> Digest:
    """Write the day's digest file, once; a second call returns the first one unchanged."""
    path = digest_path_for(day)
    if path.exists():
        return load_digest(path)
    # Holding the head's lock while reading it and the clock: every event appended later gets a
    # time after `taken_at`, which is what lets a check call an earlier-dated later event fabricated.
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(id=1).first()
        taken_at = timezone.now()
        head_sequence, head_hash = (head.sequence, head.hash) if head else (0, "0" * 64)
    report = verify_chain()
    body = {
        "format": DIGEST_FORMAT,
        "day": day.isoformat(),
        "taken_at": taken_at.isoformat(),
        "head_sequence": head_sequence,
        "head_hash": head_hash,
        "event_count": head_sequence,
        "chain_intact": report.intact,
        "chain_problem": report.problem,
    }
    _write_once(path, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode())
    return load_digest(path)


def digest_timestamp(digest: Digest) -> bytes | None:
    """The digest's RFC 3161 token, asking the TSA for it if there is none yet; None without a TSA.

    Raises TimestampUnavailable while the TSA is down (the task retries; the file is already safe)."""
    if digest.token_path.exists():
        return digest.token_path.read_bytes()
    tsa = configured_tsa()
    if tsa is None:
        return None
    token = timestamp_token(digest.path.read_bytes(), tsa=tsa)
    _write_once(digest.token_path, token)
    return digest.token_path.read_bytes()


def load_digest(path: Path) -> Digest:
    try:
        body = json.loads(path.read_bytes())
        if body.get("format") != DIGEST_FORMAT:
            raise DigestError(f"{path} is not a RiskReg audit digest")
        taken_at = parse_datetime(body["taken_at"])
        if taken_at is None:
            raise DigestError(f"{path}: taken_at is not a date and time")
        return Digest(
            day=date.fromisoformat(body["day"]),
            taken_at=taken_at,
            head_sequence=int(body["head_sequence"]),
            head_hash=str(body["head_hash"]),
            event_count=int(body["event_count"]),
            chain_intact=bool(body["chain_intact"]),
            path=path,
        )
    except OSError as error:
        raise DigestError(f"{path}: cannot read it ({error.strerror})") from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DigestError(f"{path} is not a RiskReg audit digest ({error.__class__.__name__})") from error


def digest_files(location: Path) -> list[Path]:
    """A digest file, or every digest file in a directory, oldest first."""
    if location.is_dir():
        return sorted(location.glob(f"{FILE_PREFIX}*.json"))
    if location.exists():
        return [location]
    raise DigestError(f"{location}: no such file or directory")


@dataclass(frozen=True)
class DigestCheck:
    digest: Digest
    problem: str = ""
    timestamped_at: datetime | None = None

    @property
    def matches(self) -> bool:
        return not self.problem


def check_chain_against(digest: Digest) -> DigestCheck:
    """Whether the chain stored now still contains what the digest saw, and nothing back-dated."""
    label = f"digest of {digest.day.isoformat()}"
    timestamped_at = None
    if digest.token_path.exists():
        try:
            info = timestamp_token_info(digest.token_path.read_bytes())
        except (SealError, ValueError, KeyError, TypeError) as error:
            return DigestCheck(digest, f"{label}: its timestamp token cannot be read ({error.__class__.__name__})")
        if info.sha256 != sha256_hex(digest.path.read_bytes()):
            return DigestCheck(digest, f"{label}: the file was changed after it was timestamped")
        timestamped_at = info.generated_at
    if digest.head_sequence:
        event = AuditEvent.objects.filter(sequence=digest.head_sequence).only("hash").first()
        if event is None:
            return DigestCheck(
                digest,
                f"{label}: event #{digest.head_sequence} is gone; the chain was cut back "
                f"(truncated, or renumbered after a delete) since that day",
                timestamped_at,
            )
        if event.hash != digest.head_hash:
            return DigestCheck(
                digest,
                f"{label}: event #{digest.head_sequence} no longer has the hash recorded that day; the chain "
                f"was rewritten (an earlier event altered, removed or inserted, and the hashes recomputed)",
                timestamped_at,
            )
    back_dated = (
        AuditEvent.objects.filter(sequence__gt=digest.head_sequence, occurred_at__lt=digest.taken_at)
        .order_by("sequence")
        .only("sequence", "occurred_at")
        .first()
    )
    if back_dated is not None:
        return DigestCheck(
            digest,
            f"{label}: event #{back_dated.sequence} is dated {back_dated.occurred_at.isoformat()}, before the "
            f"digest was taken, yet was not in the chain then; it was added afterwards",
            timestamped_at,
        )
    return DigestCheck(digest, "", timestamped_at)


def missing_digest_days(*, today: date) -> list[date]:
    """Days, from the first digest (at most WATCH_DAYS back) to today, with no digest file.

    Today counts: the digest runs shortly after midnight, the watch hours later. With no digest
    at all, today is missing once the chain holds an event older than a day."""
    directory = Path(settings.RISKREG_DIGEST_DIR)
    present = {
        date.fromisoformat(path.stem.removeprefix(FILE_PREFIX))
        for path in (directory.glob(f"{FILE_PREFIX}*.json") if directory.is_dir() else [])
        if _is_iso_day(path.stem.removeprefix(FILE_PREFIX))
    }
    if not present:
        old_enough = timezone.now() - timedelta(days=1)
        return [today] if AuditEvent.objects.filter(occurred_at__lt=old_enough).exists() else []
    start = max(min(present), today - timedelta(days=WATCH_DAYS))
    days = (start + timedelta(days=offset) for offset in range((today - start).days + 1))
    return [day for day in days if day not in present]


def _is_iso_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_against_files(locations: list[Path]) -> list[DigestCheck]:
    """Every digest in the given files and directories, checked; DigestError when none is found."""
    paths = [path for location in locations for path in digest_files(location)]
    if not paths:
        raise DigestError("no audit digest files found in " + ", ".join(str(location) for location in locations))
    return [check_chain_against(load_digest(path)) for path in paths]
