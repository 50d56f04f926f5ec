"""Fixed-window rate limits on the shared cache (Redis in production), falling back to a
per-process budget while the cache is unreachable.

A signer must never see an error because Redis is down or hanging (SPEC section 9): the
cache's socket timeouts (settings) bound the first failed call, and for CACHE_RETRY_SECONDS
after it every limit is counted in this process only, without touching the cache at all.
"""

import logging
import threading
import time

from django.core.cache import cache
from redis import RedisError

logger = logging.getLogger(__name__)

# How long limits stay per-process after a cache failure before the cache is tried again.
CACHE_RETRY_SECONDS = 30
# Enough for every address and link active in one window; older windows are dropped past it.
LOCAL_KEYS_MAX = 20_000


class LocalWindows:
    """Fixed windows counted in this process: the budget while the shared cache is down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int, float]] = {}

    def hit(self, key: str, window_seconds: int) -> int:
        now = time.monotonic()
        with self._lock:
            started, hits, _ = self._windows.get(key, (now, 0, 0.0))
            if now - started >= window_seconds:
                started, hits = now, 0
            self._windows[key] = (started, hits + 1, started + window_seconds)
            if len(self._windows) > LOCAL_KEYS_MAX:
                self._windows = {k: w for k, w in self._windows.items() if w[2] > now}
            return hits + 1

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


local_windows = LocalWindows()
_cache_down_until = 0.0


def _shared_hits(cache_key: str, window_seconds: int) -> int:
    # add() is atomic on Redis and locmem: only the first hit in a window creates the counter.
    if cache.add(cache_key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The counter expired between add() and incr(): this hit opens a new window.
        cache.set(cache_key, 1, timeout=window_seconds)
        return 1


def rate_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key`; True once more than `limit` hits fall in the current window."""
    global _cache_down_until
    if time.monotonic() >= _cache_down_until:
        try:
            return _shared_hits(f"ratelimit:{key}", window_seconds) > limit
        except (RedisError, OSError):
            _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
            logger.warning("Rate-limit cache unreachable; counting per process for %ss.", CACHE_RETRY_SECONDS)
    return local_windows.hit(key, window_seconds) > limit


def cache_retry_now() -> None:
    """Forget a cache failure and every per-process count (each test starts from none)."""
    global _cache_down_until
    _cache_down_until = 0.0
    local_windows.clear()
