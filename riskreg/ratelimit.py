"""Fixed-window rate limits on the shared cache (Redis in production)."""

from django.core.cache import cache


def rate_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key`; True once more than `limit` hits fall in the current window."""
    cache_key = f"ratelimit:{key}"
    # add() is atomic on Redis and locmem: only the first hit in a window creates the counter.
    if cache.add(cache_key, 1, timeout=window_seconds):
        return False
    try:
        hits = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window_seconds)
        return False
    return hits > limit
