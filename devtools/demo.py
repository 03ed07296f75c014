"""The main job, locally: scan a simulated MSP portfolio, change it, scan again, show the drift. Development only.

Starts Azurite and the Graph simulator (the "demo" portfolio: three tenants of different sizes and
mixes) on free ports, serves the function app with the local runner, registers the tenants through
the HTTP API, scans them (timer → queue → snapshot blob → drift detection), makes realistic changes
in the simulated tenants, scans again, prints each tenant's drift, one finding in detail and the
signed drift events a local webhook receiver got for the changes (and for an acknowledgement), then
serves the API and the drift page until Ctrl-C (`--once` stops after printing). After the first scan a
golden template is frozen from the first tenant and assigned to all of them; each tenant's alignment
with it is printed after the second scan.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from devtools.graphsim import GraphSimulator, SimTenant
    from devtools.graphsim.audit import AuditActor
    from devtools.receiver import WebhookReceiver
    from devtools.runner import Runner

SIM_SECRET = "demo-simulator-token"
PILOT_GROUP = "SG-Intune-Devices-Pilot"
# Defender settings a technician might switch off "just for a test"; the first one that is on is used.
DEFENDER_SETTINGS = (
    "device_vendor_msft_policy_config_defender_allowbehaviormonitoring",
    "device_vendor_msft_policy_config_defender_allowrealtimemonitoring",
    "device_vendor_msft_policy_config_defender_allowcloudprotection",
    "device_vendor_msft_policy_config_defender_allowarchivescanning",
)
USB_SCRIPT = (
    "# Disable-USBStorage.ps1: block USB mass storage on shared front-desk PCs\n"
    "Set-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Stores\\USBSTOR' -Name Start -Value 4\n"
)

_started = time.monotonic()


def say(message: str) -> None:
    """A progress line with the time since the demo started."""
    print(f"[{time.monotonic() - _started:5.1f}s] {message}", flush=True)


@dataclass(frozen=True)
class ScriptedChange:
    """One edit made in a simulated tenant, and the finding it should produce."""

    tenant_id: str
    policy_type: str
    subject_id: str
    change_type: str
    description: str


# --- the API over real HTTP ----------------------------------------------------------------------


class Api:
    """A tiny JSON client for the runner's HTTP server (what a portal or curl would do)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, body: Any = None, **params: str) -> tuple[int, Any]:
        url = f"{self.base_url}/api{path}" + (f"?{urlencode(params)}" if params else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        if method != "GET":  # every state change is JSON, with a body or without (docs/security.md)
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, json.loads(raw) if raw else None

    def get(self, path: str, **params: str) -> Any:
        status, body = self.call("GET", path, **params)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body}")
        return body


# --- scripted changes ----------------------------------------------------------------------------


def _find(sim: GraphSimulator, order: list[str], pick: Callable[[SimTenant], Any]) -> tuple[str, SimTenant, Any] | None:
    """The first tenant (in `order`) where `pick` finds something, with what it found."""
    for tid in order:
        tenant = sim.tenant(tid)
        found = pick(tenant)
        if found:
            return tid, tenant, found
    return None


def _defender_setting(tenant: SimTenant) -> tuple[dict[str, Any], str, str, str] | None:
    from devtools.graphsim.store import iter_setting_instances

    for policy in tenant.objects("settingsCatalogPolicy"):
        values = {
            inst["settingDefinitionId"]: str((inst.get("choiceSettingValue") or {}).get("value") or "")
            for inst in iter_setting_instances(policy.get("settings") or [])
        }
        for definition in DEFENDER_SETTINGS:
            value = values.get(definition, "")
            if value.endswith("_1"):
                return policy, definition, value, value[:-1] + "0"
    return None


ASR_RULES = "device_vendor_msft_policy_config_defender_attacksurfacereductionrules"


def _asr_rule_in_block_mode(tenant: SimTenant) -> tuple[dict[str, Any], str] | None:
    """An attack surface reduction policy and one of its rules (a child of the group collection) in block mode."""
    for policy in tenant.objects("settingsCatalogPolicy"):
        for row in policy.get("settings") or []:
            instance = row["settingInstance"]
            if instance["settingDefinitionId"] != ASR_RULES:
                continue
            for element in instance.get("groupSettingCollectionValue") or []:
                for rule in element["children"]:
                    if rule["choiceSettingValue"]["value"].endswith("_block"):
                        return policy, rule["settingDefinitionId"]
    return None


