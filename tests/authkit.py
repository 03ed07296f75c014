"""Test identities: an RSA key, a JWKS served on loopback, tokens and Easy Auth principals."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
AUDIENCE = "api://tenantatlas-drift-tests"


@dataclass
class Issuer:
    """Signs tokens with a key whose public half the JWKS endpoint serves."""

    jwks_url: str
    key: rsa.RSAPrivateKey
    kid: str

    def token(
        self,
        roles: list[str],
        groups: list[str] | None = None,
        name: str = "tech@msp.example",
        oid: str | None = None,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now - 5, "exp": now + 600,
            "oid": oid or str(uuid.uuid4()), "preferred_username": name, "roles": roles, "groups": groups or [],
        }  # fmt: skip
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, roles: list[str], groups: list[str] | None = None, **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(roles, groups, **kw)}"}


@contextmanager
def jwks_issuer() -> Iterator[Issuer]:
    """An issuer whose JWKS is served over HTTP on a free loopback port."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = uuid.uuid4().hex
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Issuer(f"http://127.0.0.1:{server.server_address[1]}/keys", key, kid)
    finally:
        server.shutdown()


def easyauth_headers(
    roles: list[str], groups: list[str] | None = None, name: str = "tech@msp.example"
) -> dict[str, str]:
    """X-MS-CLIENT-PRINCIPAL as App Service Authentication sends it."""
    claims = [{"typ": "roles", "val": r} for r in roles] + [{"typ": "groups", "val": g} for g in groups or []]
    claims += [
        {"typ": "preferred_username", "val": name},
        {"typ": "http://schemas.microsoft.com/identity/claims/objectidentifier", "val": str(uuid.uuid4())},
    ]
    principal = {"auth_typ": "aad", "name_typ": "preferred_username", "role_typ": "roles", "claims": claims}
    return {"X-MS-CLIENT-PRINCIPAL": base64.b64encode(json.dumps(principal).encode()).decode()}
