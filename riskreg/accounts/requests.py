"""The type of a request behind `@login_required`: its user is a staff `User`, not `AnonymousUser`."""

from django.http import HttpRequest

from riskreg.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
