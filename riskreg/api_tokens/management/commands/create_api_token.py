"""`manage.py create_api_token USERNAME`: a token for scripts and tests, printed once on stdout."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from riskreg.api_tokens.models import ApiToken
from riskreg.api_tokens.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a staff user and print it (only the token, on stdout). It is not shown again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the staff user whose role rules the token carries")
        parser.add_argument("--name", default="Command-line token", help="what will use it")
        parser.add_argument(
            "--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ, help="read (default) or write"
        )
        parser.add_argument(
            "--expires-days", type=int, default=None, help="days until it stops working (default: never)"
        )

    def handle(self, *args, username: str, name: str, scope: str, expires_days: int | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff user named {username!r}.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            token, secret = api_token_create(
                actor=None,
                actor_label="command:create_api_token",
                user=user,
                name=name,
                scope=scope,
                expires_at=expires_at,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Token “{token.name}” ({token.get_scope_display().lower()}) created for {username}.")
        self.stdout.write(secret)
