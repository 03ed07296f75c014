"""Storage service clients from AzureWebJobsStorage (connection string or identity-based), built lazily."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final
from urllib.parse import urlsplit

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from shared import settings
from shared.errors import SettingsError
from shared.storage.metering import RequestPolicy, StorageInterceptor, StorageMeter

SERVICES: Final = ("blob", "queue", "table")
EMULATOR_ACCOUNT: Final = "devstoreaccount1"
# The storage emulator's published account key (the same in every Azurite and every SDK).
_EMULATOR_KEY: Final = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_EMULATOR_PORTS: Final = {"blob": 10000, "queue": 10001, "table": 10002}
_SETTING: Final = "AzureWebJobsStorage"


def _parse_connection_string(value: str) -> dict[str, str]:
    """`Key=Value;...` with lower-cased keys; a segment without `=` or a repeated key is refused (SDKs differ there)."""
    parts: dict[str, str] = {}
    for segment in value.split(";"):
        if not segment.strip():
            continue
        key, sep, val = segment.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise SettingsError(_SETTING, "is not a connection string (every part must be Key=Value)")
        if key in parts:
            raise SettingsError(_SETTING, f"names {key!r} twice")
        parts[key] = val.strip()
    return parts


@dataclass(frozen=True)
class _Connection:
    """A connection string resolved to what the clients will use: one URL per service, and the credential."""

    connection_string: str = field(repr=False)  # every endpoint named, so the three SDKs cannot read it differently
    account_name: str | None
    endpoints: tuple[tuple[str, str], ...]


def _resolve_connection_string(value: str) -> _Connection:
    parts = _parse_connection_string(value)
    if "usedevelopmentstorage" in parts:
        # The blob and queue SDKs read `UseDevelopmentStorage=true;...` as the emulator and ignore the
        # rest; the table SDK ignores the flag and follows the rest. Only the bare form is unambiguous.
        if parts["usedevelopmentstorage"].lower() != "true" or len(parts) != 1:
            raise SettingsError(
                _SETTING, "must be exactly UseDevelopmentStorage=true, or name the account and its endpoints instead"
            )
        parts = {
            "accountname": EMULATOR_ACCOUNT,
            "accountkey": _EMULATOR_KEY,
            **{f"{s}endpoint": f"http://127.0.0.1:{port}/{EMULATOR_ACCOUNT}" for s, port in _EMULATOR_PORTS.items()},
        }
    account = parts.get("accountname") or None
    protocol = parts.get("defaultendpointsprotocol", "https").lower()
    suffix = parts.get("endpointsuffix", "core.windows.net")
    endpoints: list[tuple[str, str]] = []
    for service in SERVICES:
        # An endpoint the string does not name is the public cloud's for the account (as the SDKs do).
        url = parts.get(f"{service}endpoint") or (f"{protocol}://{account}.{service}.{suffix}" if account else "")
        if not url:
            raise SettingsError(_SETTING, f"names neither an account nor a {service.capitalize()}Endpoint")
        if not settings.url_host(url) or urlsplit(url).scheme.lower() not in ("http", "https"):
            raise SettingsError(_SETTING, f"has an unusable {service} endpoint (an http or https URL is needed)")
        endpoints.append((service, url))
    if parts.get("accountkey") and account:
        credential = f"AccountName={account};AccountKey={parts['accountkey']}"
    elif parts.get("sharedaccesssignature"):
        credential = f"SharedAccessSignature={parts['sharedaccesssignature']}"
    else:
        raise SettingsError(_SETTING, "carries no credential (AccountName and AccountKey, or SharedAccessSignature)")
    named = ";".join(f"{service.capitalize()}Endpoint={url}" for service, url in endpoints)
    return _Connection(f"{credential};{named}", account, tuple(endpoints))


def _loopback_url(url: str) -> bool:
    return settings.is_loopback_host(settings.url_host(url))


@dataclass(frozen=True)
class StorageConfig:
    """Where storage is and how to reach it: the URL of each service the clients call, and the credential."""

    connection_string: str | None = field(repr=False)  # holds the account key
    account_name: str | None
    client_id: str | None
    table_prefix: str
    endpoints: tuple[tuple[str, str], ...]  # (service, URL) for blob, queue and table

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StorageConfig:
        source = os.environ if env is None else env
        prefix = settings.get("TABLE_NAME_PREFIX", source)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,30}", prefix):
            raise SettingsError("TABLE_NAME_PREFIX", "must be letters and digits, starting with a letter")
        return cls.for_storage(source, prefix)

    @classmethod
    def for_storage(cls, source: Mapping[str, str], prefix: str = "drift") -> StorageConfig:
        """The storage named by AzureWebJobsStorage (or AzureWebJobsStorage__accountName); SettingsError if unusable."""
        conn = source.get(_SETTING)
        if conn:
            resolved = _resolve_connection_string(conn)
            return cls(resolved.connection_string, resolved.account_name, None, prefix, resolved.endpoints)
        account = source.get(f"{_SETTING}__accountName")
        if account:
            endpoints = tuple((s, f"https://{account}.{s}.core.windows.net") for s in SERVICES)
            return cls(None, account, source.get(f"{_SETTING}__clientId"), prefix, endpoints)
        raise SettingsError(_SETTING, "is not set (nor AzureWebJobsStorage__accountName)")

    def endpoint(self, service: str) -> str:
        """The URL the client of `service` (blob, queue, table) calls."""
        return dict(self.endpoints)[service]

    @property
    def is_local_emulator(self) -> bool:
        """The emulator's account, with every endpoint the clients will call on a loopback address."""
        return (
            self.connection_string is not None
            and self.account_name == EMULATOR_ACCOUNT
            and len(self.endpoints) == len(SERVICES)
            and all(_loopback_url(url) for _, url in self.endpoints)
        )


