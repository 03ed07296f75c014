"""The URL rules of subscriptions (DESIGN §13), the part that needs no network (pure).

A subscription URL is `https`, names a host (no credentials, no fragment) and, once resolved, every
address it resolves to is a public unicast address: not private, loopback, link-local, multicast,
reserved, unspecified, shared (CGNAT) or a cloud metadata / platform endpoint. Addresses that embed
an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the embedded one as well. Only
against the local storage emulator may the URL be `http` on a loopback address (the caller says so
with `allow_loopback`). Resolving the name is the adapter's job (`shared.webhooks`, which also splits the URL: the core may not import urllib); it then
connects to the address judged here, so a second lookup cannot swap it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

from shared.errors import ValidationError

MAX_URL_LENGTH: Final = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata and platform endpoints that are not covered by the range checks, or that are
# worth naming: Azure IMDS and WireServer, AWS IMDS (IPv4, IPv6) and ECS task metadata, Alibaba,
# Oracle, GCP (metadata.google.internal resolves to the link-local one).
METADATA_ADDRESSES: Final[frozenset[IPAddress]] = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "168.63.129.16", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "192.0.0.192")
)
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")
_SHARED: Final = ipaddress.ip_network("100.64.0.0/10")


@dataclass(frozen=True)
class WebhookUrl:
    """A syntactically acceptable subscription URL, split."""

    url: str
    scheme: str
    host: str  # lower-case name or IP literal, without brackets
    port: int

    @property
    def literal_address(self) -> IPAddress | None:
        """The host as an IP address, when the URL names one instead of a DNS name."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, "invalid_url")


def require_url_text(url: object) -> str:
    """The first, cheap check of a URL's text: a string of at most 2,048 printable ASCII characters
    without spaces. The adapter (`shared.webhooks`) splits it and applies the rest of the rules."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or not url.isascii():
        raise _refuse(f"url must be an https URL of at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise _refuse("url must not contain spaces or control characters")
    return url


def _judged(address: IPAddress) -> list[IPAddress]:
    """The addresses to judge: an IPv4-mapped address by its IPv4 address; NAT64, 6to4 and Teredo
    addresses by themselves and the IPv4 address they carry."""
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    out: list[IPAddress] = [address]
    if address in _NAT64:
        out.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        out.append(address.sixtofour)
    if address.teredo is not None:
        out.extend(address.teredo)
    return out


def _is_loopback(address: IPAddress) -> bool:
    return any(ip.is_loopback for ip in _judged(address))


def address_problem(address: IPAddress, allow_loopback: bool) -> str | None:
    """Why a webhook may not be sent to this address, or None when it may."""
    judged = _judged(address)
    if any(ip in METADATA_ADDRESSES for ip in judged):
        return f"{address} is a cloud metadata or platform endpoint"
    if _is_loopback(address):
        return None if allow_loopback else f"{address} is a loopback address"
    for ip in judged:
        if ip.is_link_local:
            return f"{address} is a link-local address"
        if ip.is_multicast:
            return f"{address} is a multicast address"
        if ip.is_unspecified:
            return f"{address} is the unspecified address"
        if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
            return f"{address} is a shared (carrier-grade NAT) address"
        if ip.is_reserved:
            return f"{address} is a reserved address"
        if ip.is_private or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local) or not ip.is_global:
            return f"{address} is a private or special-purpose address"
    return None


def require_https_unless_loopback(url: WebhookUrl, allow_loopback: bool) -> None:
    """Refuse `http` before any lookup when loopback (the emulator's exception) is not allowed."""
    if url.scheme != "https" and not allow_loopback:
        raise _refuse("url must use https (http only on loopback against the local storage emulator)")


def check_addresses(url: WebhookUrl, addresses: list[IPAddress], allow_loopback: bool) -> IPAddress:
    """The address to connect to: the first one, once every address of the host is acceptable and
    the scheme fits (https, or http on loopback when `allow_loopback`). ValidationError(`invalid_url`)
    otherwise, naming the first problem."""
    if not addresses:
        raise _refuse(f"url host {url.host} does not resolve")
    for address in addresses:
        problem = address_problem(address, allow_loopback)
        if problem is not None:
            raise _refuse(f"url host {url.host} resolves to a refused address: {problem}")
    if url.scheme != "https" and not (allow_loopback and all(_is_loopback(a) for a in addresses)):
        raise _refuse("url must use https (http only on loopback against the local storage emulator)")
    return addresses[0]
