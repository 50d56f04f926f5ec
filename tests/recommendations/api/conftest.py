"""API personas: a token per user and scope, and a client that sends it."""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as Browser

from riskreg.api_tokens.services import api_token_create


@dataclass
class Api:
    """The test client with an API token in every request."""

    token: str

    def _call(self, method: str, url: str, data: Any = None, **headers: str):
        browser = Browser()
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **headers}
        if data is not None:
            kwargs |= {"data": json.dumps(data), "content_type": "application/json"}
        return getattr(browser, method)(url, **kwargs)

    def get(self, url: str, data: dict | None = None, **headers: str):
        browser = Browser()
        return browser.get(url, data or {}, HTTP_AUTHORIZATION=f"Bearer {self.token}", **headers)

    def post(self, url: str, data: Any = None, **headers: str):
        return self._call("post", url, {} if data is None else data, **headers)

    def patch(self, url: str, data: Any = None, **headers: str):
        return self._call("patch", url, {} if data is None else data, **headers)


def token_for(user, scope: str = "write") -> str:
    return api_token_create(actor=user, user=user, name=f"{user.username} {scope}", scope=scope)[1]


@pytest.fixture
def vcio_api(vcio) -> Api:
    return Api(token_for(vcio))


@pytest.fixture
def vcio_read_api(vcio) -> Api:
    return Api(token_for(vcio, "read"))


@pytest.fixture
def outsider_api(outsider) -> Api:
    return Api(token_for(outsider))


@pytest.fixture
def manager_api(manager) -> Api:
    return Api(token_for(manager))