def is_local_emulator(env: Mapping[str, str] | None = None) -> bool:
    """True only when every storage endpoint in use is the emulator's account on a loopback address.

    Decided from the endpoints the clients will call, all of them: `UseDevelopmentStorage=true` with
    anything after it, `devstoreaccount1` with one endpoint elsewhere, or an endpoint left out (which
    would be the public cloud's) are not the emulator. Nothing is contacted to decide.
    """
    try:
        return StorageConfig.for_storage(os.environ if env is None else env).is_local_emulator
    except SettingsError:
        return False


class _TableServiceClient(TableServiceClient):
    """The tables client with our request policy last in its pipeline (tables has no hook for an
    added policy as blob and queue do; `get_table_client` reuses this list for every table)."""

    def __init__(self, *args: Any, request_policy: RequestPolicy, **kwargs: Any) -> None:
        self._request_policy = request_policy
        super().__init__(*args, **kwargs)

    def _configure_policies(self, **kwargs: Any) -> list[Any]:
        return [*super()._configure_policies(**kwargs), self._request_policy]


class StorageClients:
    """Blob, queue and table service clients, each created on first use, every request counted in
    `meter` (see `shared.storage.metering`)."""

    def __init__(self, config: StorageConfig) -> None:
        self.config = config
        self.meter = StorageMeter(strip_prefix=config.table_prefix)
        # Empty in the app; tests and benchmarks add fault injectors here.
        self.interceptors: list[StorageInterceptor] = []

    def _policy(self, service: str) -> RequestPolicy:
        return RequestPolicy(service, self.meter, lambda: self.interceptors)

    @staticmethod
    def _bind(policy: RequestPolicy, url: str) -> None:
        # On the emulator the account is the first path segment; operations are named without it.
        policy.base_path = urlsplit(url).path.rstrip("/")

    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

        if self.config.client_id:
            return ManagedIdentityCredential(client_id=self.config.client_id)
        return DefaultAzureCredential()

    @cached_property
    def blob(self) -> BlobServiceClient:
        policy = self._policy("blob")
        # The storage SDK's own hook for an added policy: it goes last, after the retry policy.
        extra: dict[str, Any] = {"_additional_pipeline_policies": [policy]}
        if self.config.connection_string:
            client = BlobServiceClient.from_connection_string(self.config.connection_string, **extra)
        else:
            client = BlobServiceClient(self.config.endpoint("blob"), credential=self._credential(), **extra)
        self._bind(policy, client.url)
        return client

    @cached_property
    def queue(self) -> QueueServiceClient:
        policy = self._policy("queue")
        extra: dict[str, Any] = {"_additional_pipeline_policies": [policy]}
        if self.config.connection_string:
            client = QueueServiceClient.from_connection_string(self.config.connection_string, **extra)
        else:
            client = QueueServiceClient(self.config.endpoint("queue"), credential=self._credential(), **extra)
        self._bind(policy, client.url)
        return client

    @cached_property
    def table(self) -> TableServiceClient:
        policy = self._policy("table")
        client: TableServiceClient
        if self.config.connection_string:
            client = _TableServiceClient.from_connection_string(self.config.connection_string, request_policy=policy)
        else:
            client = _TableServiceClient(
                endpoint=self.config.endpoint("table"), credential=self._credential(), request_policy=policy
            )
        self._bind(policy, client.url)
        return client

    def table_name(self, name: str) -> str:
        """Full table name with the configured prefix."""
        return f"{self.config.table_prefix}{name}"
