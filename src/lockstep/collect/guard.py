"""SSRF guard: only http(s) URLs whose host resolves to public addresses, unless private ones are allowed.

The check runs twice: before a request (to give a clear reason) and again when the socket connects
(`GuardedBackend`), on the very address the connection uses, so a DNS answer that changes between the two
(DNS rebinding) or a redirect to an internal host cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

SCHEMES = ("http", "https")
REFUSED = "refused private address"
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local-use translation, never public
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d (:: and ::1 are not global anyway)


@dataclass(frozen=True)
class Refusal:
    reason: str   # "bad scheme", "private address" or "dns error"
    detail: str


def check_url(url: str, allow_private: bool) -> Refusal | None:
    """None when the URL may be fetched, else why not."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        return Refusal("bad scheme", f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        return Refusal("bad scheme", "no host in URL")
    if allow_private:
        return None
    try:
        addresses = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        return Refusal("dns error", f"{parts.hostname}: {exc}")
    private = [a for a in addresses if not is_public(a)]
    if private:
        return Refusal("private address", f"{parts.hostname} resolves to {private[0]} (use --allow-private)")
    return None


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses, by the standard library's classification (`is_global`),
    with IPv6 forms that carry an IPv4 address judged by that address (IPv4-mapped ::ffff:a.b.c.d,
    IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo), and site-local fec0::/10 and
    local-use NAT64 64:ff9b:1::/48 refused (`is_global` calls them global)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.is_multicast or not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in LOCAL_NAT64:
            return False
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_public(str(inner))
    return True


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64 or ip in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to public addresses: resolves the host itself and connects to a vetted address."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"dns error: {host}: {exc}") from exc
        public = [a for a in addresses if is_public(a)]
        if not public:
            raise httpcore.ConnectError(f"{REFUSED}: {host} resolves to {addresses[0]}")
        return super().connect_tcp(public[0], port, timeout, local_address, socket_options)
