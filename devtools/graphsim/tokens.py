"""Simulated bearer tokens: ``<header>.<payload>.<secret>``, tenant chosen by the payload's ``tid``.

Graph picks the tenant from the access token; the simulator does the same. The "signature" is the
simulator's shared secret verbatim, so tests can mint tokens without any crypto.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

GRAPH_AUDIENCE = "https://graph.microsoft.com"
ACCEPTED_AUDIENCES: frozenset[str] = frozenset(
    {GRAPH_AUDIENCE, GRAPH_AUDIENCE + "/", "00000003-0000-0000-c000-000000000000"}
)
SIM_APP_ID = "5e2c8d1a-7b3f-4c9e-a1d2-3f4e5a6b7c8d"


class TokenError(Exception):
    """The Authorization header is missing or not acceptable; ``message`` is Graph's wording."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def make_token(
    tenant_id: str,
    secret: str,
    *,
    audience: str = GRAPH_AUDIENCE,
    expires_in: float | None = 3600.0,
    app_id: str = SIM_APP_ID,
    roles: tuple[str, ...] = (
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementApps.Read.All",
        "DeviceManagementServiceConfig.Read.All",
        "DeviceManagementScripts.Read.All",
        "DeviceManagementRBAC.Read.All",
        "Policy.Read.All",
        "Policy.Read.DeviceConfiguration",
        "GroupSettings.Read.All",
        "CloudPC.Read.All",
        "Directory.Read.All",
        "AuditLog.Read.All",
    ),
) -> str:
    """A bearer token the simulator accepts for ``tenant_id`` (``expires_in=None``: never expires)."""
    now = int(time.time())
    header = {"typ": "JWT", "alg": "none", "kid": "graphsim"}
    payload: dict[str, Any] = {
        "aud": audience,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": now,
        "nbf": now,
        "appid": app_id,
        "idtyp": "app",
        "roles": list(roles),
        "tid": tenant_id,
        "ver": "1.0",
    }
    if expires_in is not None:
        payload["exp"] = now + int(expires_in)
    h = _b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    p = _b64url_encode(json.dumps(payload, separators=(",", ":")).encode())
    return f"{h}.{p}.{secret}"


def read_token(authorization: str | None, secret: str) -> dict[str, Any]:
    """Validate an ``Authorization`` header value and return the token payload; raise TokenError."""
    if not authorization or not authorization.strip():
        raise TokenError("Access token is empty.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("Access token is empty.")
    parts = token.strip().split(".", 2)
    if len(parts) != 3:
        raise TokenError("IDX14100: JWT is not well formed, there are no dots (.).")
    h, p, sig = parts
    try:
        json.loads(_b64url_decode(h))
        payload = json.loads(_b64url_decode(p))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise TokenError("Invalid JWT token. The token is malformed.") from exc
    if not isinstance(payload, dict):
        raise TokenError("Invalid JWT token. The token is malformed.")
    if sig != secret:
        raise TokenError("Access token validation failure. Invalid signature.")
    if payload.get("aud") not in ACCEPTED_AUDIENCES:
        raise TokenError("Access token validation failure. Invalid audience.")
    exp = payload.get("exp")
    if isinstance(exp, (int, float)) and exp < time.time():
        raise TokenError("Lifetime validation failed, the token is expired.")
    tid = payload.get("tid")
    if not isinstance(tid, str) or not tid:
        raise TokenError("Access token validation failure. The token has no tenant.")
    return payload
