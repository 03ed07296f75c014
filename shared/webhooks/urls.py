"""Splitting a subscription URL (the core judges addresses; it may not import urllib)."""

from __future__ import annotations

from urllib.parse import urlsplit

from shared.core.events import WebhookUrl, require_url_text
from shared.errors import ValidationError


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, "invalid_url")


def parse_webhook_url(url: str) -> WebhookUrl:
    """Split and check a URL's syntax: http(s), a host, no user info, no fragment, ≤ 2,048 printable
    ASCII characters. Raises ValidationError(`invalid_url`). Whether `http` may be used is decided
    with the addresses (`shared.core.events.check_addresses`)."""
    require_url_text(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("url is not a valid URL (bad port or host)") from None
    if parts.scheme not in ("https", "http"):
        raise _refuse("url must use https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise _refuse("url must not carry credentials (user:password@)")
    if parts.fragment or "#" in url:
        raise _refuse("url must not have a fragment")
    host = (parts.hostname or "").lower()
    if not host.strip("."):
        raise _refuse("url must name a host")
    if port == 0:
        raise _refuse("url must not use port 0")
    return WebhookUrl(url=url, scheme=parts.scheme, host=host, port=port or (443 if parts.scheme == "https" else 80))
