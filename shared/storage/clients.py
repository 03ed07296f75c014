"""Storage service clients from AzureWebJobsStorage (connection string or identity-based), built lazily."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from shared import settings
from shared.errors import SettingsError

_EMULATOR_ACCOUNT = "devstoreaccount1"
_LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$")


def _parse_connection_string(value: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for segment in value.split(";"):
        if "=" in segment:
            key, _, val = segment.partition("=")
            parts[key.strip().lower()] = val.strip()
    return parts


def is_local_emulator(env: Mapping[str, str] | None = None) -> bool:
    """True only for the local storage emulator: UseDevelopmentStorage=true or devstoreaccount1 on loopback."""
    source = os.environ if env is None else env
    value = source.get("AzureWebJobsStorage", "")
    if not value:
        return False
    parts = _parse_connection_string(value)
    if parts.get("usedevelopmentstorage", "").lower() == "true":
        return True
    if parts.get("accountname") != _EMULATOR_ACCOUNT:
        return False
    endpoints = [v for k, v in parts.items() if k.endswith("endpoint")]
    return bool(endpoints) and all(_LOOPBACK.match(urlsplit(e).hostname or "") for e in endpoints)


@dataclass(frozen=True)
class StorageConfig:
    """Where storage is and how to reach it."""

    connection_string: str | None
    account_name: str | None
    client_id: str | None
    table_prefix: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StorageConfig:
        source = os.environ if env is None else env
        prefix = settings.get("TABLE_NAME_PREFIX", source)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,30}", prefix):
            raise SettingsError("TABLE_NAME_PREFIX", "must be letters and digits, starting with a letter")
        conn = source.get("AzureWebJobsStorage")
        if conn:
            if conn.strip().lower() == "usedevelopmentstorage=true":
                conn = (
                    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
                    "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
                    "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
                )
            return cls(conn, None, None, prefix)
        account = source.get("AzureWebJobsStorage__accountName")
        if account:
            return cls(None, account, source.get("AzureWebJobsStorage__clientId"), prefix)
        raise SettingsError("AzureWebJobsStorage", "is not set (nor AzureWebJobsStorage__accountName)")


class StorageClients:
    """Blob, queue and table service clients, each created on first use."""

    def __init__(self, config: StorageConfig) -> None:
        self.config = config

    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

        if self.config.client_id:
            return ManagedIdentityCredential(client_id=self.config.client_id)
        return DefaultAzureCredential()

    def _url(self, service: str) -> str:
        return f"https://{self.config.account_name}.{service}.core.windows.net"

    @cached_property
    def blob(self) -> BlobServiceClient:
        if self.config.connection_string:
            return BlobServiceClient.from_connection_string(self.config.connection_string)
        return BlobServiceClient(self._url("blob"), credential=self._credential())

    @cached_property
    def queue(self) -> QueueServiceClient:
        if self.config.connection_string:
            return QueueServiceClient.from_connection_string(self.config.connection_string)
        return QueueServiceClient(self._url("queue"), credential=self._credential())

    @cached_property
    def table(self) -> TableServiceClient:
        if self.config.connection_string:
            return TableServiceClient.from_connection_string(self.config.connection_string)
        return TableServiceClient(endpoint=self._url("table"), credential=self._credential())

    def table_name(self, name: str) -> str:
        """Full table name with the configured prefix."""
        return f"{self.config.table_prefix}{name}"
