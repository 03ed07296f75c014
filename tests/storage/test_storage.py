"""The storage adapter against Azurite: transactions counted at the client, the findings partition's
layout (findings, history, count deltas), history of the old layout, atomic acknowledgement, locks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.chaos import StorageFaultRule
from devtools.azurite import Azurite
from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from shared.storage.metering import by_operation, describe
from shared.storage.tables import table_client
from tests.pipeline import cycle, findings, make_host, new_tenant_id, open_stores, register, scan_now, storage_faults


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    return make_host(azurite.connection_string)


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=15, size=60, mix=WINDOWS_INTUNE_MIX))
    return tid


def _drifted(host: Any, tenant: str, graph_sim: Any, renames: int = 3) -> list[dict[str, Any]]:
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    for obj in sim.objects("deviceConfiguration")[:renames]:
        sim.rename("deviceConfiguration", obj["id"], obj["displayName"] + " (edited)")
    cycle(host)
    return findings(tenant)


@pytest.mark.parametrize(
    ("service", "method", "url", "expected"),
    [
        ("table", "POST", "http://h/devstoreaccount1/$batch", ("transaction", "")),
        ("table", "GET", "http://h/devstoreaccount1/driftruns(PartitionKey='t',RowKey='r')", ("get_entity", "driftruns")),
        ("table", "GET", "http://h/devstoreaccount1/driftruns()?$filter=PartitionKey%20eq%20't'", ("query_entities", "driftruns")),
        ("table", "PUT", "http://h/devstoreaccount1/driftlocks(PartitionKey='t',RowKey='s')", ("update_entity", "driftlocks")),
        ("table", "PATCH", "http://h/devstoreaccount1/driftruns(PartitionKey='t',RowKey='r')", ("merge_entity", "driftruns")),
        ("table", "POST", "http://h/devstoreaccount1/Tables", ("create_table", "")),
        ("blob", "PUT", "http://h/devstoreaccount1/snapshots/t/r.json.gz", ("put_blob", "snapshots")),
        ("blob", "GET", "http://h/devstoreaccount1/snapshots?restype=container&comp=list", ("list_blobs", "snapshots")),
        ("queue", "POST", "http://h/devstoreaccount1/tenant-scans/messages", ("put_message", "tenant-scans")),
        ("queue", "DELETE", "http://h/devstoreaccount1/tenant-scans/messages/abc?popreceipt=x", ("delete_message", "tenant-scans")),
    ],
)  # fmt: skip
def test_requests_are_named_by_service_and_operation(
    service: str, method: str, url: str, expected: tuple[str, str]
) -> None:
    call = describe(service, method, url, "/devstoreaccount1")
    assert (call.operation, call.resource) == expected


def test_every_storage_request_of_a_tenant_run_is_counted_by_service_and_operation(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant)
    meter = open_stores().clients.meter
    before = meter.snapshot()
    scan_now(host, tenant)
    host.deliver_new_blobs()
    counted = by_operation(meter.snapshot() - before)
    # A first scan writes its snapshot once and reads no blob (there is no baseline to read yet, and
    # without a run record there is no earlier attempt's snapshot to look for).
    assert {op: n for op, n in counted["blob"].items() if op != "create_container"} == {"put_blob": 1}
    assert counted["table"]["get_entity"] >= 2 and counted["table"]["insert_entity"] >= 2
    # A transaction is named by its table, so faults and figures can tell findings from the rest.
    _drifted(host, tenant, graph_sim)
    tables = {resource for (service, op, resource) in meter.snapshot() if service == "table" and op == "transaction"}
    # Findings and their history; setting definitions cached by the first scan are a transaction too.
    assert tables == {"findings", "definitions"}


def test_history_lives_in_the_findings_partition_as_the_outbox_of_drift_events(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    stored = _drifted(host, tenant, graph_sim)
    assert len(stored) == 3 and all(len(f["id"]) == 32 for f in stored)
    table = table_client(open_stores().clients, "findings")
    rows = list(table.query_entities("PartitionKey eq @t", parameters={"t": tenant}))
    history = [r for r in rows if r["RowKey"].startswith("h")]
    assert sorted(r["findingId"] for r in history) == sorted(f["id"] for f in stored)
    for row in history:
        assert row["RowKey"] == f"h{row['findingId']}_{row['at']}_{row['id']}"
        assert row["action"] == "detected" and row["toStatus"] == "new"
        # Written `pending`; the relay request detection made has been handled by the cycle.
        assert row["relay"] == "sent" and row["relayedAt"] >= row["at"]
        assert row["findingPolicyType"] == "deviceConfiguration" and row["findingSeverity"]
    # Folded count deltas are gone; nothing but findings and history is left in the partition.
    assert {r["RowKey"][0] for r in rows} - set("0123456789abcdef") == {"h"}
    # Readers see findings only.
    response = host.http("GET", f"/api/tenants/{tenant}/drift/findings", params={"status": "all"})
    assert {f["id"] for f in json.loads(response.get_body())["findings"]} == {f["id"] for f in stored}


def test_history_written_before_the_layout_change_is_still_read(host: Any, tenant: str, graph_sim: Any) -> None:
    (finding, *_rest) = _drifted(host, tenant, graph_sim)
    stores = open_stores()
    table = table_client(stores.clients, "findings")
    (row,) = [
        r
        for r in table.query_entities("PartitionKey eq @t", parameters={"t": tenant})
        if r.get("findingId") == finding["id"]
    ]
    # As the old code kept it: a partition per finding in the history table, nothing in the new place.
    table.delete_entity(tenant, row["RowKey"])
    legacy = {k: row[k] for k in ("id", "findingId", "runId", "at", "by", "action", "toStatus")}
    table_client(stores.clients, "history").create_entity(
        {**legacy, "PartitionKey": f"{tenant}_{finding['id']}", "RowKey": f"{legacy['at']}_{legacy['id']}"}
    )
    acknowledged = host.http(
        "POST", f"/api/tenants/{tenant}/drift/findings/{finding['id']}/acknowledge", {"note": "ok"}
    )
    assert acknowledged.status_code == 200
    detail = json.loads(host.http("GET", f"/api/tenants/{tenant}/drift/findings/{finding['id']}").get_body())
    assert [h["action"] for h in detail["history"]] == ["detected", "acknowledged"]


def test_an_acknowledgement_is_one_transaction_it_all_lands_or_nothing_does(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    (finding, *_rest) = _drifted(host, tenant, graph_sim)
    stores = open_stores()
    path = f"/api/tenants/{tenant}/drift/findings/{finding['id']}/acknowledge"
    with storage_faults(StorageFaultRule("ack", "table", "transaction", "findings")) as faults:
        failed = host.http("POST", path, {"note": "first try"})
    assert faults.rules[0].hits == 1 and failed.status_code == 500
    assert stores.findings.get(tenant, finding["id"]).finding["status"] == "new"  # type: ignore[union-attr]
    assert [e["action"] for e in stores.history.for_finding(tenant, finding["id"])] == ["detected"]
    assert stores.summaries.get(tenant).summary["counts"]["acknowledged"] == 0  # type: ignore[union-attr]

    assert host.http("POST", path, {"note": "second try"}).status_code == 200
    history = stores.history.for_finding(tenant, finding["id"])
    assert [(e["action"], e["note"]) for e in history] == [("detected", None), ("acknowledged", "second try")]
    counts = stores.summaries.get(tenant).summary["counts"]  # type: ignore[union-attr]
    assert (counts["new"], counts["acknowledged"]) == (2, 1)
    assert stores.findings.pending_counts(tenant) == []


def test_a_lock_left_behind_by_a_finished_scan_does_not_block_the_next(host: Any, tenant: str) -> None:
    register(host, tenant)
    # Every lock release is lost: the finished run leaves its lock for the whole TTL.
    with storage_faults(StorageFaultRule("release", "table", "delete_entity", "locks", count=10)) as faults:
        first = scan_now(host, tenant)
    assert faults.rules[0].hits >= 1
    stores = open_stores()
    scope = stores.tenants.get(tenant).scope_key  # type: ignore[union-attr]
    assert stores.locks.holder(tenant, scope).holder == first  # type: ignore[union-attr]
    second = scan_now(host, tenant)
    assert [r.status for r in stores.runs.list(tenant)] == ["completed", "completed"]
    assert stores.locks.holder(tenant, scope) is None and second != first
    assert host.queue("tenant-scans-poison").get_queue_properties().approximate_message_count == 0
