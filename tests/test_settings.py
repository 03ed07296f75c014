"""The settings catalogue, local.settings.sample.json and the code stay in step."""

from __future__ import annotations

import json
import re
from pathlib import Path

from shared.settings import APP_SETTINGS, is_microsoft_cloud_host
from shared.storage.clients import is_local_emulator

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


def test_local_mode_is_only_recognised_for_the_emulator() -> None:
    assert is_local_emulator({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})
    emulator = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=x;"
        "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;"
        "TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;"
    )
    assert is_local_emulator({"AzureWebJobsStorage": emulator})
    assert not is_local_emulator({"AzureWebJobsStorage": emulator.replace("127.0.0.1:41002", "evil.example.com")})
    assert not is_local_emulator(
        {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=x"}
    )
    assert not is_local_emulator({})
