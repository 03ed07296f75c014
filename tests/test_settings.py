"""The settings catalogue, local.settings.sample.json and the code stay in step."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shared.errors import SettingsError
from shared.settings import APP_SETTINGS, is_microsoft_cloud_host
from shared.storage.clients import StorageClients, StorageConfig, is_local_emulator

ROOT = Path(__file__).resolve().parent.parent


def test_the_sample_lists_every_setting_with_a_safe_local_value() -> None:
    values = json.loads((ROOT / "local.settings.sample.json").read_text())["Values"]
    assert {s.name for s in APP_SETTINGS} <= set(values)
    assert values["AUTH_MODE"] == "local"
    assert is_local_emulator({"AzureWebJobsStorage": values["AzureWebJobsStorage"]})
    assert not is_microsoft_cloud_host(values["GRAPH_BASE_URL"])
    assert values["BLOB_TRIGGER_SOURCE"] == "LogsAndContainerScan"


def test_every_setting_the_code_reads_is_catalogued() -> None:
    names = {s.name for s in APP_SETTINGS}
    read: set[str] = set()
    for path in list((ROOT / "shared").rglob("*.py")) + list((ROOT / "functions").rglob("*.py")):
        text = path.read_text()
        read |= set(re.findall(r"settings\.get(?:_int|_choice)?\(\s*\"([A-Z_a-z]+)\"", text))
        read |= set(re.findall(r"\"%([A-Z_]+)%\"", text))
    assert read, "no settings reads found: the scan of the code is broken"
    assert read <= names, f"settings read but not catalogued: {sorted(read - names)}"


AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=x;"
    "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;"
)


@pytest.mark.parametrize(
    "value",
    [
        "UseDevelopmentStorage=true",
        "UseDevelopmentStorage=true;",
        AZURITE,
        AZURITE.replace("127.0.0.1:41001", "[::1]:41001").replace("127.0.0.1:41002", "localhost:41002"),
        AZURITE.replace("127.0.0.1:41000", "127.8.9.10:41000"),
    ],
)
def test_local_mode_is_recognised_for_the_emulator(value: str) -> None:
    assert is_local_emulator({"AzureWebJobsStorage": value})


@pytest.mark.parametrize(
    "value",
    [
        # The emulator flag followed by a real account: the table SDK would follow the account.
        "UseDevelopmentStorage=true;AccountName=contosoprod;AccountKey=eA==",
        "UseDevelopmentStorage=true;TableEndpoint=https://contosoprod.table.core.windows.net;AccountKey=eA==",
        "UseDevelopmentStorage=false",
        # The emulator's account with one endpoint elsewhere, or left out (the public cloud's).
        AZURITE.replace("127.0.0.1:41002", "evil.example.com"),
        AZURITE.replace("TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;", ""),
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=x;"
        "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1",
        AZURITE.replace("127.0.0.1:41001", "127.0.0.1.example.invalid:41001"),
        AZURITE.replace("127.0.0.1:41001", "[::2]:41001"),
        # Loopback, but not the emulator's account; and no credential at all.
        AZURITE.replace("AccountName=devstoreaccount1", "AccountName=contosoprod"),
        AZURITE.replace("AccountKey=x;", ""),
        # Repeated keys: SDKs take the last, a reader the first.
        AZURITE + "TableEndpoint=https://contosoprod.table.core.windows.net;",
        "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=x",
        "not a connection string",
        "",
    ],
)
def test_local_mode_is_not_recognised_unless_every_endpoint_is_the_emulator_on_loopback(value: str) -> None:
    assert not is_local_emulator({"AzureWebJobsStorage": value})
    assert not is_local_emulator({"AzureWebJobsStorage__accountName": "devstoreaccount1"})
    assert not is_local_emulator({})


def test_the_clients_are_given_exactly_the_endpoints_that_were_judged() -> None:
    plain = StorageConfig.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})
    assert dict(plain.endpoints) == {
        "blob": "http://127.0.0.1:10000/devstoreaccount1",
        "queue": "http://127.0.0.1:10001/devstoreaccount1",
        "table": "http://127.0.0.1:10002/devstoreaccount1",
    }
    cloud = StorageConfig.from_env(
        {"AzureWebJobsStorage": "AccountName=contoso;AccountKey=eA==;EndpointSuffix=core.usgovcloudapi.net"}
    )
    assert cloud.endpoint("table") == "https://contoso.table.core.usgovcloudapi.net"
    clients = StorageClients(cloud)
    # What each SDK parsed from the connection string it was given is what was judged above.
    assert clients.blob.url.startswith("https://contoso.blob.core.usgovcloudapi.net")
    assert clients.queue.url.startswith("https://contoso.queue.core.usgovcloudapi.net")
    assert clients.table.url.startswith("https://contoso.table.core.usgovcloudapi.net")
    identity = StorageConfig.from_env({"AzureWebJobsStorage__accountName": "contoso"})
    assert identity.endpoint("queue") == "https://contoso.queue.core.windows.net" and not identity.is_local_emulator
    with pytest.raises(SettingsError, match="UseDevelopmentStorage"):
        StorageConfig.from_env(
            {"AzureWebJobsStorage": "UseDevelopmentStorage=true;AccountName=contoso;AccountKey=eA=="}
        )
    assert "AccountKey" not in repr(plain)
