"""Liveness of the services RiskReg depends on, for /healthz: the database, the broker and the cache."""

import os

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.utils import Error as DatabaseError


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        try:
            timeout = settings.REDIS_SOCKET_TIMEOUT
            return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
        except redis.RedisError:
            return False
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


def cache_ok() -> bool:
    """The shared cache answers (the rate limits count per process while it does not)."""
    try:
        cache.get("healthz")
    except (redis.RedisError, OSError):
        return False
    return True
