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
import http.client
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from shared import settings
from shared.access import ROLE_ADMIN, ROLE_READ, ROLE_TRIAGE, Caller
from shared.errors import AuthenticationError, SettingsError
from shared.storage.clients import is_local_emulator

__all__ = [
    "ROLE_ADMIN",
    "ROLE_READ",
    "ROLE_TRIAGE",
    "Caller",
    "JwksCache",
    "JwtSettings",
    "caller_from_claims",
    "caller_from_client_principal",
    "decode_bearer_token",
    "header_value",
    "resolve_caller",
]

_log = logging.getLogger(__name__)

PRINCIPAL_HEADER: Final = "X-MS-CLIENT-PRINCIPAL"
AUTH_ENABLED_VARIABLE: Final = "WEBSITE_AUTH_ENABLED"
LOCAL_CALLER: Final = Caller("local", "local-admin", frozenset({ROLE_READ, ROLE_TRIAGE, ROLE_ADMIN}), frozenset())

_OBJECT_ID_CLAIMS: Final = ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid")
_NAME_CLAIMS: Final = ("preferred_username", "name", "upn")
_MAX_PRINCIPAL_CHARS: Final = 64 * 1024
_MAX_TOKEN_CHARS: Final = 16 * 1024

ACCEPTED_ALGORITHM: Final = "RS256"
LEEWAY_SECONDS: Final = 60
JWKS_TTL_SECONDS: Final = 3600.0
JWKS_MIN_REFRESH_SECONDS: Final = 60.0
JWKS_TIMEOUT_SECONDS: Final = 5.0
_MAX_JWKS_BYTES: Final = 512 * 1024

# What the client is told; the specific cause goes to the log.
_NO_IDENTITY: Final = "no authenticated identity"
_KEYS_UNAVAILABLE: Final = "token signing keys are unavailable"
_KEY_UNKNOWN: Final = "token signing key is not recognised"


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A request header by name, case-insensitively, for any mapping."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


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
    return json.loads(data.decode("utf-8"))


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


def _is_loopback(host: str) -> bool:
    return host == "localhost" or host == "::1" or host.startswith("127.")


def _required(name: str, env: Mapping[str, str] | None) -> str:
    value = settings.get(name, env).strip()
    if not value:
        raise SettingsError(name, "is not set (required when AUTH_MODE=jwt)")
    return value


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class JwtSettings:
    """Where the signing keys are and which issuers and audiences a token may name."""

    jwks_url: str
    issuers: tuple[str, ...]
    audiences: tuple[str, ...]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JwtSettings:
        """Read AUTH_JWT_*; issuer and audience may each be a comma-separated list."""
        url = _required("AUTH_JWT_JWKS_URL", env)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host or not (parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))):
            raise SettingsError("AUTH_JWT_JWKS_URL", "must be an https URL (plain http only on a loopback address)")
        issuers = _split_list(_required("AUTH_JWT_ISSUER", env))
        audiences = _split_list(_required("AUTH_JWT_AUDIENCE", env))
        if not issuers:
            raise SettingsError("AUTH_JWT_ISSUER", "is not set (required when AUTH_MODE=jwt)")
        if not audiences:
            raise SettingsError("AUTH_JWT_AUDIENCE", "is not set (required when AUTH_MODE=jwt)")
        return cls(url, issuers, audiences)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The keys come from the configured URL itself, never from wherever it redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _http_get(url: str, timeout: float) -> bytes:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with opener.open(request, timeout=timeout) as response:
        if response.status != 200:
            raise ValueError(f"JWKS answered HTTP {response.status}")
        body: bytes = response.read(_MAX_JWKS_BYTES + 1)
    if len(body) > _MAX_JWKS_BYTES:
        raise ValueError("JWKS document too large")
    return body


