"""The main job, locally: a simulated MSP portfolio scanned twice against Azurite. Development only.

Starts Azurite and the Graph simulator on free ports, registers every simulated tenant through the
HTTP API, fires the timer, delivers the scan messages, applies realistic changes in the simulated
tenants, scans again and prints the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

SIM_SECRET = "demo-simulator-token"


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _apply_changes(sim: Any, tenant_ids: list[str]) -> list[str]:
    """A scripted set of realistic edits, one or two per tenant."""
    done: list[str] = []
    first = sim.tenant(tenant_ids[0])
    policies = first.objects("settingsCatalogPolicy")
    if policies:
        policy = policies[0]
        first.rename("settingsCatalogPolicy", policy["id"], policy.get("name", "policy") + " (edited)")
        done.append(f"{tenant_ids[0]}: renamed settings catalog policy {policy['id']}")
    compliance = first.objects("deviceCompliancePolicy")
    if compliance:
        first.add_exclusion_assignment(
            "deviceCompliancePolicy", compliance[0]["id"], "0f8a3c1e-5d2b-4e7a-9c61-3b2d7e9f1a42"
        )
        done.append(f"{tenant_ids[0]}: excluded a pilot group from compliance policy {compliance[0]['id']}")
    if len(tenant_ids) > 1:
        second = sim.tenant(tenant_ids[1])
        ca = second.objects("conditionalAccessPolicy")
        if ca:
            second.delete("conditionalAccessPolicy", ca[0]["id"])
            done.append(f"{tenant_ids[1]}: deleted Conditional Access policy {ca[0]['id']}")
    return done


def _print_runs(host: Any, tenants: dict[str, str]) -> None:
    print()
    print(f"{'tenant':<28} {'run':<32} {'status':<10} {'types ok':>8} {'items':>6}  errors")
    for tid, name in tenants.items():
        body = json.loads(host.http("GET", f"/api/tenants/{tid}/runs").get_body())
        for r in body["runs"]:
            counts = r["counts"]
            print(
                f"{name[:27]:<28} {r['runId']:<32} {r['status']:<10} "
                f"{counts['typesComplete']:>3}/{counts['types']:<4} {counts['items']:>6}  {','.join(r['errorCodes']) or '-'}"
            )
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--once", action="store_true", help="run everything once and exit (the default for now)")
    parser.add_argument("--latency-ms", type=int, default=5, help="simulated Graph latency per request")
    args = parser.parse_args(argv)

    from devtools.azurite import Azurite
    from devtools.graphsim import GraphSimulator, generate_portfolio

    _say("starting Azurite (npm) on free ports")
    with Azurite.start() as azurite:
        sim = GraphSimulator(token_secret=SIM_SECRET)
        sim.start()
        try:
            portfolio = generate_portfolio("demo")
            for tid, tenant in portfolio.items():
                sim.add_tenant(tid, tenant)
            sim.faults.latency(args.latency_ms)
            _say(f"Graph simulator on {sim.base_url} with {len(portfolio)} tenants")
            os.environ.update(
                {
                    "AzureWebJobsStorage": azurite.connection_string,
                    "GRAPH_BASE_URL": sim.base_url,
                    "GRAPH_CREDENTIAL_MODE": "static_token",
                    "GRAPH_STATIC_TOKEN": SIM_SECRET,
                    "SECRET_HASH_KEY": "demo-only-key",
                    "AUTH_MODE": "local",
                    "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan",
                }
            )
            import function_app
            from devtools.host import LocalHost
            from shared.settings import SCAN_QUEUE

            host = LocalHost(function_app.app, azurite.connection_string)
            names: dict[str, str] = {}
            for tid, tenant in portfolio.items():
                names[tid] = getattr(tenant, "name", tid)
                response = host.http("PUT", f"/api/tenants/{tid}", {"displayName": names[tid], "enabled": True})
                if response.status_code not in (200, 201):
                    raise SystemExit(f"registering {tid} failed: {response.get_body().decode()}")
            _say(f"registered {len(names)} tenants; firing schedule_scans")
            host.fire_timer("schedule_scans")
            started = time.monotonic()
            host.drain_queue(SCAN_QUEUE)
            _say(f"first scan of every tenant done in {time.monotonic() - started:.1f}s")
            for line in _apply_changes(sim, list(portfolio)):
                _say(f"change: {line}")
            host.fire_timer("schedule_scans")
            host.drain_queue(SCAN_QUEUE)
            _say("second scan done")
            _print_runs(host, names)
        finally:
            sim.stop()
    _say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
