"""Credentials for Graph: managed identity as federated credential, secret, certificate, or static token."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from kiota_abstractions.authentication import AuthenticationProvider
from kiota_abstractions.request_information import RequestInformation

from shared import settings
from shared.errors import SettingsError

_FEDERATION_SCOPE = "api://AzureADTokenExchange/.default"


def _b64url(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class StaticTokenProvider(AuthenticationProvider):
    """Sends a fixed bearer secret to a local simulator, bound to one tenant like a token's `tid`."""

    def __init__(self, secret: str, tenant_id: str) -> None:
        self._token = f"{_b64url({'alg': 'none', 'typ': 'JWT'})}.{_b64url({'tid': tenant_id, 'aud': 'https://graph.microsoft.com'})}.{secret}"

    async def authenticate_request(
        self, request: RequestInformation, additional_authentication_context: dict[str, Any] | None = None
    ) -> None:
        """Add the Authorization header."""
        request.headers.try_add("Authorization", f"Bearer {self._token}")


def build_auth_provider(tenant_id: str, env: Mapping[str, str] | None = None) -> AuthenticationProvider:
    """The auth provider for one customer tenant, from the app settings (DESIGN §7)."""
    base_url = settings.get("GRAPH_BASE_URL", env)
    mode = settings.get_choice("GRAPH_CREDENTIAL_MODE", settings.CREDENTIAL_MODES, env)
    if mode == "static_token":
        if settings.is_microsoft_cloud_host(base_url):
            raise SettingsError("GRAPH_STATIC_TOKEN", "is only for a local Graph simulator, not for " + base_url)
        secret = settings.get("GRAPH_STATIC_TOKEN", env)
        if not secret:
            raise SettingsError("GRAPH_STATIC_TOKEN", "is not set (GRAPH_CREDENTIAL_MODE=static_token)")
        return StaticTokenProvider(secret, tenant_id)
    return _azure_provider(mode, tenant_id, base_url, env)


def _azure_provider(mode: str, tenant_id: str, base_url: str, env: Mapping[str, str] | None) -> AuthenticationProvider:
    from azure.identity.aio import (
        CertificateCredential,
        ClientAssertionCredential,
        ClientSecretCredential,
    )
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )

    client_id = settings.get("GRAPH_CLIENT_ID", env)
    if not client_id:
        raise SettingsError("GRAPH_CLIENT_ID", f"is not set (GRAPH_CREDENTIAL_MODE={mode})")
    credential: Any
    if mode == "client_secret":
        secret = settings.get("GRAPH_CLIENT_SECRET", env)
        if not secret:
            raise SettingsError("GRAPH_CLIENT_SECRET", "is not set (GRAPH_CREDENTIAL_MODE=client_secret)")
        credential = ClientSecretCredential(tenant_id, client_id, secret)
    elif mode == "certificate":
        encoded = settings.get("GRAPH_CLIENT_CERTIFICATE", env)
        if not encoded:
            raise SettingsError("GRAPH_CLIENT_CERTIFICATE", "is not set (GRAPH_CREDENTIAL_MODE=certificate)")
        credential = CertificateCredential(tenant_id, client_id, certificate_data=base64.b64decode(encoded))
    else:
        # The app's user-assigned identity signs in as the multi-tenant app (federated credential):
        # no secret is stored anywhere.
        from azure.identity import ManagedIdentityCredential as SyncManagedIdentity

        identity = SyncManagedIdentity(client_id=settings.get("GRAPH_MANAGED_IDENTITY_CLIENT_ID", env) or None)
        credential = ClientAssertionCredential(
            tenant_id, client_id, lambda: identity.get_token(_FEDERATION_SCOPE).token
        )
    host = urlsplit(base_url).hostname or "graph.microsoft.com"
    return AzureIdentityAuthenticationProvider(
        credential, scopes=[f"{base_url.rstrip('/')}/.default"], allowed_hosts=[host]
    )
