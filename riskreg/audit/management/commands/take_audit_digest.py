from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from riskreg.audit.digests import digest_take, digest_timestamp
from riskreg.seal import TimestampUnavailable


class Command(BaseCommand):
    help = (
        "Write today's audit-chain digest to RISKREG_DIGEST_DIR (once; an existing one is kept) "
        "and timestamp it when RISKREG_TSA_URL is set. The daily beat task does the same and emails it."
    )

    def handle(self, *args, **options) -> None:
        digest = digest_take(day=timezone.localdate())
        self.stdout.write(f"Digest {digest.path}: head #{digest.head_sequence} {digest.head_hash}")
        try:
            token = digest_timestamp(digest)
        except TimestampUnavailable as error:
            raise CommandError(f"Digest written, but not timestamped: {error}") from error
        if token is not None:
            self.stdout.write(f"Timestamp token {digest.token_path}")
