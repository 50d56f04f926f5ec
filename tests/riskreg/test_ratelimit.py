"""Rate limits count on the shared cache, and per process while the cache is down or hangs."""

import time

import pytest

from riskreg import ratelimit
from riskreg.ratelimit import rate_limited
from tests.faults import failed_redis, redis_cache


@pytest.fixture(params=["refused", "black-holed"])
def cache_down(request, settings):
    with failed_redis(request.param) as url:
        settings.CACHES = redis_cache(url, settings.REDIS_CLIENT_OPTIONS)
        yield


def test_the_limit_holds_on_the_shared_cache():
    answers = [rate_limited("sign-ip:203.0.113.7", limit=3, window_seconds=60) for _ in range(5)]

    assert answers == [False, False, False, True, True]


def test_with_the_cache_down_the_limit_still_holds_per_process_and_answers_at_once(cache_down, settings):
    started = time.monotonic()
    answers = [rate_limited("sign-ip:203.0.113.7", limit=3, window_seconds=60) for _ in range(50)]
    elapsed = time.monotonic() - started

    assert answers == [False] * 3 + [True] * 47
    # Only the first call waits for the cache's socket timeout; the rest skip the cache.
    assert elapsed < 2 * settings.REDIS_SOCKET_TIMEOUT


def test_the_per_process_budget_counts_each_key_apart_and_opens_a_new_window(cache_down, monkeypatch):
    now = time.monotonic()
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: now)
    assert rate_limited("a", limit=1, window_seconds=60) is False
    assert rate_limited("b", limit=1, window_seconds=60) is False
    assert rate_limited("a", limit=1, window_seconds=60) is True

    now += 61

    assert rate_limited("a", limit=1, window_seconds=60) is False