def _wifi_with_key(tenant: SimTenant) -> dict[str, Any] | None:
    for config in tenant.objects("deviceConfiguration"):
        if "wifi" in str(config.get("@odata.type", "")).lower() and config.get("preSharedKey"):
            return config
    return None


def _win32_app(tenant: SimTenant) -> dict[str, Any] | None:
    """A Win32 app not yet required on all devices."""
    for app in tenant.objects("mobileApp"):
        targets = {a["target"]["@odata.type"] for a in app["assignments"]}
        if (
            app["@odata.type"] == "#microsoft.graph.win32LobApp"
            and "#microsoft.graph.allDevicesAssignmentTarget" not in targets
        ):
            return app
    return None


def _pilot_group(tenant: SimTenant) -> str:
    for group in tenant.groups():
        if "pilot" in str(group.get("displayName", "")).lower():
            return str(group["id"])
    return tenant.add_group(PILOT_GROUP)


def _technician(tenant: SimTenant, name: str, ip: str) -> AuditActor:
    """An MSP technician signed in to the tenant's portal (the audit logs name them)."""
    from devtools.graphsim.audit import AuditActor

    user_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant.tenant_id}/{name}"))
    return AuditActor.user(f"{name}@{tenant.domain}", user_id, ip)


def _automation() -> AuditActor:
    """The MSP's own automation, acting with application permissions."""
    from devtools.graphsim.audit import AuditActor

    return AuditActor.app("MSP Automation runbook", "3f6c9e1a-5b2d-4c8e-9a7f-1d2e3f4a5b6c")