def _parse_jwks(body: bytes) -> dict[str, RSAPublicKey]:
    document = json.loads(body)
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("JWKS document has no keys array")
    keys: dict[str, RSAPublicKey] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", ACCEPTED_ALGORITHM) != ACCEPTED_ALGORITHM:
            continue
        try:
            key = RSAAlgorithm.from_jwk(entry)
        except (jwt.InvalidKeyError, ValueError, KeyError, TypeError):
            _log.warning("Skipping an unusable RSA key in the JWKS (kid %s)", entry["kid"])
            continue
        keys[entry["kid"]] = key.public_key() if isinstance(key, RSAPrivateKey) else key
    if not keys:
        raise ValueError("JWKS document has no usable RS256 signing key")
    return keys


class JwksCache:
    """Signing keys of one JWKS URL, cached for `ttl`; an unknown kid refetches at most once per `min_refresh`."""

    def __init__(
        self,
        url: str,
        *,
        ttl: float = JWKS_TTL_SECONDS,
        min_refresh: float = JWKS_MIN_REFRESH_SECONDS,
        timeout: float = JWKS_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        fetch: Callable[[str, float], bytes] = _http_get,
    ) -> None:
        self.url = url
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._timeout = timeout
        self._clock = clock
        self._fetch = fetch
        self._lock = threading.Lock()
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None

    def key(self, kid: str) -> RSAPublicKey:
        """The public key with this kid; AuthenticationError when unknown or the JWKS cannot be read."""
        with self._lock:
            now = self._clock()
            fresh = self._fetched_at is not None and now - self._fetched_at < self._ttl
            if fresh and kid in self._keys:
                return self._keys[kid]
            # Tokens with made-up kids must not turn into a stream of requests to the JWKS.
            if self._attempted_at is not None and now - self._attempted_at < self._min_refresh:
                raise AuthenticationError(_KEY_UNKNOWN if fresh else _KEYS_UNAVAILABLE)
            self._attempted_at = now
            try:
                keys = _parse_jwks(self._fetch(self.url, self._timeout))
            except (OSError, ValueError, http.client.HTTPException) as exc:
                _log.warning("Could not load the JWKS from %s: %s", self.url, exc)
                raise AuthenticationError(_KEYS_UNAVAILABLE) from None
            self._keys = keys
            self._fetched_at = now
            found = keys.get(kid)
        if found is None:
            raise AuthenticationError(_KEY_UNKNOWN)
        return found


_CACHES: dict[str, JwksCache] = {}
_CACHES_LOCK = threading.Lock()


def _jwks_cache(url: str) -> JwksCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(url)
        if cache is None:
            cache = _CACHES[url] = JwksCache(url)
        return cache


_DECODE_FAILURES: Final[tuple[tuple[type[jwt.PyJWTError], str], ...]] = (
    (jwt.ExpiredSignatureError, "token has expired"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.InvalidAudienceError, "token audience is not accepted"),
    (jwt.InvalidIssuerError, "token issuer is not accepted"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
)


def decode_bearer_token(
    token: str,
    jwks: JwksCache,
    issuers: Iterable[str],
    audiences: Iterable[str],
    *,
    leeway: float = LEEWAY_SECONDS,
) -> dict[str, Any]:
    """The claims of a valid RS256 token (signature, issuer, audience, exp, nbf); AuthenticationError otherwise."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        raise AuthenticationError("token is invalid")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthenticationError("token is invalid") from None
    # Only RS256: refuses `none` and HMAC tokens "signed" with the public key.
    if header.get("alg") != ACCEPTED_ALGORITHM:
        raise AuthenticationError("token algorithm is not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthenticationError("token has no key id")
    key = jwks.key(kid)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ACCEPTED_ALGORITHM],
            audience=list(audiences),
            issuer=tuple(issuers),
            leeway=leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        message = next((text for kind, text in _DECODE_FAILURES if isinstance(exc, kind)), "token is invalid")
        _log.info("Bearer token refused: %s", message)
        raise AuthenticationError(message) from None
    return claims


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
    claims = decode_bearer_token(parts[1], _jwks_cache(config.jwks_url), config.issuers, config.audiences)
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
