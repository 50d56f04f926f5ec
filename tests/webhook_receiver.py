"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread that checks each
request's signature as a receiving system would, and answers as scripted.

The signature is checked twice, independently of RiskReg's own code: with the standard library
(HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>", the Standard Webhooks scheme) and with
the `standardwebhooks` reference library. An event counts as *received* when the receiver answered
2xx to a correctly signed request whose webhook-id it had not processed before, which is what a
receiver following the README does.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Post:
    headers: dict[str, str]
    body: bytes
    status: int
    signature_ok: bool
    reference_library_ok: bool

    @property
    def event_id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    # Statuses to answer, in order; once used up, 200.
    script: list[int] = field(default_factory=list)
    # Seconds to wait before answering the first request (a slow receiver).
    stall_first: float = 0.0
    # When set, the first request waits for it before answering (and `arrived` tells the test it is in).
    gate: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    posts: list[Post] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def signature_valid(self, headers: dict[str, str], body: bytes) -> bool:
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        fresh = abs(time.time() - int(headers.get("webhook-timestamp", "0"))) < 300
        return fresh and any(
            hmac.compare_digest(expected, part) for part in headers.get("webhook-signature", "").split()
        )

    def reference_library_accepts(self, headers: dict[str, str], body: bytes) -> bool:
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            first = not self.posts
            status = self.script.pop(0) if self.script else 200
        if first:
            self.arrived.set()
            if self.gate is not None:
                self.gate.wait(timeout=60)
            if self.stall_first:
                time.sleep(self.stall_first)
        ok = self.signature_valid(headers, body)
        reference = self.reference_library_accepts(headers, body)
        if not ok:
            status = 401
        with self.lock:
            self.posts.append(Post(headers, body, status, ok, reference))
            if 200 <= status < 300 and headers["webhook-id"] not in self.processed:
                self.processed.append(headers["webhook-id"])
        return status

    def received(self) -> list[dict]:
        """The events this receiver processed, each once, in order."""
        by_id = {}
        for post in self.posts:
            if 200 <= post.status < 300:
                by_id.setdefault(post.event_id, post.payload)
        return [by_id[event_id] for event_id in self.processed]

    def types(self) -> list[str]:
        return [event["type"] for event in self.received()]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver.answer(headers, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"no")
            except OSError:
                pass  # the sender is gone (a worker killed mid-delivery)

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def running_receiver(**options) -> Iterator[Receiver]:
    receiver = Receiver(**options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/riskreg"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
