"""Absolute links for what leaves the site (emails, documents, webhooks): the configured base URL
and a path, never the request's Host header, which a client chooses."""

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.RISKREG_BASE_URL.rstrip("/") + path


def absolute_reverse(name: str, *args: Any) -> str:
    return absolute_url(reverse(name, args=args))
