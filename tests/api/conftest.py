"""Identity fixtures of the API tests: a JWKS issuer for the module, and the app switched to JWT mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.authkit import AUDIENCE, ISSUER, Issuer, jwks_issuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with jwks_issuer() as value:
        yield value


@pytest.fixture
def jwt_mode(monkeypatch: pytest.MonkeyPatch, issuer: Issuer) -> Issuer:
    monkeypatch.setenv("AUTH_MODE", "jwt")
    monkeypatch.setenv("AUTH_JWT_JWKS_URL", issuer.jwks_url)
    monkeypatch.setenv("AUTH_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_JWT_AUDIENCE", AUDIENCE)
    return issuer
