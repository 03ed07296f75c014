"""App settings: one catalogue, read lazily from the environment, validated with clear errors."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from shared.errors import SettingsError


@dataclass(frozen=True)
class SettingSpec:
    """One app setting the code reads: its name, default, and where it must be set."""

    name: str
    default: str | None
    description: str
    required_in_azure: bool = True


# Every setting the code reads. `infra/` wires each one whose `required_in_azure` is true and
# `local.settings.sample.json` lists all of them; tests keep the three in step.
APP_SETTINGS: Final[tuple[SettingSpec, ...]] = (
    SettingSpec("AzureWebJobsStorage", None, "Storage connection (or identity-based AzureWebJobsStorage__*)", False),
    SettingSpec("SCAN_SCHEDULE", "0 0 */6 * * *", "NCRONTAB schedule of schedule_scans"),
    SettingSpec(
        "BLOB_TRIGGER_SOURCE",
        "EventGrid",
        "detect_drift trigger source: EventGrid (Azure) or LogsAndContainerScan (Azurite)",
    ),
    SettingSpec(
        "GRAPH_BASE_URL",
        "https://graph.microsoft.com",
        "Graph root: public cloud, a national cloud or a local simulator",
    ),
    SettingSpec(
        "GRAPH_CREDENTIAL_MODE", "managed_identity", "managed_identity | client_secret | certificate | static_token"
    ),
    SettingSpec("GRAPH_CLIENT_ID", "", "Client id of the multi-tenant app registration"),
    SettingSpec(
        "GRAPH_CLIENT_SECRET", "", "Client secret (Key Vault reference) when GRAPH_CREDENTIAL_MODE=client_secret", False
    ),
    SettingSpec(
        "GRAPH_CLIENT_CERTIFICATE",
        "",
        "Base64 PEM or PFX (Key Vault reference) when GRAPH_CREDENTIAL_MODE=certificate",
        False,
    ),
    SettingSpec(
        "GRAPH_MANAGED_IDENTITY_CLIENT_ID", "", "Client id of the user-assigned identity used as federated credential"
    ),
    SettingSpec(
        "GRAPH_STATIC_TOKEN", "", "Bearer secret for a local Graph simulator only (refused for Microsoft clouds)", False
    ),
    SettingSpec("GRAPH_MAX_CONCURRENCY", "8", "Concurrent Graph requests per tenant scan"),
    SettingSpec("GRAPH_REQUEST_BUDGET", "800", "Graph operations per 20 s per tenant (Intune allows 1,000 per app)"),
    SettingSpec("GRAPH_TIMEOUT_SECONDS", "30", "Timeout of one Graph request"),
    SettingSpec(
        "AUDIT_LATENCY_MINUTES",
        "30",
        "Minutes after a change window closes before audit logs that name no event make a finding unattributed",
    ),
    SettingSpec("SECRET_HASH_KEY", "", "HMAC key (Key Vault reference) for keyed hashes of secret values"),
    SettingSpec("AUTH_MODE", "easyauth", "easyauth | jwt | local (local only against the storage emulator)"),
    SettingSpec("AUTH_JWT_JWKS_URL", "", "JWKS URL (https; http only on loopback) when AUTH_MODE=jwt", False),
    SettingSpec("AUTH_JWT_ISSUER", "", "Accepted issuer(s), comma-separated, when AUTH_MODE=jwt", False),
    SettingSpec("AUTH_JWT_AUDIENCE", "", "Accepted audience(s), comma-separated, when AUTH_MODE=jwt", False),
    SettingSpec("CORS_ALLOWED_ORIGINS", "", "Comma-separated origins allowed to call the API (none by default)"),
    SettingSpec("TABLE_NAME_PREFIX", "drift", "Prefix of every table name"),
    SettingSpec(
        "EVENT_RETRY_BASE_SECONDS", "30", "First delay before re-sending a failed event delivery; doubles each attempt"
    ),
    SettingSpec("EVENT_MAX_ATTEMPTS", "8", "Attempts per event delivery (at least 5) before it is marked failed"),
    SettingSpec("PUBLIC_BASE_URL", "", "https origin of the app, for links to findings in events (none by default)"),
)

_BY_NAME: Final = {spec.name: spec for spec in APP_SETTINGS}

SNAPSHOT_CONTAINER: Final = "snapshots"
SCAN_QUEUE: Final = "tenant-scans"
TEMPLATE_CONTAINER: Final = "templates"
ALIGNMENT_QUEUE: Final = "tenant-alignments"
EVENT_QUEUE: Final = "drift-events"
RELAY_QUEUE: Final = "drift-relay"
CREDENTIAL_MODES: Final = ("managed_identity", "client_secret", "certificate", "static_token")
AUTH_MODES: Final = ("easyauth", "jwt", "local")

# Hosts of Microsoft's Graph clouds: a static token must never be sent there.
_MICROSOFT_HOST = re.compile(
    r"(^|\.)(microsoft\.com|microsoft\.us|chinacloudapi\.cn|microsoftonline\.com|azure\.com|windows\.net)$"
)


def is_microsoft_cloud_host(url: str) -> bool:
    """True when the URL points at a Microsoft cloud (where static tokens are refused)."""
    host = (urlsplit(url).hostname or "").lower()
    return bool(_MICROSOFT_HOST.search(host))


def is_loopback_host(host: str | None) -> bool:
    """True only for a loopback address (127.0.0.0/8, ::1) or the name `localhost`.

    The host is parsed as an address, never matched as text: `127.0.0.1.example.invalid` is a DNS
    name anywhere on the internet, not loopback. Takes a host as `urlsplit(...).hostname` gives it
    (lower-case, IPv6 without brackets).
    """
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(url: str) -> str | None:
    """The host of a URL (lower-case, IPv6 without brackets), or None when it has none or does not parse."""
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


def get(name: str, env: Mapping[str, str] | None = None) -> str:
    """Value of a catalogued setting, or its default; a missing required one raises SettingsError."""
    spec = _BY_NAME[name]
    source = os.environ if env is None else env
    value = source.get(name)
    if value is None or value == "":
        if spec.default is None:
            raise SettingsError(name, "is not set")
        return spec.default
    return value


def get_int(name: str, low: int, high: int, env: Mapping[str, str] | None = None) -> int:
    """An integer setting within [low, high]."""
    raw = get(name, env)
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(name, f"must be between {low} and {high}, got {value}")
    return value


def get_choice(name: str, choices: tuple[str, ...], env: Mapping[str, str] | None = None) -> str:
    """A setting restricted to a fixed set of values."""
    value = get(name, env)
    if value not in choices:
        raise SettingsError(name, f"must be one of {', '.join(choices)}, got {value!r}")
    return value
