"""Where a browser request comes from, and the rule that keeps other sites' pages from changing state.

A page on another site can make the caller's browser send requests here with the caller's Easy Auth
session cookie, or to the developer's loopback in local mode. A browser sends such a request without
first asking the server (a CORS preflight) only when it is "simple": GET, HEAD or POST, no header
beyond a short safe list, and a body typed text/plain, multipart/form-data or
application/x-www-form-urlencoded (an HTML form, `navigator.sendBeacon`, `fetch` in no-cors mode).
So, for every route, before its handler runs:

1. A request that may change state (POST, PUT, PATCH, DELETE) must declare
   `Content-Type: application/json`, with a body or without. No simple request can, so a browser asks
   first, and the preflight (functions.api.cors_preflight) says yes only to CORS_ALLOWED_ORIGINS.
2. A request that carries `Origin` must come from the app's own origin or from CORS_ALLOWED_ORIGINS.

The app's own origin is learnt from the request: its `Host`, `X-Forwarded-Host` (set by a proxy in
front, such as Front Door or Application Gateway), the URL the Functions host received, and
`https://` + WEBSITE_HOSTNAME (App Service's default host name). Trusting those headers is sound for
this check: a page on another site cannot set `Host` at all, nor `X-Forwarded-Host` without a
preflight; a client that is not a browser can send any header it likes, but it then holds the
credentials itself and there is no signed-in victim to protect.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import urlsplit

from shared import settings
from shared.api.request import ApiRequest
from shared.api.validate import JSON_MEDIA_TYPE, media_type
from shared.errors import OriginNotAllowedError, UnsupportedMediaTypeError

STATE_CHANGING_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HOSTNAME_VARIABLE: Final = "WEBSITE_HOSTNAME"
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def origin_key(value: str) -> str | None:
    """`scheme://host[:port]`, lower-case with the default port left out; None unless an http(s) origin."""
    try:
        parts = urlsplit(value.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host or parts.username is not None or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment:
        return None
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{netloc}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def _keys(values: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (origin_key(v) for v in values) if k is not None)


def allowed_origins(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """CORS_ALLOWED_ORIGINS (comma-separated, none by default; no wildcard), normalised."""
    return _keys(o for o in settings.get("CORS_ALLOWED_ORIGINS", env).split(",") if o.strip())


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def own_origins(request: ApiRequest, env: Mapping[str, str] | None = None) -> frozenset[str]:
    """The origins the app is being reached at, as this request and the platform tell it."""
    try:
        url = urlsplit(request.url)
        url_scheme, url_host = url.scheme.lower(), url.netloc
    except ValueError:
        url_scheme, url_host = "", ""
    forwarded = _list(request.header("x-forwarded-proto"))
    # https is never weaker than what the request came over; http only when it did come over http.
    schemes = {"https", (forwarded[0].lower() if forwarded else url_scheme)} & set(_DEFAULT_PORTS)
    hosts = [*_list(request.header("host")), *_list(request.header("x-forwarded-host")), url_host]
    candidates = [f"{scheme}://{host}" for scheme in schemes for host in hosts if host]
    website = ((os.environ if env is None else env).get(HOSTNAME_VARIABLE) or "").strip()
    if website:
        candidates.append(f"https://{website}")
    return _keys(candidates)


def admit(request: ApiRequest, env: Mapping[str, str] | None = None) -> None:
    """Refuse what a page on another site could have made a browser send (see the module docstring)."""
    origin = request.header("origin")
    if origin is not None:
        key = origin_key(origin)
        if key is None or key not in own_origins(request, env) | allowed_origins(env):
            raise OriginNotAllowedError("requests from this origin are not allowed")
    if request.method.upper() in STATE_CHANGING_METHODS and media_type(request) != JSON_MEDIA_TYPE:
        raise UnsupportedMediaTypeError(
            f"Content-Type must be {JSON_MEDIA_TYPE} on every {request.method.upper()}, with a body or without"
        )
