"""The address a request came from, seen through the reverse proxies the operator trusts.

`RISKREG_TRUSTED_PROXIES` lists the proxies in front of the app (IP addresses or CIDR
networks). With none, the default, the direct peer (`REMOTE_ADDR`) is the client. When the
direct peer is a trusted proxy, `X-Forwarded-For` is read from the right: each proxy appends
the address it received the request from, so the right-most entry that is not itself a
trusted proxy is the client, and anything left of it was written by the client and is not
believed. From any other peer the header is ignored, so a client cannot choose the address
its evidence records or the rate-limit budget it spends.

Written here with the standard library rather than taken from django-ipware: ipware picks
from several headers by precedence and matches proxies by string prefix, not by network, and
it does not make the header depend on who the direct peer is.
"""

from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"
Address = IPv4Address | IPv6Address


@lru_cache(maxsize=4)
def _networks(configured: tuple[str, ...]) -> tuple:
    return tuple(ip_network(network) for network in configured)


def _parse(value: str) -> Address | None:
    """An address as proxies write it: bare, IPv6 in brackets, either with a port."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ip_address(value)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str:
    """The client's address: the direct peer, or the forwarded address a trusted proxy vouches for."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN
    networks = _networks(tuple(settings.RISKREG_TRUSTED_PROXIES))

    def trusted(address: Address) -> bool:
        return any(address in network for network in networks)

    if not networks or not trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hop = peer
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            # A trusted proxy wrote something unreadable: believe no further than the last good hop.
            break
        hop = address
        if not trusted(address):
            break
    return str(hop)
