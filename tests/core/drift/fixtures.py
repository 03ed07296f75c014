"""Raw Graph objects and snapshot documents for drift tests, built the way a scan builds them."""

from __future__ import annotations

import base64
import copy
import random
from collections.abc import Mapping, Sequence
from typing import Any

from shared.core.contracts import CONTRACTS
from shared.core.drift import BaselineMode, Comparison, LifecyclePlan, acknowledge, compare_snapshots, plan_lifecycle
from shared.core.normalise import normalise_item
from shared.core.scope import scope_key

TENANT = "6f1c2a8e-1b2c-4d5e-8f90-123456789abc"
KEY = b"unit-drift-key"

GROUP = "#microsoft.graph.groupAssignmentTarget"
EXCLUDE = "#microsoft.graph.exclusionGroupAssignmentTarget"
ALL_DEVICES = "#microsoft.graph.allDevicesAssignmentTarget"
CHOICE = "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"
SIMPLE = "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance"
SIMPLE_COLLECTION = "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance"
GROUP_COLLECTION = "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance"
INTEGER = "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue"
STRING = "#microsoft.graph.deviceManagementConfigurationStringSettingValue"
SECRET = "#microsoft.graph.deviceManagementConfigurationSecretSettingValue"
REALTIME = "device_vendor_msft_policy_config_defender_allowrealtimemonitoring"


def run_id(n: int) -> str:
    """A well-formed run id that sorts by `n`."""
    return f"20260101T{n:06d}000Z-{n:08x}"


def finished_at(n: int) -> str:
    """The finish time of run `n`."""
    return f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z"


# ---- raw Graph objects -------------------------------------------------------------------------


def target(kind: str, group: str | None = None, filter_id: str | None = None) -> dict[str, Any]:
    """One assignment as Graph returns it (with the volatile ids normalisation drops)."""
    body: dict[str, Any] = {"@odata.type": kind}
    if group:
        body["groupId"] = group
    body["deviceAndAppManagementAssignmentFilterId"] = filter_id
    body["deviceAndAppManagementAssignmentFilterType"] = "include" if filter_id else "none"
    return {"id": f"{group or 'all'}_{kind[-12:]}", "sourceId": "src", "target": body}


def child(definition: str, value: Any) -> dict[str, Any]:
    """A simple child setting instance of a choice setting."""
    kind = INTEGER if isinstance(value, int) and not isinstance(value, bool) else STRING
    return {
        "@odata.type": SIMPLE,
        "settingDefinitionId": definition,
        "settingInstanceTemplateReference": None,
        "simpleSettingValue": {"@odata.type": kind, "value": value},
    }


def choice(definition: str, value: str, children: Sequence[dict[str, Any]] = (), row: str = "0") -> dict[str, Any]:
    """One element of a settings catalog policy's `settings`: a choice setting with children."""
    return {
        "id": row,
        "settingInstance": {
            "@odata.type": CHOICE,
            "settingDefinitionId": definition,
            "choiceSettingValue": {"value": value, "children": list(children)},
        },
    }


def secret_setting(definition: str, secret: str, row: str = "9") -> dict[str, Any]:
    """A settings catalog secret setting (the value Graph returns is what gets masked)."""
    return {
        "id": row,
        "settingInstance": {
            "@odata.type": SIMPLE,
            "settingDefinitionId": definition,
            "simpleSettingValue": {"@odata.type": SECRET, "value": secret, "valueState": "notEncrypted"},
        },
    }


def settings_policy(
    pid: str,
    name: str,
    settings: Sequence[dict[str, Any]],
    assignments: Sequence[dict[str, Any]] = (),
    description: str | None = None,
) -> dict[str, Any]:
    """A settings catalog policy with `$expand=settings,assignments`."""
    return {
        "id": pid,
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": name,
        "description": description,
        "platforms": "windows10",
        "technologies": "mdm",
        "roleScopeTagIds": ["0"],
        "settingCount": len(settings),
        "lastModifiedDateTime": "2026-01-01T00:00:00Z",
        "templateReference": {"templateId": "", "templateFamily": "none"},
        "settings": list(settings),
        "assignments": list(assignments),
    }


