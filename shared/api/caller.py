"""Who is calling (DESIGN §6): App Service Authentication, an Entra bearer token, or local development.

AUTH_MODE picks the source. `easyauth` trusts the X-MS-CLIENT-PRINCIPAL header only when the platform
says authentication is enabled (it then strips that header from client requests); `jwt` validates a
bearer token against the issuer's JWKS; `local` is an admin without identity, only against the storage
emulator. Every identity failure is an AuthenticationError (401) with a short message that never
repeats the credential; the cause is logged.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any, Final

from shared import settings
from shared.api.jwks import JwtSettings, decode_bearer_token, jwks_cache
from shared.api.request import header_value
from shared.api.validate import load_json
from shared.core.access import ROLE_ADMIN, ROLE_READ, ROLE_TRIAGE, Caller
from shared.errors import AuthenticationError, SettingsError
from shared.storage.clients import is_local_emulator

_log = logging.getLogger(__name__)

PRINCIPAL_HEADER: Final = "X-MS-CLIENT-PRINCIPAL"
AUTH_ENABLED_VARIABLE: Final = "WEBSITE_AUTH_ENABLED"
LOCAL_CALLER: Final = Caller("local", "local-admin", frozenset({ROLE_READ, ROLE_TRIAGE, ROLE_ADMIN}), frozenset())

_OBJECT_ID_CLAIMS: Final = ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid")
_NAME_CLAIMS: Final = ("preferred_username", "name", "upn")
_MAX_PRINCIPAL_CHARS: Final = 64 * 1024

# What the client is told; the specific cause goes to the log.
_NO_IDENTITY: Final = "no authenticated identity"


def resolve_caller(headers: Mapping[str, str], env: Mapping[str, str] | None = None) -> Caller:
    """The caller of a request, according to AUTH_MODE."""
    mode = settings.get_choice("AUTH_MODE", settings.AUTH_MODES, env)
    if mode == "local":
        if not is_local_emulator(env):
            raise SettingsError("AUTH_MODE", "is 'local', which is refused unless storage is the local emulator")
        return LOCAL_CALLER
    if mode == "easyauth":
        return _caller_from_easy_auth(headers, env)
    return _caller_from_bearer(headers, env)


# --- App Service Authentication ("Easy Auth") ---------------------------------------------------


def _caller_from_easy_auth(headers: Mapping[str, str], env: Mapping[str, str] | None) -> Caller:
    source = os.environ if env is None else env
    # Without platform authentication in front, anyone can send the principal header.
    if source.get(AUTH_ENABLED_VARIABLE, "").strip().lower() != "true":
        _log.warning("AUTH_MODE=easyauth but %s is not 'true': refusing every caller", AUTH_ENABLED_VARIABLE)
        raise AuthenticationError(_NO_IDENTITY)
    raw = header_value(headers, PRINCIPAL_HEADER)
    if not raw:
        raise AuthenticationError(_NO_IDENTITY)
    return caller_from_client_principal(raw)


def _decode_principal(raw: str) -> Any:
    text = raw.strip()
    if len(text) > _MAX_PRINCIPAL_CHARS:
        raise ValueError("principal header too large")
    data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    return load_json(data)  # never a RecursionError, however deep the header nests


def caller_from_client_principal(raw: str) -> Caller:
    """The caller described by an X-MS-CLIENT-PRINCIPAL value (base64 JSON); AuthenticationError if unusable."""
    try:
        principal = _decode_principal(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        _log.warning("Unreadable %s header: %s", PRINCIPAL_HEADER, type(exc).__name__)
        raise AuthenticationError("the client principal is not readable") from None
    claims = principal.get("claims") if isinstance(principal, dict) else None
    if not isinstance(claims, list) or not all(
        isinstance(c, dict) and isinstance(c.get("typ"), str) and isinstance(c.get("val"), str) for c in claims
    ):
        _log.warning("%s header is not a principal with a claims list", PRINCIPAL_HEADER)
        raise AuthenticationError("the client principal is not readable")
    pairs = [(str(c["typ"]), str(c["val"])) for c in claims]
    role_types = {"roles"}
    role_typ = principal.get("role_typ")
    if isinstance(role_typ, str) and role_typ:
        role_types.add(role_typ)
    values: dict[str, list[str]] = {}
    for typ, val in pairs:
        values.setdefault(typ, []).append(val)
    name_types = list(_NAME_CLAIMS)
    name_typ = principal.get("name_typ")
    if isinstance(name_typ, str) and name_typ:
        name_types.append(name_typ)
    return _build_caller(
        object_id=_first(v for t in _OBJECT_ID_CLAIMS for v in values.get(t, [])),
        names=(v for t in name_types for v in values.get(t, [])),
        roles=(val for typ, val in pairs if typ in role_types),
        groups=(val for typ, val in pairs if typ == "groups"),
        source="client principal",
    )


# --- Bearer tokens --------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def caller_from_claims(claims: Mapping[str, Any]) -> Caller:
    """The caller described by validated token claims (oid, roles, groups, a display name)."""
    object_id = claims.get("oid")
    if "groups" not in claims and ("hasgroups" in claims or "groups" in (claims.get("_claim_names") or {})):
        # Group overage: Entra left the groups out of the token, so group-based tenant access sees nothing.
        _log.warning("Token of %s carries no groups claim (group overage); use fewer or app-assigned groups", object_id)
    return _build_caller(
        object_id=object_id if isinstance(object_id, str) else None,
        names=(v for name in _NAME_CLAIMS for v in _strings(claims.get(name))),
        roles=_strings(claims.get("roles")),
        groups=_strings(claims.get("groups")),
        source="token",
    )


def _caller_from_bearer(headers: Mapping[str, str], env: Mapping[str, str] | None) -> Caller:
    config = JwtSettings.from_env(env)
    parts = (header_value(headers, "Authorization") or "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise AuthenticationError("a bearer token is required")
    claims = decode_bearer_token(parts[1], jwks_cache(config.jwks_url), config.issuers, config.audiences)
    return caller_from_claims(claims)


# --- Common ---------------------------------------------------------------------------------------


def _first(values: Iterable[str]) -> str | None:
    return next((v.strip() for v in values if v.strip()), None)


def _build_caller(
    *, object_id: str | None, names: Iterable[str], roles: Iterable[str], groups: Iterable[str], source: str
) -> Caller:
    oid = (object_id or "").strip()
    if not oid:
        _log.warning("The %s carries no object id", source)
        raise AuthenticationError(f"the {source} carries no object id")
    return Caller(
        object_id=oid,
        name=_first(names) or oid,
        roles=frozenset(r.strip() for r in roles if r.strip()),
        groups=frozenset(g.strip() for g in groups if g.strip()),
    )