def apply_changes(sim: GraphSimulator, tenant_ids: list[str]) -> list[ScriptedChange]:
    """Realistic edits spread over the portfolio: each one is something a technician (or the MSP's
    automation) really does, logged in the tenant's audit logs under who did it."""
    done: list[ScriptedChange] = []
    small_first = sorted(tenant_ids, key=lambda t: sim.tenant(t).size)
    big_first = list(reversed(small_first))
    # The tenant whose estate is mostly Entra (Conditional Access heavy) loses a CA policy.
    ca_first = sorted(tenant_ids, key=lambda t: -len(sim.tenant(t).ids("conditionalAccessPolicy")) / sim.tenant(t).size)

    found = _find(sim, tenant_ids, _defender_setting)
    if found:
        tid, tenant, (policy, definition, before, after) = found
        with tenant.audit.acting_as(_technician(tenant, "jordan.lee", "203.0.113.24")):
            tenant.set_setting_value(policy["id"], definition, after)
        short = definition.rsplit("_", 1)[-1]
        done.append(
            ScriptedChange(
                tid, "settingsCatalogPolicy", policy["id"], "modified",
                f"{tenant.name}: '{policy['name']}': Defender setting {short} switched off ({before[-1]} → {after[-1]})",
            )
        )  # fmt: skip

    found = _find(sim, big_first, _asr_rule_in_block_mode)
    if found:
        tid, tenant, (policy, rule) = found
        with tenant.audit.acting_as(_technician(tenant, "sam.ortiz", "198.51.100.42")):
            tenant.set_setting_value(policy["id"], rule, f"{rule}_audit")
        short = rule.rsplit("_", 1)[-1]
        done.append(
            ScriptedChange(
                tid, "settingsCatalogPolicy", policy["id"], "modified",
                f"{tenant.name}: '{policy['name']}': attack surface reduction rule {short} moved from block to audit",
            )
        )  # fmt: skip

    found = _find(sim, big_first, lambda t: t.objects("deviceCompliancePolicy"))
    if found:
        tid, tenant, policies = found
        policy = policies[0]
        group_id = _pilot_group(tenant)
        with tenant.audit.acting_as(_technician(tenant, "jordan.lee", "203.0.113.24")):
            tenant.add_exclusion_assignment("deviceCompliancePolicy", policy["id"], group_id)
        done.append(
            ScriptedChange(
                tid, "deviceCompliancePolicy", policy["id"], "modified",
                f"{tenant.name}: pilot group {tenant.group_name(group_id)} excluded from '{policy['displayName']}'",
            )
        )  # fmt: skip

    found = _find(sim, ca_first, lambda t: t.objects("conditionalAccessPolicy"))
    if found:
        tid, tenant, policies = found
        policy = policies[-1]
        with tenant.audit.acting_as(_automation()):
            tenant.delete("conditionalAccessPolicy", policy["id"])
        done.append(
            ScriptedChange(
                tid, "conditionalAccessPolicy", policy["id"], "removed",
                f"{tenant.name}: Conditional Access policy '{policy['displayName']}' deleted",
            )
        )  # fmt: skip

    tid = small_first[len(small_first) // 2] if len(small_first) > 2 else small_first[0]
    tenant = sim.tenant(tid)
    with tenant.audit.acting_as(_technician(tenant, "sam.ortiz", "198.51.100.42")):
        script_id = tenant.add(
            "deviceManagementScript",
            {
                "@odata.type": "#microsoft.graph.deviceManagementScript",
                "displayName": "Disable-USBStorage",
                "description": "Blocks USB mass storage on shared front-desk PCs",
                "scriptContent": base64.b64encode(USB_SCRIPT.encode()).decode(),
                "runAsAccount": "system",
                "enforceSignatureCheck": False,
                "fileName": "Disable-USBStorage.ps1",
                "roleScopeTagIds": ["0"],
                "runAs32Bit": False,
            },
        )
        tenant.add_assignment("deviceManagementScript", script_id, "allDevices")
    done.append(
        ScriptedChange(
            tid, "deviceManagementScript", script_id, "added",
            f"{tenant.name}: new platform script 'Disable-USBStorage' assigned to all devices",
        )
    )  # fmt: skip

    found = _find(sim, big_first, _win32_app)
    if found:
        tid, tenant, app = found

        def require_everywhere(obj: dict[str, Any]) -> None:
            obj["assignments"] = [
                *obj["assignments"],
                {
                    "@odata.type": "#microsoft.graph.mobileAppAssignment",
                    "id": f"{obj['id']}_demo",
                    "intent": "required",
                    "target": {
                        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
                        "deviceAndAppManagementAssignmentFilterId": None,
                        "deviceAndAppManagementAssignmentFilterType": "none",
                    },
                    "settings": None,
                    "source": "direct",
                    "sourceId": None,
                },
            ]

        tenant.update("mobileApp", app["id"], require_everywhere)
        done.append(
            ScriptedChange(
                tid, "mobileApp", app["id"], "modified",
                f"{tenant.name}: app '{app['displayName']}' made required on all devices",
            )
        )  # fmt: skip

    found = _find(sim, ca_first, lambda t: t.ids("authorizationPolicy"))
    if found:
        tid, tenant, (policy_id, *_) = found
        tenant.update(
            "authorizationPolicy",
            policy_id,
            lambda o: o["defaultUserRolePermissions"].__setitem__("allowedToCreateApps", True),
        )
        done.append(
            ScriptedChange(
                tid, "authorizationPolicy", policy_id, "modified",
                f"{tenant.name}: authorization policy now lets every user register applications",
            )
        )  # fmt: skip

    found = _find(sim, small_first, lambda t: t.objects("roleAssignment"))
    if found:
        tid, tenant, assignments = found
        assignment = assignments[0]
        group_id = _pilot_group(tenant)
        tenant.update("roleAssignment", assignment["id"], lambda o: o["members"].append(group_id))
        done.append(
            ScriptedChange(
                tid, "roleAssignment", assignment["id"], "modified",
                f"{tenant.name}: Intune role assignment '{assignment['displayName']}' given to {tenant.group_name(group_id)}",
            )
        )  # fmt: skip

    found = _find(sim, big_first, _wifi_with_key)
    if found:
        tid, tenant, config = found
        with tenant.audit.acting_as(_technician(tenant, "jordan.lee", "203.0.113.24")):
            tenant.rotate_secret("deviceConfiguration", config["id"])
        done.append(
            ScriptedChange(
                tid, "deviceConfiguration", config["id"], "modified",
                f"{tenant.name}: Wi-Fi pre-shared key of '{config['displayName']}' rotated",
            )
        )  # fmt: skip
    return done


def withdraw_consent(sim: GraphSimulator, tenant_ids: list[str]) -> str:
    """Not a policy edit but just as real: the smallest tenant's admin withdraws one permission.

    Its types fail with `forbidden` from then on; the summary lists them as not covered instead of
    reporting their policies as removed."""
    from shared.core.contracts import CONTRACTS

    tid = min(tenant_ids, key=lambda t: sim.tenant(t).size)
    tenant = sim.tenant(tid)
    tenant.granted = frozenset(c.permission for c in CONTRACTS.values()) - {"CloudPC.Read.All"}
    return f"{tenant.name}: consent to CloudPC.Read.All withdrawn (Windows 365 policies now answer 403)"


# --- printing ------------------------------------------------------------------------------------


def _short_run(run: dict[str, Any] | None) -> str:
    return str(run["runId"]) if run else "-"


def print_summaries(api: Api) -> list[dict[str, Any]]:
    """The portfolio as a table: one line per tenant with its drift summary."""
    tenants = api.get("/tenants")["tenants"]
    rows = []
    for tenant in tenants:
        summary = api.get(f"/tenants/{quote(tenant['tenantId'])}/drift")
        rows.append((tenant, summary))
    header = (
        f"{'tenant':<20} {'state':<8} {'baseline run':<30} {'current run':<30} {'new':>4} {'ack':>4}  "
        f"{'added/mod/rem':<13}  coverage problems"
    )
    print()
    print(header)
    print("-" * len(header))
    for tenant, summary in rows:
        counts = summary["counts"]
        by_change = counts["byChangeType"]
        failed = summary["coverage"]["failed"]
        problems = ", ".join(f"{f['policyType']} ({f['errorCode']})" for f in failed) or "none"
        if summary["state"] != "ready" and summary.get("reason"):
            problems += f"; {summary['reason']['code']}"
        changes = f"{by_change.get('added', 0)}/{by_change.get('modified', 0)}/{by_change.get('removed', 0)}"
        print(
            f"{tenant['displayName'][:20]:<20} {summary['state']:<8} {_short_run(summary['baseline']):<30} "
            f"{_short_run(summary['current']):<30} {counts['new']:>4} {counts['acknowledged']:>4}  "
            f"{changes:<13}  {problems}"
        )
    print()
    return [summary for _, summary in rows]


def _value(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def print_finding(api: Api, tenant_id: str, finding_id: str) -> dict[str, Any]:
    """One finding as the drift page shows it: what, where, and every change from before to after."""
    detail: dict[str, Any] = api.get(f"/tenants/{quote(tenant_id)}/drift/findings/{quote(finding_id)}")
    print(f"Finding {detail['id']}")
    print(f"  {detail['displayName']} ({detail['policyType']}, {detail['subjectId']})")
    print(f"  {detail['changeType']}, severity {detail['severity']}, status {detail['status']}")
    print(f"  baseline run {detail['baselineRunId']} → current run {detail['currentRunId']}")
    attribution = detail.get("attribution") or {}
    if attribution.get("events"):
        newest = attribution["events"][0]
        actor = newest["actor"]
        who = actor.get("userPrincipalName") or actor.get("applicationDisplayName")
        where = f" from {actor['ipAddress']}" if actor.get("ipAddress") else ""
        print(f"  changed by {who}{where} at {newest['at']} ({newest['activity']}, {newest['source']} audit log)")
    else:
        print(f"  changed by: {attribution.get('state', 'not known')} ({attribution.get('reason')})")
    for change in detail["changes"]:
        before = change["beforeLabel"] if change["beforeLabel"] is not None else _value(change["before"])
        after = change["afterLabel"] if change["afterLabel"] is not None else _value(change["after"])
        print(f"  - {change['label']}  [{change['category']}]")
        print(f"      {before} → {after}")
        if change["unresolved"]:
            print(f"      (names not found: {', '.join(change['unresolved'])})")
        print(f"      raw: {change['path']}: {_value(change['before'])} → {_value(change['after'])}")
    print()
    return detail


TEMPLATE_ID = "msp-golden"


def create_template(api: Api, source_id: str, source_name: str) -> dict[str, Any]:
    """A golden template frozen from the reference tenant's latest completed run (every object)."""
    status, body = api.call(
        "PUT", f"/templates/{TEMPLATE_ID}", {"displayName": f"{source_name} golden", "sourceTenantId": source_id}
    )
    if status not in (200, 201):
        raise SystemExit(f"creating the template failed: {status} {body}")
    return dict(body)


def assign_template(api: Api, tenant_ids: list[str]) -> None:
    """Assign the golden template to every tenant (each assignment measures the tenant at once)."""
    for tid in tenant_ids:
        status, body = api.call("PUT", f"/tenants/{quote(tid)}/templates/{TEMPLATE_ID}", {})
        if status not in (200, 201):
            raise SystemExit(f"assigning the template to {tid} failed: {status} {body}")


def print_alignment(api: Api, names: dict[str, str], shown: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Each tenant's alignment with the golden template: score, counts and its first deviations in words."""
    out: dict[str, list[dict[str, Any]]] = {}
    print()
    print(f"{'tenant':<20} {'template':<24} {'ver':>3} {'score':>6}  matched/different/missing/conflicting")
    print("-" * 92)
    details = []
    for tid, name in names.items():
        out[tid] = api.get(f"/tenants/{quote(tid)}/alignment")["templates"]
        for result in out[tid]:
            c = result["counts"]
            score = "-" if result["score"] is None else f"{result['score']:.1f}"
            print(
                f"{name[:20]:<20} {result['displayName'][:24]:<24} {result['version']:>3} {score:>6}  "
                f"{c['matched']}/{c['different']}/{c['missing']}/{c['conflicting']}"
            )
            details.append((name, result))
    print()
    for name, result in details:
        deviations = result["deviations"]
        if not deviations:
            print(f"{name}: no deviation from {result['displayName']}")
            continue
        total = len(deviations) + result["deviationsOmitted"]
        print(f"{name}: {total} deviation(s) from {result['displayName']}, first {min(shown, total)}:")
        for d in deviations[:shown]:
            print(f"  - {d['kind']}: {d['templateDisplayName']} › {d['label']}")
            print(f"      expected: {_value(d['expected'])}")
            print(f"      actual:   {_value(d['actual'])}")
    print()
    return out


def check_detected(api: Api, changes: list[ScriptedChange]) -> list[tuple[ScriptedChange, str | None]]:
    """Each scripted change with the id of the finding that reports it (None: missed)."""
    out: list[tuple[ScriptedChange, str | None]] = []
    for change in changes:
        findings = api.get(
            f"/tenants/{quote(change.tenant_id)}/drift/findings",
            status="all",
            policyType=change.policy_type,
            changeType=change.change_type,
        )["findings"]
        match = next((f["id"] for f in findings if f["subjectId"] == change.subject_id), None)
        out.append((change, match))
    return out


def subscribe_receiver(api: Api, receiver: WebhookReceiver) -> str | None:
    """Subscribe the local receiver to every drift event; its signing secret (None: refused)."""
    status, created = api.call("PUT", "/subscriptions/demo-receiver", {"url": receiver.url("/drift-events")})
    if status != 201:
        say(f"subscribing the local receiver failed: {status} {created}")
        return None
    say(
        f"subscribed a local webhook receiver ({receiver.url('/drift-events')}) with PUT /api/subscriptions/demo-receiver"
    )
    return str(created["signingSecret"])


def _verified_events(receiver: WebhookReceiver, secret: str) -> list[dict[str, Any]]:
    """Every event the receiver got, each once its Standard Webhooks signature verifies."""
    from standardwebhooks.webhooks import Webhook

    return [Webhook(secret).verify(r.body, r.headers) for r in receiver.received("/drift-events")]


def demo_events(
    api: Api,
    runner: Runner,
    receiver: WebhookReceiver,
    secret: str,
    detected: list[tuple[ScriptedChange, str | None]],
) -> bool:
    """The drift events the second scan sent (one `drift.finding.opened` per scripted change), an
    acknowledgement's event, and a test event; every signature verified."""
    events = _verified_events(receiver, secret)
    print()
    print(f"{'event':<28} {'tenant':<20} {'severity':<8} what")
    print("-" * 92)
    for event in events:
        data = event["data"]
        print(
            f"{event['type']:<28} {data['tenantDisplayName'][:20]:<20} {data.get('severity') or '-':<8} "
            f"{data.get('displayName') or data.get('runId')}"
        )
    print()
    opened = [e for e in events if e["type"] == "drift.finding.opened"]
    per_finding = {fid: sum(1 for e in opened if e["data"]["findingId"] == fid) for _, fid in detected}
    say(
        f"{len(events)} drift event(s) arrived at the receiver, signatures verified; "
        f"{sum(1 for n in per_finding.values() if n == 1)} of {len(per_finding)} scripted changes announced "
        "by exactly one drift.finding.opened"
    )
    if any(n != 1 for n in per_finding.values()):
        return False

    change, finding_id = detected[0]
    status, _ = api.call(
        "POST", f"/tenants/{quote(change.tenant_id)}/drift/findings/{quote(str(finding_id))}/acknowledge",
        {"note": "change ticket from the demo"},
    )  # fmt: skip
    runner.pump()
    acknowledged = [e for e in _verified_events(receiver, secret) if e["type"] == "drift.finding.acknowledged"]
    if status != 200 or len(acknowledged) != 1:
        say(f"the acknowledgement's event did not arrive: {status}, {len(acknowledged)} event(s)")
        return False
    say(
        f"acknowledged one finding with POST …/acknowledge → drift.finding.acknowledged {acknowledged[0]['id']} "
        f"(actor {acknowledged[0]['data']['actor']})"
    )

    before = len(receiver.received("/drift-events"))
    status, queued = api.call("POST", "/subscriptions/demo-receiver/test")
    runner.pump()
    received = receiver.received("/drift-events")[before:]
    if status != 202 or not received:
        say(f"the test event did not arrive: {status} {queued}")
        return False
    [test] = [e for e in _verified_events(receiver, secret) if e["type"] == "drift.subscription.test"]
    delivery = next(
        d for d in api.get("/subscriptions/demo-receiver/deliveries")["deliveries"] if d["eventId"] == test["id"]
    )
    say(
        f"drift.subscription.test {test['id']} delivered (HTTP {delivery['lastHttpStatus']}, attempt "
        f"{delivery['attempts']}); webhook-signature verified with standardwebhooks"
    )
    return True


# --- main ----------------------------------------------------------------------------------------


def _scan_all(runner: Runner, label: str) -> None:
    started = time.monotonic()
    runner.run_timer_now("schedule_scans")
    delivered = runner.pump()
    say(
        f"{label}: schedule_scans → {delivered} deliveries (scan_tenant, detect_drift, align_tenant, relay_events, "
        f"deliver_event) in {time.monotonic() - started:.1f}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--once", action="store_true", help="do everything once and exit (for CI)")
    parser.add_argument("--port", type=int, default=7071, help="port of the API and drift page (default 7071)")
    parser.add_argument("--latency-ms", type=int, default=5, help="simulated Graph latency per request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="         (log) %(name)s: %(message)s")

    from devtools.azurite import Azurite
    from devtools.graphsim import GraphSimulator, generate_portfolio
    from devtools.receiver import WebhookReceiver

    say("starting Azurite (npm, in memory) on free ports")
    with Azurite.start() as azurite:
        sim = GraphSimulator(token_secret=SIM_SECRET)
        sim.start()
        runner: Runner | None = None
        receiver = WebhookReceiver().start()
        try:
            portfolio = generate_portfolio("demo")
            for tid, tenant in portfolio.items():
                sim.add_tenant(tid, tenant)
            sim.faults.latency(args.latency_ms)
            listing = ", ".join(f"{t.name} ({t.size} policies)" for t in portfolio.values())
            say(f"Graph simulator on {sim.base_url}: {listing}")
            os.environ.update(
                {
                    "AzureWebJobsStorage": azurite.connection_string,
                    "GRAPH_BASE_URL": sim.base_url,
                    "GRAPH_CREDENTIAL_MODE": "static_token",
                    "GRAPH_STATIC_TOKEN": SIM_SECRET,
                    "SECRET_HASH_KEY": "demo-only-key",
                    "AUTH_MODE": "local",
                    "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan",
                    "SCAN_SCHEDULE": os.environ.get("SCAN_SCHEDULE", "0 0 */6 * * *"),
                }
            )
            import function_app
            from devtools.host import LocalHost
            from devtools.runner import Runner

            host = LocalHost(function_app.app, azurite.connection_string)
            try:
                runner = Runner(host, 0 if args.once else args.port, background=not args.once).start()
            except OSError as exc:
                say(f"cannot listen on port {args.port} ({exc}); pick another with --port")
                return 2
            say(f"local runner serving the function app on {runner.url} (development tooling)")
            api = Api(runner.url)

            for tid, tenant in portfolio.items():
                status, body = api.call("PUT", f"/tenants/{tid}", {"displayName": tenant.name, "enabled": True})
                if status not in (200, 201):
                    raise SystemExit(f"registering {tenant.name} failed: {status} {body}")
            say(f"registered {len(portfolio)} tenants with PUT /api/tenants/{{tenantId}}")

            _scan_all(runner, "first scan")
            reference_id, reference = next(iter(portfolio.items()))
            template = create_template(api, reference_id, reference.name)
            say(
                f"template {TEMPLATE_ID!r} v{template['version']}: {template['objectCount']} objects frozen from "
                f"{reference.name}'s run {template['runId']}"
            )
            assign_template(api, list(portfolio))
            say(f"assigned it to all {len(portfolio)} tenants (each measured at once)")
            secret = subscribe_receiver(api, receiver)
            if secret is None:
                return 1
            changes = apply_changes(sim, list(portfolio))
            for change in changes:
                say(f"change: {change.description}")
            say(f"change: {withdraw_consent(sim, list(portfolio))}")
            _scan_all(runner, "second scan")

            print_summaries(api)
            alignment = print_alignment(api, {tid: t.name for tid, t in portfolio.items()})
            # The reference's own settings edit must show as a deviation from the template made before it.
            expected = [c for c in changes if c.tenant_id == reference_id and c.policy_type == "settingsCatalogPolicy"]
            (own,) = alignment[reference_id]
            found = [
                c for c in expected
                if any(d["templateObjectId"] == c.subject_id and d["kind"] == "different_value" for d in own["deviations"])
            ]  # fmt: skip
            say(
                f"{reference.name} against its own template after the edits: score {own['score']:.1f}, "
                f"{len(found)} of {len(expected)} of its scripted settings edits show as deviations"
            )
            if len(found) != len(expected):
                return 1
            detected = check_detected(api, changes)
            missed = [c for c, fid in detected if fid is None]
            say(f"{len(detected) - len(missed)} of {len(detected)} scripted changes show up as findings")
            for change in missed:
                say(f"MISSED: {change.description}")
            # A setting deep in a policy, one rule inside a group collection (best-match pairing), an
            # excluded group, and an app's assignment (one of the types DESIGN §10 added): each read in words.
            shown = [*detected[:3], *[d for d in detected[3:] if d[0].policy_type == "mobileApp"][:1]]
            for change, finding in shown:
                if finding is not None:
                    print_finding(api, change.tenant_id, finding)
            if missed or not detected:
                return 1
            if not demo_events(api, runner, receiver, secret, detected):
                return 1
            if args.once:
                say("done (--once)")
                return 0

            print(f"Drift page: {runner.url}/api/ui    API: {runner.url}/api/tenants    Ctrl-C to stop", flush=True)
            _wait_for_interrupt()
            say("stopping")
            return 0
        finally:
            if runner is not None:
                runner.stop()
            receiver.stop()
            sim.stop()


def _wait_for_interrupt() -> None:
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping:
        time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
