"""Events from finding state changes and failed runs: types, deterministic ids, data, JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shared.core.events import (
    FINDING_ACKNOWLEDGED,
    FINDING_OPENED,
    FINDING_REOPENED,
    FINDING_RESOLVED,
    RUN_FAILED,
    SUBSCRIPTION_TEST,
    CloudEvent,
    event_json_schema,
    finding_event,
    new_event_id,
    run_failed_event,
    subscription_test_event,
)
from shared.core.ids import is_event_id
from shared.core.tenants import Tenant
from tests.core.drift.fixtures import TENANT, Store, ca_policy, compare, defender_policy, run_id, snapshot

ROOT = Path(__file__).resolve().parents[3]
SC, CA = "settingsCatalogPolicy", "conditionalAccessPolicy"
BASE_URL = "https://drift.msp.example"
CONTOSO = Tenant(TENANT, "Contoso Dental", True, [SC, CA], [], "", "")
VALIDATOR = Draft202012Validator(event_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def snap(n: int, realtime: int = 1) -> dict[str, Any]:
    return snapshot(n, {SC: [defender_policy(realtime)], CA: [ca_policy("ca-1", "Require MFA")]})


def events_of(store: Store, tenant: Tenant = CONTOSO, base_url: str | None = BASE_URL) -> list[CloudEvent]:
    """Every recorded state change of the store as an event, in the order they happened."""
    history = sorted(store.history.values(), key=lambda e: (e["at"], e["id"]))
    return [finding_event(e, store.findings[e["findingId"]], tenant, base_url) for e in history]  # type: ignore[arg-type]


def test_the_schema_is_valid_and_checked_in_as_docs_events_schema_json() -> None:
    Draft202012Validator.check_schema(event_json_schema())
    checked_in = json.loads((ROOT / "docs" / "events.schema.json").read_text())
    assert checked_in == event_json_schema(), "docs/events.schema.json is stale: regenerate it from event_json_schema()"


def test_a_pinned_deviation_over_ten_comparisons_is_one_opened_then_one_resolved() -> None:
    store = Store()
    for n in range(2, 12):  # ten scans against the pinned run 1, the deviation still there
        store.step(compare(snap(1), snap(n, realtime=2)), "pinned")
    opened = events_of(store)
    assert [e["type"] for e in opened] == [FINDING_OPENED]
    store.step(compare(snap(1), snap(12, realtime=1)), "pinned")  # reverted
    events = events_of(store)
    assert [e["type"] for e in events] == [FINDING_OPENED, FINDING_RESOLVED]
    assert events[0] == opened[0], "replanning the history gives the same event, id and all"
    resolved = events[1]
    assert resolved["data"]["status"] == "resolved" and resolved["data"]["previousStatus"] == "new"
    assert resolved["data"]["runId"] == run_id(12) and resolved["data"]["actor"] == "system"


def test_every_state_change_maps_to_its_type_with_the_finding_data() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    store.ack(fid, by="tech@msp.example", note="CHG-1 <b>pilot</b>", at="2026-01-01T00:00:03Z")
    store.step(compare(snap(1), snap(5, realtime=3)), "pinned")  # changed again after acknowledgement
    store.step(compare(snap(1), snap(6, realtime=1)), "pinned")  # back to the baseline
    events = events_of(store)
    assert [e["type"] for e in events] == [FINDING_OPENED, FINDING_ACKNOWLEDGED, FINDING_REOPENED, FINDING_RESOLVED]
    finding = store.findings[fid]
    for event in events:
        VALIDATOR.validate(event)
        assert event["specversion"] == "1.0" and event["datacontenttype"] == "application/json"
        assert event["source"] == f"/tenants/{TENANT}" and event["subject"] == f"findings/{fid}"
        data = event["data"]
        assert data["tenantId"] == TENANT and data["tenantDisplayName"] == "Contoso Dental"
        assert (data["findingId"], data["policyType"], data["objectId"]) == (fid, SC, finding["subjectId"])
        assert (data["displayName"], data["changeType"], data["severity"]) == (
            finding["displayName"], finding["changeType"], finding["severity"],
        )  # fmt: skip
        assert data["link"] == f"{BASE_URL}/api/ui#/tenants/{TENANT}/findings/{fid}"
    acknowledged = events[1]["data"]
    assert (acknowledged["status"], acknowledged["previousStatus"]) == ("acknowledged", "new")
    assert acknowledged["actor"] == "tech@msp.example" and acknowledged["note"] == "CHG-1 <b>pilot</b>"
    assert events[1]["time"] == "2026-01-01T00:00:03Z"
    assert (events[2]["data"]["status"], events[2]["data"]["previousStatus"]) == ("new", "acknowledged")
    assert len({e["id"] for e in events}) == 4


def test_event_ids_depend_only_on_the_tenant_and_the_recorded_change() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    [event] = events_of(store)
    [again] = events_of(store, base_url=None)
    renamed = Tenant(TENANT, "Contoso Dental (renamed)", True, [SC], [], "", "")
    other = Tenant("0f1c2a8e-1b2c-4d5e-8f90-123456789abc", "Fabrikam", True, [SC], [], "", "")
    assert is_event_id(event["id"])
    assert again["id"] == event["id"] and again["data"]["link"] is None
    assert events_of(store, renamed)[0]["id"] == event["id"]
    assert events_of(store, other)[0]["id"] != event["id"]


def test_changed_by_comes_from_the_finding_or_its_newest_attributed_event() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    [change] = store.history.values()
    finding = dict(store.findings[change["findingId"]])
    assert finding_event(change, finding, CONTOSO)["data"]["changedBy"] is None  # type: ignore[arg-type]
    finding["attribution"] = {
        "state": "attributed",
        "events": [
            {"source": "intune", "actor": {"type": "application", "applicationDisplayName": "Intune sync bot"}},
            {"source": "intune", "actor": {"type": "user", "userPrincipalName": "older@msp.example"}},
        ],
    }
    assert finding_event(change, finding, CONTOSO)["data"]["changedBy"] == "Intune sync bot"  # type: ignore[arg-type]
    finding["changedBy"] = "admin@contoso.example"
    assert finding_event(change, finding, CONTOSO)["data"]["changedBy"] == "admin@contoso.example"  # type: ignore[arg-type]


def test_a_change_of_another_finding_is_refused() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    [change] = store.history.values()
    with pytest.raises(ValueError, match="is about finding"):
        finding_event(change, {**store.one(SC), "id": "0" * 32}, CONTOSO)  # type: ignore[arg-type]


def test_a_failed_run_is_one_event_per_run() -> None:
    event = run_failed_event(
        CONTOSO, run_id(7), ["throttled", "forbidden", "throttled"], "2026-01-01T00:00:07Z", BASE_URL
    )
    VALIDATOR.validate(event)
    assert event["type"] == RUN_FAILED and event["subject"] == f"runs/{run_id(7)}"
    assert event["data"]["errorCodes"] == ["forbidden", "throttled"]
    assert event["data"]["link"] == f"{BASE_URL}/api/ui#/tenants/{TENANT}"
    assert run_failed_event(CONTOSO, run_id(7), ["snapshot_corrupt"], "2026-01-01T00:09:00Z")["id"] == event["id"]
    assert run_failed_event(CONTOSO, run_id(8), ["throttled"], "2026-01-01T00:00:08Z")["id"] != event["id"]


def test_test_events_have_fresh_ids_and_validate() -> None:
    first = subscription_test_event("psa-tickets", new_event_id(), "2026-03-01T12:00:00.000Z", "admin@msp.example")
    second = subscription_test_event("psa-tickets", new_event_id(), "2026-03-01T12:00:00.000Z", "admin@msp.example")
    VALIDATOR.validate(first)
    assert first["type"] == SUBSCRIPTION_TEST and first["source"] == "/subscriptions/psa-tickets"
    assert first["id"] != second["id"] and is_event_id(second["id"])


def test_the_schema_refuses_what_no_event_looks_like() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    [event] = events_of(store)
    for broken in (
        {**event, "specversion": "0.3"},
        {**event, "id": "not-hex"},
        {**event, "type": "drift.finding.deleted"},
        {**event, "data": {**event["data"], "severity": "critical"}},
        {k: v for k, v in event.items() if k != "time"},
    ):
        assert not VALIDATOR.is_valid(broken), broken
