"""Stand-ins for a failed service on 127.0.0.1: a port that refuses, and one that accepts
connections and never answers (a black-holed or hung Redis)."""

import contextlib
import socket
import threading
from collections.abc import Iterator


def free_port() -> int:
    """A local port nothing listens on: bound and closed again, so a connect is refused at once
    (and a server started next may take it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A listener that accepts every connection and never sends a byte; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()


@contextlib.contextmanager
def failed_redis(kind: str) -> Iterator[str]:
    """A redis:// URL whose server is "refused" or "black-holed"."""
    if kind == "refused":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return
    with black_hole() as port:
        yield f"redis://127.0.0.1:{port}/0"


def redis_cache(url: str, options: dict) -> dict:
    """CACHES as the settings build them for REDIS_URL=`url` (options: REDIS_CLIENT_OPTIONS)."""
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "OPTIONS": options}}
