"""Who is calling: bearer tokens against a real JWKS over HTTP, Easy Auth principals, local mode."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.api.caller import resolve_caller
from shared.api.jwks import JwksCache, JwtSettings, decode_bearer_token
from shared.core.access import ROLE_ADMIN, ROLE_READ, ROLE_TRIAGE, Caller
from shared.errors import AuthenticationError, SettingsError

ISSUER = "https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
AUDIENCE = "api://tenantatlas-drift"
OID = "8c1a5d0e-3b7f-4e29-9d6c-2a4b6e8f0a13"
GROUP = "6f1c2b7e-1d2a-4c43-9a51-0b6f4f4d1a01"
KID = "key-1"
EMULATOR = "UseDevelopmentStorage=true"


# --- keys and a JWKS served over HTTP -------------------------------------------------------------


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**entry, "kid": kid, "use": "sig", "alg": "RS256"}


class JwksServer:
    """A JWKS endpoint on 127.0.0.1 that counts its requests; `document`, `status` and `delay` are settable."""

    def __init__(self) -> None:
        self.document: Any = {"keys": []}
        self.status = 200
        self.delay = 0.0
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                time.sleep(server.delay)
                body = server.document if isinstance(server.document, bytes) else json.dumps(server.document).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.block_on_close = False
        # A unique path per server: the in-process key cache is per URL and ports get reused.
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/{uuid.uuid4()}/discovery/v2.0/keys"
        # A short poll interval keeps shutdown (one per test) quick.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def jwks(signing_key: rsa.RSAPrivateKey) -> Iterator[JwksServer]:
    server = JwksServer()
    server.document = {"keys": [jwk(signing_key, KID)]}
    yield server
    server.close()


@pytest.fixture
def jwt_env(jwks: JwksServer) -> dict[str, str]:
    return {
        "AUTH_MODE": "jwt",
        "AUTH_JWT_JWKS_URL": jwks.url,
        "AUTH_JWT_ISSUER": ISSUER,
        "AUTH_JWT_AUDIENCE": AUDIENCE,
    }


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "oid": OID,
        "preferred_username": "ada@contoso.example",
        "name": "Ada Lovelace",
        "roles": [ROLE_TRIAGE],
        "groups": [GROUP],
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def token(key: rsa.RSAPrivateKey, kid: str | None = KID, **overrides: Any) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers=headers)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def refused(headers: dict[str, str], env: dict[str, str]) -> AuthenticationError:
    with pytest.raises(AuthenticationError) as info:
        resolve_caller(headers, env)
    assert info.value.code == "unauthenticated"
    return info.value


# --- bearer tokens --------------------------------------------------------------------------------


def test_a_valid_token_gives_the_caller(signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]) -> None:
    # Lower-case header name: headers are looked up case-insensitively in any mapping.
    caller = resolve_caller({"authorization": "Bearer " + token(signing_key)}, jwt_env)
    assert caller == Caller(OID, "ada@contoso.example", frozenset({ROLE_TRIAGE}), frozenset({GROUP}))
    assert not caller.is_admin


def test_the_name_falls_back_from_preferred_username_to_name_upn_and_object_id(
    signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]
) -> None:
    def name(**overrides: Any) -> str:
        return resolve_caller(bearer(token(signing_key, **overrides)), jwt_env).name

    assert name(preferred_username=None) == "Ada Lovelace"
    assert name(preferred_username=None, name=None, upn="ada@upn.example") == "ada@upn.example"
    assert name(preferred_username=None, name=None) == OID


def test_a_token_without_roles_gives_a_caller_without_roles(
    signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]
) -> None:
    caller = resolve_caller(bearer(token(signing_key, roles=None, groups=None)), jwt_env)
    assert caller.object_id == OID
    assert caller.roles == frozenset() and caller.groups == frozenset()


def test_an_audience_list_in_the_token_and_several_accepted_audiences(
    signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]
) -> None:
    env = {**jwt_env, "AUTH_JWT_AUDIENCE": f"{AUDIENCE}, 0b6e5b8c-3c39-4f0d-9c1c-6a7c1b1d2e3f"}
    other_aud = token(signing_key, aud="0b6e5b8c-3c39-4f0d-9c1c-6a7c1b1d2e3f")
    assert resolve_caller(bearer(other_aud), env).object_id == OID
    listed = token(signing_key, aud=["https://elsewhere.example", AUDIENCE])
    assert resolve_caller(bearer(listed), jwt_env).object_id == OID


def test_expiry_and_not_before_allow_a_small_clock_skew(
    signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]
) -> None:
    now = int(time.time())
    assert resolve_caller(bearer(token(signing_key, exp=now - 30)), jwt_env).object_id == OID
    assert resolve_caller(bearer(token(signing_key, nbf=now + 30)), jwt_env).object_id == OID


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other key, same kid", "token signature is invalid"),
        ("unknown kid", "token signing key is not recognised"),
        ("no kid", "token has no key id"),
        ("wrong audience", "token audience is not accepted"),
        ("no audience", "token lacks a required claim"),
        ("wrong issuer", "token issuer is not accepted"),
        ("expired", "token has expired"),
        ("no expiry", "token lacks a required claim"),
        ("not yet valid", "token is not yet valid"),
        ("no object id", "the token carries no object id"),
        ("malformed", "token is invalid"),
        ("garbage segments", "token is invalid"),
        ("tampered payload", "token signature is invalid"),
        ("alg none", "token algorithm is not accepted"),
        ("HS256 with the public key", "token algorithm is not accepted"),
        ("RS512", "token algorithm is not accepted"),
    ],
)
def test_bad_tokens_are_refused_without_echoing_them(
    case: str,
    message: str,
    signing_key: rsa.RSAPrivateKey,
    other_key: rsa.RSAPrivateKey,
    jwt_env: dict[str, str],
) -> None:
    now = int(time.time())
    public_pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    valid = token(signing_key)
    head, _, sig = valid.split(".")
    forged_payload = b64url(json.dumps(claims(roles=[ROLE_ADMIN])).encode())
    hs_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": KID}, claims(roles=[ROLE_ADMIN]))
    hs_signature = b64url(hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest())
    makers: dict[str, Callable[[], str]] = {
        "other key, same kid": lambda: token(other_key),
        "unknown kid": lambda: token(signing_key, kid="key-2"),
        "no kid": lambda: token(signing_key, kid=None),
        "wrong audience": lambda: token(signing_key, aud="api://someone-else"),
        "no audience": lambda: token(signing_key, aud=None),
        "wrong issuer": lambda: token(signing_key, iss="https://login.microsoftonline.com/other/v2.0"),
        "expired": lambda: token(signing_key, exp=now - 120),
        "no expiry": lambda: token(signing_key, exp=None),
        "not yet valid": lambda: token(signing_key, nbf=now + 300),
        "no object id": lambda: token(signing_key, oid=None),
        "malformed": lambda: "not-a-token",
        "garbage segments": lambda: "eyJhbGciOi.!!!.???",
        "tampered payload": lambda: f"{head}.{forged_payload}.{sig}",
        "alg none": lambda: unsigned({"alg": "none", "typ": "JWT", "kid": KID}, claims(roles=[ROLE_ADMIN])) + ".",
        "HS256 with the public key": lambda: f"{hs_input}.{hs_signature}",
        "RS512": lambda: jwt.encode(claims(), signing_key, algorithm="RS512", headers={"kid": KID}),
    }
    value = makers[case]()
    error = refused(bearer(value), jwt_env)
    assert error.message == message
    assert value not in str(error)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Basic YWRhOnNlY3JldA=="}],
    ids=["none", "empty", "no-token", "basic"],
)
def test_a_request_without_a_bearer_token_is_refused(headers: dict[str, str], jwt_env: dict[str, str]) -> None:
    assert refused(headers, jwt_env).message == "a bearer token is required"


def test_keys_are_fetched_once_for_many_validations(
    signing_key: rsa.RSAPrivateKey, jwks: JwksServer, jwt_env: dict[str, str]
) -> None:
    for _ in range(10):
        assert resolve_caller(bearer(token(signing_key)), jwt_env).object_id == OID
    assert jwks.requests == 1


def test_unknown_kids_refresh_the_keys_at_most_once_a_minute(
    signing_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey, jwks: JwksServer
) -> None:
    now = [1000.0]
    cache = JwksCache(jwks.url, clock=lambda: now[0])

    def check(value: str) -> dict[str, Any]:
        return decode_bearer_token(value, cache, [ISSUER], [AUDIENCE])

    assert check(token(signing_key))["oid"] == OID
    assert jwks.requests == 1
    # The keys rotate: the new kid is not known yet.
    jwks.document = {"keys": [jwk(signing_key, KID), jwk(other_key, "key-2")]}
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            check(token(other_key, kid="key-2"))
    assert jwks.requests == 1
    now[0] += 61
    assert check(token(other_key, kid="key-2"))["oid"] == OID
    assert jwks.requests == 2
    # Made-up kids cost at most one fetch a minute.
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            check(token(other_key, kid="made-up"))
    now[0] += 30
    with pytest.raises(AuthenticationError):
        check(token(other_key, kid="made-up"))
    assert jwks.requests == 2
    now[0] += 31
    with pytest.raises(AuthenticationError):
        check(token(other_key, kid="made-up"))
    assert jwks.requests == 3
    # Known keys keep validating without fetching.
    assert check(token(signing_key))["oid"] == OID
    assert jwks.requests == 3


def test_cached_keys_expire_after_the_ttl(signing_key: rsa.RSAPrivateKey, jwks: JwksServer) -> None:
    now = [0.0]
    cache = JwksCache(jwks.url, ttl=3600, clock=lambda: now[0])
    decode_bearer_token(token(signing_key), cache, [ISSUER], [AUDIENCE])
    now[0] += 3599
    decode_bearer_token(token(signing_key), cache, [ISSUER], [AUDIENCE])
    assert jwks.requests == 1
    now[0] += 2
    decode_bearer_token(token(signing_key), cache, [ISSUER], [AUDIENCE])
    assert jwks.requests == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_jwks_is_a_401(signing_key: rsa.RSAPrivateKey, jwt_env: dict[str, str]) -> None:
    env = {**jwt_env, "AUTH_JWT_JWKS_URL": f"http://127.0.0.1:{free_port()}/{uuid.uuid4()}/keys"}
    error = refused(bearer(token(signing_key)), env)
    assert error.message == "token signing keys are unavailable"


@pytest.mark.parametrize(
    ("status", "document"),
    [(500, {"keys": []}), (200, b"<html>not json</html>"), (200, {"keys": []}), (200, {"nokeys": 1}), (200, [1])],
    ids=["http-500", "not-json", "no-keys", "no-keys-array", "not-an-object"],
)
def test_a_broken_jwks_is_a_401(
    status: int, document: Any, signing_key: rsa.RSAPrivateKey, jwks: JwksServer, jwt_env: dict[str, str]
) -> None:
    jwks.status = status
    jwks.document = document
    assert refused(bearer(token(signing_key)), jwt_env).message == "token signing keys are unavailable"


def test_a_slow_jwks_times_out_as_a_401(signing_key: rsa.RSAPrivateKey, jwks: JwksServer) -> None:
    jwks.delay = 2.0
    cache = JwksCache(jwks.url, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(AuthenticationError):
        decode_bearer_token(token(signing_key), cache, [ISSUER], [AUDIENCE])
    assert time.monotonic() - started < 1.5


def test_keys_of_other_types_and_uses_are_ignored(
    signing_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey, jwks: JwksServer, jwt_env: dict[str, str]
) -> None:
    jwks.document = {
        "keys": [
            {**jwk(other_key, "enc-key"), "use": "enc"},
            {**jwk(other_key, "ps-key"), "alg": "PS256"},
            {"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AA", "y": "AA"},
            {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
            jwk(signing_key, KID),
        ]
    }
    assert resolve_caller(bearer(token(signing_key)), jwt_env).object_id == OID
    assert refused(bearer(token(other_key, kid="enc-key")), jwt_env).message == "token signing key is not recognised"


@pytest.mark.parametrize("missing", ["AUTH_JWT_JWKS_URL", "AUTH_JWT_ISSUER", "AUTH_JWT_AUDIENCE"])
def test_jwt_mode_names_a_missing_setting(missing: str, jwt_env: dict[str, str]) -> None:
    for env in ({k: v for k, v in jwt_env.items() if k != missing}, {**jwt_env, missing: " "}):
        with pytest.raises(SettingsError) as info:
            resolve_caller(bearer("x"), env)
        assert info.value.setting == missing


@pytest.mark.parametrize(
    "url",
    [
        "http://login.example.com/keys",
        "ftp://127.0.0.1/keys",
        "not a url",
        # Names and addresses that only look like loopback: the host is parsed, not matched as text.
        "http://127.0.0.1.example.invalid/keys",
        "http://127.1.example.invalid/keys",
        "http://localhost.example.invalid/keys",
        "http://127.0.0.1@jwks.example.invalid/keys",
        "http://[::2]/keys",
        "http://128.0.0.1/keys",
        "http://[::1/keys",
    ],
)
def test_the_jwks_url_must_be_https_except_on_loopback(url: str, jwt_env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as info:
        resolve_caller(bearer("x"), {**jwt_env, "AUTH_JWT_JWKS_URL": url})
    assert info.value.setting == "AUTH_JWT_JWKS_URL"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/keys", "http://127.254.3.9/keys", "http://[::1]:9/keys", "http://LOCALHOST/keys"]
)
def test_plain_http_is_accepted_on_an_actual_loopback_address(url: str, jwt_env: dict[str, str]) -> None:
    assert JwtSettings.from_env({**jwt_env, "AUTH_JWT_JWKS_URL": url}).jwks_url == url


# --- App Service Authentication -------------------------------------------------------------------

ROLE_URI = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
OID_URI = "http://schemas.microsoft.com/identity/claims/objectidentifier"


def principal(claim_pairs: list[tuple[str, str]], role_typ: str = ROLE_URI, **extra: Any) -> dict[str, Any]:
    return {
        "auth_typ": "aad",
        "name_typ": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "role_typ": role_typ,
        "claims": [{"typ": t, "val": v} for t, v in claim_pairs],
        **extra,
    }


def encode(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


ADA = principal(
    [
        (OID_URI, OID),
        ("preferred_username", "ada@contoso.example"),
        ("name", "Ada Lovelace"),
        ("roles", ROLE_READ),
        (ROLE_URI, ROLE_TRIAGE),
        ("groups", GROUP),
        ("groups", "0d9e8f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6"),
    ]
)
EASYAUTH_ON = {"AUTH_MODE": "easyauth", "WEBSITE_AUTH_ENABLED": "True"}


def test_a_principal_gives_the_caller_when_platform_authentication_is_on() -> None:
    caller = resolve_caller({"X-MS-CLIENT-PRINCIPAL": encode(ADA)}, EASYAUTH_ON)
    assert caller == Caller(
        OID,
        "ada@contoso.example",
        frozenset({ROLE_READ, ROLE_TRIAGE}),
        frozenset({GROUP, "0d9e8f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6"}),
    )


def test_the_principal_is_read_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "easyauth")
    headers = {"x-ms-client-principal": encode(ADA)}
    monkeypatch.setenv("WEBSITE_AUTH_ENABLED", "true")
    assert resolve_caller(headers).object_id == OID
    monkeypatch.delenv("WEBSITE_AUTH_ENABLED")
    with pytest.raises(AuthenticationError):
        resolve_caller(headers)


@pytest.mark.parametrize(
    "env",
    [
        {"AUTH_MODE": "easyauth"},
        {"AUTH_MODE": "easyauth", "WEBSITE_AUTH_ENABLED": "false"},
        {"AUTH_MODE": "easyauth", "WEBSITE_AUTH_ENABLED": ""},
        {"AUTH_MODE": "easyauth", "WEBSITE_AUTH_ENABLED": "1"},
        {"WEBSITE_AUTH_ENABLED": "yes"},  # easyauth is the default mode
    ],
)
def test_a_principal_is_not_trusted_without_platform_authentication(env: dict[str, str]) -> None:
    refused({"X-MS-CLIENT-PRINCIPAL": encode(ADA)}, env)


def test_a_custom_role_claim_type_is_honoured() -> None:
    custom = "https://contoso.example/claims/approle"
    value = principal(
        [("oid", OID), (custom, ROLE_ADMIN), (ROLE_URI, "Not.Counted"), ("roles", ROLE_READ)], role_typ=custom
    )
    caller = resolve_caller({"X-MS-CLIENT-PRINCIPAL": encode(value)}, EASYAUTH_ON)
    assert caller.roles == frozenset({ROLE_ADMIN, ROLE_READ})
    assert caller.is_admin


def test_principal_name_falls_back_to_name_typ_then_object_id() -> None:
    emailed = principal([("oid", OID), ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "a@b.c")])
    assert resolve_caller({"X-MS-CLIENT-PRINCIPAL": encode(emailed)}, EASYAUTH_ON).name == "a@b.c"
    bare = principal([("oid", OID), ("upn", "  ")])
    caller = resolve_caller({"X-MS-CLIENT-PRINCIPAL": encode(bare)}, EASYAUTH_ON)
    assert caller.name == OID and caller.roles == frozenset() and caller.groups == frozenset()


def test_unpadded_base64_is_accepted() -> None:
    raw = encode(ADA).rstrip("=")
    assert resolve_caller({"X-MS-CLIENT-PRINCIPAL": raw}, EASYAUTH_ON).object_id == OID


@pytest.mark.parametrize(
    "raw",
    [
        "%%%not-base64%%%",
        base64.b64encode(b"\xff\xfe\x00garbage").decode(),
        base64.b64encode(b"{not json").decode(),
        encode([1, 2, 3]),
        encode({"auth_typ": "aad"}),
        encode({"claims": "roles"}),
        encode({"claims": [{"typ": "oid", "val": 42}]}),
        encode({"claims": [["oid", OID]]}),
        "A" * (70 * 1024),
    ],
    ids=["not-base64", "not-utf8", "not-json", "array", "no-claims", "claims-not-list", "val-not-str", "pairs", "huge"],
)
def test_an_unreadable_principal_is_a_401(raw: str) -> None:
    assert refused({"X-MS-CLIENT-PRINCIPAL": raw}, EASYAUTH_ON).message == "the client principal is not readable"


def test_a_missing_principal_or_object_id_is_a_401() -> None:
    refused({}, EASYAUTH_ON)
    refused({"X-MS-CLIENT-PRINCIPAL": ""}, EASYAUTH_ON)
    no_oid = principal([("preferred_username", "ada@contoso.example"), ("roles", ROLE_ADMIN)])
    refused({"X-MS-CLIENT-PRINCIPAL": encode(no_oid)}, EASYAUTH_ON)


# --- local development ----------------------------------------------------------------------------

AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
    "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;"
)


@pytest.mark.parametrize("storage", [EMULATOR, AZURITE])
def test_local_mode_is_an_admin_against_the_emulator(storage: str) -> None:
    caller = resolve_caller({}, {"AUTH_MODE": "local", "AzureWebJobsStorage": storage})
    assert caller.roles == frozenset({ROLE_READ, ROLE_TRIAGE, ROLE_ADMIN})
    assert caller.is_admin and caller.name == "local-admin"


@pytest.mark.parametrize(
    "storage",
    [
        "DefaultEndpointsProtocol=https;AccountName=contosodrift;AccountKey=a2V5;EndpointSuffix=core.windows.net",
        AZURITE.replace("127.0.0.1", "drift.example.com"),
        "",
    ],
    ids=["azure-account", "emulator-account-off-loopback", "unset"],
)
def test_local_mode_is_refused_anywhere_else(storage: str) -> None:
    with pytest.raises(SettingsError) as info:
        resolve_caller({"Authorization": "Bearer whatever"}, {"AUTH_MODE": "local", "AzureWebJobsStorage": storage})
    assert info.value.setting == "AUTH_MODE"


def test_an_unknown_auth_mode_is_a_settings_error() -> None:
    with pytest.raises(SettingsError) as info:
        resolve_caller({}, {"AUTH_MODE": "anonymous"})
    assert info.value.setting == "AUTH_MODE"