def defender_policy(
    realtime_child: int = 1, name: str = "Defender AV", extra: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """A Defender settings catalog policy with a nested choice child."""
    return settings_policy(
        "pol-defender",
        name,
        [
            choice(
                REALTIME,
                f"{REALTIME}_1",
                [child(f"{REALTIME}_scanlevel", realtime_child), child(f"{REALTIME}_mode", "block")],
                row="0",
            ),
            choice("device_vendor_msft_policy_config_defender_puaprotection", "pua_1", row="1"),
            *extra,
        ],
        [target(GROUP, "grp-all-devices")],
    )


def ca_policy(
    pid: str,
    name: str,
    *,
    exclude_groups: Sequence[str] = ("grp-breakglass",),
    state: str = "enabled",
    controls: Sequence[str] = ("mfa",),
) -> dict[str, Any]:
    """A Conditional Access policy (v1.0)."""
    return {
        "id": pid,
        "displayName": name,
        "state": state,
        "createdDateTime": "2025-01-01T00:00:00Z",
        "modifiedDateTime": "2026-01-01T00:00:00Z",
        "conditions": {
            "clientAppTypes": ["all"],
            "users": {
                "includeUsers": ["All"],
                "excludeUsers": [],
                "includeGroups": [],
                "excludeGroups": list(exclude_groups),
                "excludeRoles": ["62e90394-69f5-4237-9190-012177145e10"],
            },
            "applications": {"includeApplications": ["All"], "excludeApplications": []},
            "platforms": None,
            "locations": None,
        },
        "grantControls": {"operator": "OR", "builtInControls": list(controls), "customAuthenticationFactors": []},
        "sessionControls": None,
    }


def script(pid: str, name: str, body: str) -> dict[str, Any]:
    """A platform script as GET by id returns it (body base64)."""
    return {
        "id": pid,
        "displayName": name,
        "runAsAccount": "system",
        "fileName": f"{pid}.ps1",
        "scriptContent": base64.b64encode(body.encode("utf-8")).decode("ascii"),
        "assignments": [target(GROUP, "grp-scripts")],
    }


def snapshot(
    n: int,
    items: Mapping[str, Sequence[dict[str, Any]]],
    *,
    failed: Mapping[str, str] | None = None,
    tenant: str = TENANT,
    key: bytes | None = KEY,
    references: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The snapshot document of run `n` holding the given raw objects, normalised as a scan does."""
    types: dict[str, Any] = {}
    for policy_type, raws in items.items():
        normalised = [normalise_item(CONTRACTS[policy_type], copy.deepcopy(raw), key) for raw in raws]
        types[policy_type] = {
            "status": "complete",
            "errorCode": None,
            "error": None,
            "itemCount": len(normalised),
            "items": normalised,
        }
    for policy_type, code in (failed or {}).items():
        types[policy_type] = {"status": "failed", "errorCode": code, "error": None, "itemCount": 0, "items": []}
    selection = sorted(types)
    statuses = {entry["status"] for entry in types.values()}
    status = "completed" if statuses == {"complete"} else "failed" if statuses == {"failed"} else "partial"
    document: dict[str, Any] = {
        "schemaVersion": 1,
        "tenantId": tenant,
        "runId": run_id(n),
        "scopeKey": scope_key(selection),
        "selection": selection,
        "status": status,
        "startedAt": finished_at(n),
        "finishedAt": finished_at(n),
        "types": types,
    }
    if references is not None:
        document["references"] = dict(references)
    return document


RAW_FIELDS = ("path", "category", "before", "after")


def raw(changes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Changes without their words: what the comparison found, as raw paths and values."""
    return [{k: c[k] for k in RAW_FIELDS} for c in changes]


def compare(baseline: dict[str, Any], current: dict[str, Any]) -> Comparison:
    """compare_snapshots for the test tenant."""
    return compare_snapshots(baseline, current, TENANT)


class Store:
    """Findings and history as the shell keeps them: events appended if absent, then findings written."""

    def __init__(self) -> None:
        self.findings: dict[str, dict[str, Any]] = {}
        self.history: dict[str, dict[str, Any]] = {}
        self.appended = 0

    def existing(self, comparison: Comparison) -> list[dict[str, Any]]:
        return [copy.deepcopy(f) for f in self.findings.values() if f["baselineRunId"] == comparison.baseline_run_id]

    def plan(self, comparison: Comparison, mode: BaselineMode) -> LifecyclePlan:
        run = int(comparison.current_run_id.split("-")[1], 16)
        return plan_lifecycle(comparison, mode=mode, existing=self.existing(comparison), finished_at=finished_at(run))

    def write(self, plan: LifecyclePlan) -> None:
        for event in plan.events:
            if event["id"] not in self.history:
                self.history[event["id"]] = dict(event)
                self.appended += 1
        for finding in plan.findings:
            self.findings[finding["id"]] = dict(finding)

    def step(self, comparison: Comparison, mode: BaselineMode) -> LifecyclePlan:
        plan = self.plan(comparison, mode)
        self.write(plan)
        return plan

    def ack(
        self, fid: str, by: str = "tech@msp.example", note: str | None = None, at: str = "2026-02-01T10:00:00Z"
    ) -> None:
        state, event = acknowledge(self.findings[fid], by, note, at)
        if event is not None:
            self.history.setdefault(event["id"], dict(event))
        self.findings[fid] = dict(state)

    def one(self, policy_type: str) -> dict[str, Any]:
        [finding] = [f for f in self.findings.values() if f["policyType"] == policy_type]
        return finding

    def actions(self, fid: str) -> list[str]:
        return [
            e["action"]
            for e in sorted(self.history.values(), key=lambda e: (e["at"], e["runId"] or ""))
            if e["findingId"] == fid
        ]


# ---- random tenants (seeded, so any process rebuilds the same input) ---------------------------

TYPES = (
    "conditionalAccessPolicy",
    "deviceConfiguration",
    "deviceManagementScript",
    "namedLocation",
    "settingsCatalogPolicy",
)
_GROUPS = [f"grp-{i}" for i in range(6)]
_DEFS = [f"device_vendor_msft_policy_config_area_setting{i}" for i in range(8)]
_NAMES = ["Baseline", "Baseline v2", "Pilot", "Ring 1", "Kiosk"]
_LEAVES: list[Any] = [0, 1, 2, True, False, "x", "y", "changed", None, ""]


def _assignments(rng: random.Random) -> list[dict[str, Any]]:
    seen: set[tuple[str, str | None, str | None]] = set()
    out: list[dict[str, Any]] = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice([GROUP, GROUP, EXCLUDE, ALL_DEVICES])
        group = None if kind == ALL_DEVICES else rng.choice(_GROUPS)
        filter_id = rng.choice([None, None, "flt-1", "flt-2"])
        if (kind, group, filter_id) not in seen:
            seen.add((kind, group, filter_id))
            out.append(target(kind, group, filter_id))
    return out


def _random_setting(rng: random.Random, definition: str, row: int) -> dict[str, Any]:
    kind = rng.choice(["choice", "choice", "collection", "group", "secret"])
    if kind == "choice":
        kids = [
            child(f"{definition}_c{c}", rng.choice([0, 1, 2, True, "a", "b"]))
            for c in rng.sample(range(4), rng.randint(0, 3))
        ]
        return choice(definition, f"{definition}_{rng.randint(0, 2)}", kids, row=str(row))
    if kind == "secret":
        return secret_setting(definition, rng.choice(["s3cret-a", "s3cret-b"]), row=str(row))
    if kind == "collection":
        values = [{"@odata.type": STRING, "value": v} for v in rng.sample(["a", "b", "c", "d"], rng.randint(1, 3))]
        instance: dict[str, Any] = {
            "@odata.type": SIMPLE_COLLECTION,
            "settingDefinitionId": definition,
            "simpleSettingCollectionValue": values,
        }
    else:
        groups = [
            {"children": [child(f"{definition}_g{g}_{c}", rng.randint(0, 2)) for c in range(rng.randint(1, 2))]}
            for g in range(rng.randint(1, 2))
        ]
        instance = {
            "@odata.type": GROUP_COLLECTION,
            "settingDefinitionId": definition,
            "groupSettingCollectionValue": groups,
        }
    return {"id": str(row), "settingInstance": instance}


def _random_item(rng: random.Random, policy_type: str, pid: str) -> dict[str, Any]:
    name = rng.choice(_NAMES)
    if policy_type == "settingsCatalogPolicy":
        defs = rng.sample(_DEFS, rng.randint(0, 5))
        raw = settings_policy(
            pid,
            name,
            [_random_setting(rng, d, i) for i, d in enumerate(defs)],
            _assignments(rng),
            rng.choice([None, "", "a", "b"]),
        )
        raw["roleScopeTagIds"] = rng.sample(["0", "1", "2"], rng.randint(0, 3))
        raw["lastModifiedDateTime"] = f"2026-01-0{rng.randint(1, 9)}T00:00:00Z"
        return raw
    if policy_type == "conditionalAccessPolicy":
        return ca_policy(
            pid,
            name,
            exclude_groups=rng.sample(_GROUPS, rng.randint(0, 4)),
            state=rng.choice(["enabled", "disabled", "enabledForReportingButNotEnforced"]),
            controls=rng.sample(["mfa", "compliantDevice", "domainJoinedDevice"], rng.randint(1, 3)),
        )
    if policy_type == "deviceConfiguration":
        oma = [
            {
                "@odata.type": "#microsoft.graph.omaSettingString",
                "omaUri": f"./Vendor/MSFT/Policy/Config/A{u}",
                "displayName": f"A{u}",
                "value": rng.choice(["1", "2", "x"]),
            }
            for u in rng.sample(range(5), rng.randint(0, 3))
        ]
        if rng.random() < 0.5:
            oma.append(
                {
                    "omaUri": "./Vendor/MSFT/Secret",
                    "isEncrypted": True,
                    "secretReferenceValueId": rng.choice(["ref-1", "ref-2"]),
                    "value": "PLANTED-SECRET",
                }
            )
        return {
            "id": pid,
            "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
            "displayName": name,
            "version": rng.randint(1, 9),
            "omaSettings": oma,
            "assignments": _assignments(rng),
        }
    if policy_type == "deviceManagementScript":
        return script(pid, name, rng.choice(["Write-Host 1", "Write-Host 2", "Get-Process"]))
    if rng.random() < 0.5:
        return {
            "id": pid,
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "displayName": name,
            "isTrusted": rng.choice([True, False]),
            "ipRanges": [
                {"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": f"10.0.{i}.0/24"}
                for i in rng.sample(range(6), rng.randint(1, 3))
            ],
        }
    return {
        "id": pid,
        "@odata.type": "#microsoft.graph.countryNamedLocation",
        "displayName": name,
        "countriesAndRegions": rng.sample(["BE", "LU", "NL", "DE", "FR"], rng.randint(1, 4)),
        "includeUnknownCountriesAndRegions": rng.choice([True, False]),
    }


def random_tenant(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Raw objects of every test type, a few per type."""
    return {t: [_random_item(rng, t, f"{t[:4]}-{i}") for i in rng.sample(range(8), rng.randint(0, 4))] for t in TYPES}


# Identity fields a tweak leaves alone: Graph never empties them (a changed target is a new assignment).
_IDENTITY_FIELDS = frozenset({"target", "omaUri"})


def _leaves(value: Any, top: bool = True) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if (top and key == "id") or key in _IDENTITY_FIELDS:
                continue
            if isinstance(inner, (dict, list)):
                out.extend(_leaves(inner, top=False))
            else:
                out.append((value, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if isinstance(inner, (dict, list)):
                out.extend(_leaves(inner, top=False))
            else:
                out.append((value, index))
    return out


def drifted(rng: random.Random, tenant: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The tenant some time later: objects kept, tweaked, rewritten, deleted and created."""
    out: dict[str, list[dict[str, Any]]] = {}
    for policy_type, raws in tenant.items():
        items: list[dict[str, Any]] = []
        for raw in raws:
            roll = rng.random()
            if roll < 0.5:
                items.append(copy.deepcopy(raw))
            elif roll < 0.75:
                tweaked = copy.deepcopy(raw)
                leaves = _leaves(tweaked)
                for _ in range(rng.randint(1, 2)):
                    if leaves:
                        container, key = rng.choice(leaves)
                        container[key] = rng.choice(_LEAVES)
                items.append(tweaked)
            elif roll < 0.9:
                items.append(_random_item(rng, policy_type, raw["id"]))
        used = {raw["id"] for raw in raws}
        for i in range(8, 8 + rng.randint(0, 2)):
            pid = f"{policy_type[:4]}-{i}"
            if pid not in used:
                items.append(_random_item(rng, policy_type, pid))
        out[policy_type] = items
    return out


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same raw data as Graph might send it another time: dict keys and every array reordered."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        items = [shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


def random_pair(seed: int) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """A baseline tenant and its drifted successor, fully determined by `seed`."""
    rng = random.Random(seed)
    before = random_tenant(rng)
    return before, drifted(rng, before)
