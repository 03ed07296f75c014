"""Entra bearer tokens: JWT settings, the JWKS key cache, and token validation (RS256 only).

Every failure is an AuthenticationError (401) with a short message that never repeats the token; the
cause is logged.
"""

from __future__ import annotations

import http.client
import logging
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
from shared.api.validate import load_json
from shared.errors import AuthenticationError, SettingsError

_log = logging.getLogger(__name__)

_MAX_TOKEN_CHARS: Final = 16 * 1024
ACCEPTED_ALGORITHM: Final = "RS256"
LEEWAY_SECONDS: Final = 60
JWKS_TTL_SECONDS: Final = 3600.0
JWKS_MIN_REFRESH_SECONDS: Final = 60.0
JWKS_TIMEOUT_SECONDS: Final = 5.0
_MAX_JWKS_BYTES: Final = 512 * 1024

_KEYS_UNAVAILABLE: Final = "token signing keys are unavailable"
_KEY_UNKNOWN: Final = "token signing key is not recognised"


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
        host = settings.url_host(url)
        scheme = urlsplit(url.strip()).scheme.lower() if host else ""
        # Plain http only where nobody else is on the wire: an address parsed as loopback, not a name
        # that merely starts like one (127.0.0.1.example.invalid).
        if not host or not (scheme == "https" or (scheme == "http" and settings.is_loopback_host(host))):
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
    document = load_json(body)
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


def jwks_cache(url: str) -> JwksCache:
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
