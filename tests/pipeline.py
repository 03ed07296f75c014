"""Helpers for integration tests: register tenants, scan them through the real functions, read results."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import function_app
from bench.chaos import StorageFaultRule, StorageFaults
from devtools.host import LocalHost
from shared.settings import ALIGNMENT_QUEUE, EVENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE, SNAPSHOT_CONTAINER
from shared.storage.stores import Stores, get_stores

# What a script sends on a POST, PUT or DELETE, body or not: the API refuses a state change that is not JSON.
JSON = {"content-type": "application/json"}


def new_tenant_id() -> str:
    return str(uuid.uuid4())


def make_host(connection_string: str) -> LocalHost:
    """A host for one test: other tests' snapshot blobs count as already processed."""
    host = LocalHost(function_app.app, connection_string)
    host.skip_existing_blobs()
    return host


def register(host: LocalHost, tenant_id: str, name: str = "Test tenant", **extra: Any) -> dict[str, Any]:
    body = {"displayName": name, "enabled": True, **extra}
    response = host.http("PUT", f"/api/tenants/{tenant_id}", body)
    assert response.status_code in (200, 201), response.get_body()
    return json.loads(response.get_body())


def scan_now(host: LocalHost, tenant_id: str) -> str:
    """POST a scan, deliver the queue, return the run id."""
    response = host.http("POST", f"/api/tenants/{tenant_id}/scans", headers=JSON)
    assert response.status_code == 202, response.get_body()
    run_id = json.loads(response.get_body())["runId"]
    host.drain_queue(SCAN_QUEUE)
    return str(run_id)


def subscribe(host: LocalHost, subscription_id: str, url: str, **fields: Any) -> dict[str, Any]:
    """Create a subscription through the API; the answer holds the signing secret (only this once)."""
    response = host.http("PUT", f"/api/subscriptions/{subscription_id}", {"url": url, **fields})
    assert response.status_code == 201, response.get_body()
    return dict(json.loads(response.get_body()))


def deliver_events(host: LocalHost, wait_seconds: float = 0.0) -> int:
    """Run the events queue trigger over every visible delivery message (and, for up to
    `wait_seconds` after the last one, over retries as their delay ends)."""
    return host.drain_queue(EVENT_QUEUE, wait_seconds=wait_seconds)


def deliveries(host: LocalHost, subscription_id: str) -> list[dict[str, Any]]:
    response = host.http("GET", f"/api/subscriptions/{subscription_id}/deliveries")
    assert response.status_code == 200, response.get_body()
    return list(json.loads(response.get_body())["deliveries"])


def runs(host: LocalHost, tenant_id: str) -> list[dict[str, Any]]:
    response = host.http("GET", f"/api/tenants/{tenant_id}/runs")
    assert response.status_code == 200, response.get_body()
    return list(json.loads(response.get_body())["runs"])


def run(host: LocalHost, tenant_id: str, run_id: str) -> dict[str, Any]:
    (match,) = [r for r in runs(host, tenant_id) if r["runId"] == run_id]
    return match


def snapshot(tenant_id: str, run_id: str) -> dict[str, Any]:
    data = open_stores().snapshots.read(f"{tenant_id}/{run_id}.json.gz")
    assert data is not None, "snapshot blob missing"
    return dict(json.loads(gzip.decompress(data)))


def snapshot_names(tenant_id: str) -> list[str]:
    return open_stores().snapshots.names(f"{tenant_id}/")


def open_stores() -> Stores:
    return get_stores()


def every_stored_byte(tenant_id: str) -> bytes:
    """Every blob (decompressed) of the tenant and every entity of every table of this test's prefix."""
    stores = open_stores()
    out = bytearray()
    container = stores.clients.blob.get_container_client(SNAPSHOT_CONTAINER)
    for blob in container.list_blobs(name_starts_with=f"{tenant_id}/"):
        raw = container.download_blob(blob.name).readall()
        out += gzip.decompress(raw) if blob.name.endswith(".gz") else raw
    prefix = stores.clients.config.table_prefix
    for table in stores.clients.table.list_tables():
        if table.name.startswith(prefix):
            for entity in stores.clients.table.get_table_client(table.name).list_entities():
                out += json.dumps(dict(entity), default=str).encode()
    return bytes(out)


def cycle(host: LocalHost) -> None:
    """What the host does on a schedule: timer, then every scan message, then every new snapshot blob,
    every alignment request the completed scans made and every relay request of recorded drift events
    (their deliveries stay on the events queue: `deliver_events`)."""
    host.fire_timer("schedule_scans")
    host.drain_queue(SCAN_QUEUE)
    host.deliver_new_blobs()
    host.drain_queue(ALIGNMENT_QUEUE)
    relay(host)


def relay(host: LocalHost) -> int:
    """Run the relay queue trigger over every relay request: pending drift events are routed onto the
    events queue."""
    return host.drain_queue(RELAY_QUEUE)


def tenant_with_drift(host: LocalHost, graph_sim: Any, name: str, seed: int, renamed: int = 1) -> str:
    """A registered tenant scanned twice, with `renamed` device configurations renamed in between."""
    from devtools.graphsim import generate_tenant

    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=seed, size=40))
    register(host, tid, name, policyTypes=["deviceConfiguration", "namedLocation"])
    cycle(host)
    sim = graph_sim.tenant(tid)
    for obj in sim.objects("deviceConfiguration")[:renamed]:
        sim.rename("deviceConfiguration", obj["id"], obj["displayName"] + " (edited)")
    cycle(host)
    return tid


def findings(tenant_id: str) -> list[dict[str, Any]]:
    return sorted(
        open_stores().findings.list_all(tenant_id), key=lambda f: (f["policyType"], f["subjectId"], f["changeType"])
    )


def summary(tenant_id: str) -> dict[str, Any]:
    record = open_stores().summaries.get(tenant_id)
    assert record is not None, "no summary"
    return record.summary


def cycle_completed(host: LocalHost, tenant_id: str) -> str:
    """One scheduled cycle; the tenant's latest run must have completed: its id."""
    cycle(host)
    latest = runs(host, tenant_id)[0]
    assert latest["status"] == "completed", latest
    return str(latest["runId"])


def drift_after(host: LocalHost, tenant_id: str, types: list[str], change: Callable[[], None]) -> list[dict[str, Any]]:
    """Register the tenant for `types`, scan, make one change, scan again: the findings (both runs completed)."""
    register(host, tenant_id, policyTypes=types)
    cycle_completed(host, tenant_id)
    change()
    cycle_completed(host, tenant_id)
    return findings(tenant_id)


def admx_text_value(sim_tenant: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An administrative template of the simulated tenant, one of its definition values and that
    value's text presentation value."""
    return next(
        (config, value, presentation)
        for config in sim_tenant.objects("groupPolicyConfiguration")
        for value in config["definitionValues"]
        for presentation in value["presentationValues"]
        if presentation["@odata.type"].endswith("Text")
    )


@contextmanager
def storage_faults(*rules: StorageFaultRule) -> Iterator[StorageFaults]:
    """Fail storage requests by rule, at the storage client (the request policy's interceptors)."""
    faults = StorageFaults()
    faults.rules.extend(rules)
    faults.armed = True
    clients = open_stores().clients
    clients.interceptors.append(faults)
    try:
        yield faults
    finally:
        clients.interceptors.remove(faults)
