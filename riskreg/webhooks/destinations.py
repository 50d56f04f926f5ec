"""Where a webhook may go (the SSRF guard) and how it is posted there.

Only http and https URLs without credentials. The host is resolved and *every* address it
resolves to must be a public one (not private, loopback, link-local, shared, multicast or
reserved) unless settings.RISKREG_WEBHOOK_ALLOW_PRIVATE is on. The check runs when an endpoint
is saved and again before every delivery, and the request then connects to the address that
was checked rather than resolving the name a second time: a DNS answer that changes between the
check and the connection (rebinding) cannot steer the request inside the network. Redirects are
not followed.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 500
RESPONSE_EXCERPT_BYTES = 1000
USER_AGENT = "RiskReg-Webhooks/1"


class UnsafeDestination(ValueError):
    """The URL is malformed or leads somewhere webhooks may not go; the message says why."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    target: str  # path and query
    address: str  # the checked IP address the request connects to


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _split(url: str):
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeDestination(_("The URL is longer than {limit} characters.").format(limit=MAX_URL_LENGTH))
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise UnsafeDestination(_("Only http:// and https:// URLs can receive webhooks."))
    if not parts.hostname:
        raise UnsafeDestination(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("Put no user name or password in the URL; verify the signature instead."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeDestination(_("The URL's port is not a number from 1 to 65535.")) from None
    return parts, port


def check_url(url: str) -> Destination:
    """The destination of `url` if webhooks may go there; else UnsafeDestination saying why."""
    parts, port = _split(url)
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeDestination(_("The host name {host} does not resolve.").format(host=host)) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.RISKREG_WEBHOOK_ALLOW_PRIVATE:
        refused = [address for address in addresses if not address_allowed(address)]
        if refused:
            raise UnsafeDestination(
                _(
                    "{host} resolves to {address}, a private, loopback or otherwise non-public address. "
                    "Webhooks go only to public addresses unless the server's operator sets "
                    "RISKREG_WEBHOOK_ALLOW_PRIVATE=true."
                ).format(host=host, address=refused[0])
            )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Destination(scheme=parts.scheme, host=host, port=port, target=target, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = destination.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout, context=ssl.create_default_context())
        self._address = destination.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the URL's host name, not the address connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def post(destination: Destination, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to the checked destination; the status and the start of the answer. Network
    errors raise OSError or http.client.HTTPException; a redirect is just its status."""
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(destination, timeout)
    try:
        connection.request(
            "POST",
            destination.target,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Answer(status=response.status, excerpt=excerpt)
    finally:
        connection.close()
