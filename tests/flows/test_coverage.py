"""Every type DESIGN §10 adds, through the registered functions against the strict simulator: the type
is scanned complete, one admin-set change gives exactly one modified finding on that object at a path
a person can place, and no planted secret or script body reaches a blob, a table or a log line. A
tenant that did not consent to a type's permission gets that type `forbidden`, not a failed run."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.graphsim import SimTenant, generate_tenant
from devtools.graphsim.catalog import TYPE_KEYS
from shared.core.contracts import CONTRACTS
from tests.pipeline import cycle, every_stored_byte, findings, new_tenant_id, register, runs, snapshot

Obj = dict[str, Any]
G = "#microsoft.graph."
PILOT_GROUP = "5b0c9d2e-8f41-4a73-b6c5-0d1e2f3a4b5c"
NEW_TYPES = TYPE_KEYS[20:]


@dataclass(frozen=True)
class Case:
    """One admin change to one object of a type, and the change the finding should hold."""

    policy_type: str
    pick: Callable[[SimTenant], str]
    edit: Callable[[Obj], None]
    path: Callable[[Obj], str]
    values: Callable[[Any, Any], bool] = lambda before, after: before != after
    label: str | None = None
    """The change's place in words (findings in words, DESIGN §11), where it is worth pinning."""


def _first(policy_type: str, where: Callable[[Obj], bool] = lambda o: True) -> Callable[[SimTenant], str]:
    def pick(sim: SimTenant) -> str:
        return next(
            i for i in sim.ids(policy_type) if not sim.is_builtin(policy_type, i) and where(sim.get(policy_type, i))
        )

    return pick


def _set(path: str, value: Any) -> Callable[[Obj], None]:
    def edit(obj: Obj) -> None:
        *parents, last = path.split("/")
        node = obj
        for name in parents:
            node = node[name]
        node[last] = value

    return edit


def _at(path: str) -> Callable[[Obj], str]:
    return lambda obj: path


def _group_assignment(app: Obj) -> Obj | None:
    return next((a for a in app["assignments"] if a["target"]["@odata.type"] == G + "groupAssignmentTarget"), None)


def _swap_intent(app: Obj) -> None:
    row = _group_assignment(app)
    assert row is not None
    row["intent"] = "available" if row["intent"] != "available" else "required"


def _body(marker: str) -> str:
    return base64.b64encode(f"# {marker}\nexit 0\n".encode()).decode()


def _hash_and_size(before: Any, after: Any) -> bool:
    return set(before) == set(after) >= {"sha256", "sizeBytes"} and before != after


def _add_policy_set_item(obj: Obj) -> None:
    obj["items"] = [
        *obj["items"],
        {
            "@odata.type": G + "deviceCompliancePolicyPolicySetItem",
            "id": "a7c1b9e4-2f6d-4e8a-9b3c-5d7f1e2a4c68",
            "payloadId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "itemType": "#microsoft.graph.deviceCompliancePolicy",
            "displayName": "Win - Compliance - Pilot",
            "status": "validated",
            "errorCode": "noError",
            "guidedDeploymentTags": [],
        },
    ]


def _strengthen(obj: Obj) -> None:
    obj["combinationConfigurations"][0]["allowedAAGUIDs"] = [
        *obj["combinationConfigurations"][0]["allowedAAGUIDs"],
        "d8522d9f-575b-4866-88a9-ba99fa02f35b",
    ]


def _value(name: str, value: str) -> Callable[[Obj], None]:
    def edit(obj: Obj) -> None:
        for row in obj["values"]:
            if row["name"] == name:
                row["value"] = value

    return edit


def _linux_script(obj: Obj) -> None:
    obj["settingInstance"]["simpleSettingValue"]["value"] = _body("PLANTED-SCRIPT-BODY-discovery-v2")


def _min_length(obj: Obj) -> None:
    for row in obj["settings"]:
        if row["settingInstance"]["settingDefinitionId"] == "linux_passwordpolicy_minimumlength":
            row["settingInstance"]["simpleSettingValue"]["value"] += 2


CASES: tuple[Case, ...] = (
    Case(
        "mobileApp",
        _first("mobileApp", lambda o: _group_assignment(o) is not None),
        _swap_intent,
        lambda app: f"assignments/groupAssignmentTarget/{_group_assignment(app)['target']['groupId']}/intent",  # type: ignore[index]
    ),
    Case(
        "policySet",
        _first("policySet"),
        _add_policy_set_item,
        _at("items/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"),
        lambda before, after: before is None and after["payloadId"] == "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
    ),
    Case(
        "roleDefinition",
        _first("roleDefinition", lambda o: not o["isBuiltIn"]),
        lambda o: o["rolePermissions"][0]["resourceActions"][0]["allowedResourceActions"].append(
            "Microsoft.Intune_RemoteTasks_Wipe"
        ),
        _at("rolePermissions/resourceActions/allowedResourceActions"),
        lambda before, after: set(after) - set(before) == {"Microsoft.Intune_RemoteTasks_Wipe"},
    ),
    Case(
        "roleAssignment",
        _first("roleAssignment"),
        lambda o: o["members"].append(PILOT_GROUP),
        _at("members"),
        label="Members",
    ),
    Case(
        "deviceCategory",
        _first("deviceCategory"),
        _set("description", "Retired: use Corporate laptop"),
        _at("description"),
    ),
    Case(
        "notificationMessageTemplate",
        _first("notificationMessageTemplate"),
        lambda o: o["localizedNotificationMessages"][0].__setitem__("subject", "Your device is blocked"),
        lambda o: f"localizedNotificationMessages/{o['localizedNotificationMessages'][0]['locale']}/subject",
    ),
    Case(
        "termsAndConditions",
        _first("termsAndConditions"),
        lambda o: o.__setitem__("version", o["version"] + 1),  # users must accept the terms again
        _at("version"),
        lambda before, after: after == before + 1,
    ),
    Case(
        "intuneBrandingProfile",
        _first("intuneBrandingProfile", lambda o: bool(o["themeColorLogo"])),
        lambda o: o["themeColorLogo"].__setitem__("value", base64.b64encode(b"\x89PNG new logo").decode()),
        _at("themeColorLogo"),
        _hash_and_size,
    ),
    Case(
        "depEnrollmentProfile",
        _first("depEnrollmentProfile"),
        lambda o: o["enabledSkipKeys"].remove("Siri"),
        _at("enabledSkipKeys"),
    ),
    Case(
        "androidDeviceOwnerEnrollmentProfile",
        _first("androidDeviceOwnerEnrollmentProfile"),
        _set("deviceNameTemplate", "SCAN-{{SERIAL}}"),
        _at("deviceNameTemplate"),
    ),
    Case(
        "deviceComplianceScript",
        _first("deviceComplianceScript"),
        _set("detectionScriptContent", _body("PLANTED-SCRIPT-BODY-compliance-v2")),
        _at("detectionScriptContent"),
        _hash_and_size,
    ),
    Case(
        "deviceCustomAttributeShellScript",
        _first("deviceCustomAttributeShellScript"),
        _set("scriptContent", _body("PLANTED-SCRIPT-BODY-attribute-v2")),
        _at("scriptContent"),
        _hash_and_size,
    ),
    Case(
        "compliancePolicy",
        _first("compliancePolicy"),
        _min_length,
        _at("settings/linux_passwordpolicy_minimumlength/simpleSettingValue/value"),
        lambda before, after: after == before + 2,
        # Named from its definition in the compliance settings catalogue.
        label="Minimum Length",
    ),
    Case(
        "reusablePolicySetting",
        _first(
            "reusablePolicySetting",
            lambda o: o["settingDefinitionId"] == "linux_customcompliance_discoveryscript_reusablesetting",
        ),
        _linux_script,
        _at("settingInstance/simpleSettingValue/value"),
        _hash_and_size,
    ),
    Case(
        "cloudPcProvisioningPolicy",
        _first("cloudPcProvisioningPolicy"),
        _set("enableSingleSignOn", False),
        _at("enableSingleSignOn"),
        lambda before, after: (before, after) == (True, False),
    ),
    Case(
        "cloudPcUserSetting",
        _first("cloudPcUserSetting"),
        _set("restorePointSetting/frequencyInHours", 4),
        _at("restorePointSetting/frequencyInHours"),
        lambda before, after: (before, after) == (12, 4),
    ),
    Case(
        "identitySecurityDefaultsEnforcementPolicy",
        _first("identitySecurityDefaultsEnforcementPolicy"),
        lambda o: o.__setitem__("isEnabled", not o["isEnabled"]),
        _at("isEnabled"),
    ),
    Case(
        "authorizationPolicy",
        _first("authorizationPolicy"),
        _set("defaultUserRolePermissions/allowedToCreateApps", True),
        _at("defaultUserRolePermissions/allowedToCreateApps"),
        lambda before, after: (before, after) == (False, True),
    ),
    Case(
        "authenticationStrengthPolicy",
        _first("authenticationStrengthPolicy", lambda o: o["policyType"] == "custom"),
        _strengthen,
        lambda o: f"combinationConfigurations/{o['combinationConfigurations'][0]['id']}/allowedAAGUIDs",
    ),
    Case(
        "crossTenantAccessPolicy",
        _first("crossTenantAccessPolicy"),
        _set("default/inboundTrust/isMfaAccepted", True),
        _at("default/inboundTrust/isMfaAccepted"),
        lambda before, after: (before, after) == (False, True),
    ),
    Case(
        "crossTenantAccessPartner",
        _first("crossTenantAccessPartner"),
        _set("inboundTrust/isHybridAzureADJoinedDeviceAccepted", True),
        _at("inboundTrust/isHybridAzureADJoinedDeviceAccepted"),
        lambda before, after: (before, after) == (False, True),
    ),
    Case(
        "groupSetting",
        _first("groupSetting", lambda o: o["displayName"] == "Group.Unified"),
        _value("EnableGroupCreation", "true"),
        _at("values/EnableGroupCreation/value"),
        lambda before, after: (before, after) == ("false", "true"),
    ),
    Case(
        "deviceRegistrationPolicy",
        _first("deviceRegistrationPolicy"),
        _set("userDeviceQuota", 50),
        _at("userDeviceQuota"),
        lambda before, after: (before, after) == (20, 50),
    ),
)


def test_every_new_type_has_a_case() -> None:
    assert sorted(c.policy_type for c in CASES) == sorted(NEW_TYPES)
    assert set(NEW_TYPES) <= set(CONTRACTS)


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    assert graph_sim.strict, "these cases must run against the strict simulator"
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=61, size=220, tenant_id=tid))
    return tid


@pytest.mark.parametrize("case", CASES, ids=[c.policy_type for c in CASES])
def test_one_admin_change_is_one_finding_at_a_path_a_person_can_place(
    host: Any, tenant: str, graph_sim: Any, caplog: pytest.LogCaptureFixture, case: Case
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = graph_sim.tenant(tenant)
    register(host, tenant, policyTypes=[case.policy_type])
    cycle(host)
    first = runs(host, tenant)[0]
    assert first["status"] == "completed", first
    doc = snapshot(tenant, first["runId"])
    entry = doc["types"][case.policy_type]
    expected = {i for i in sim.ids(case.policy_type) if not sim.is_builtin(case.policy_type, i)}
    assert entry["status"] == "complete" and {i["id"] for i in entry["items"]} == expected and expected

    subject = case.pick(sim)
    changed = sim.update(case.policy_type, subject, case.edit)
    cycle(host)
    latest = runs(host, tenant)[0]
    assert latest["status"] == "completed", latest

    found = findings(tenant)
    assert [(f["policyType"], f["subjectId"], f["changeType"]) for f in found] == [
        (case.policy_type, subject, "modified")
    ], found
    assert len(found[0]["changes"]) == 1, found[0]["changes"]
    [change] = found[0]["changes"]
    assert change["path"] == case.path(changed), change
    assert case.values(change["before"], change["after"]), change
    # In words: a place without raw ids, every id named but the group no tenant has.
    detail = host.http("GET", f"/api/tenants/{tenant}/drift/findings/{found[0]['id']}")
    (words,) = json.loads(detail.get_body())["changes"]
    assert words["label"] and "/" not in words["label"], words
    assert set(words["unresolved"]) <= {PILOT_GROUP}, words
    if case.label is not None:
        assert words["label"] == case.label, words

    planted = sim.planted_secrets() | sim.script_markers() | {"PLANTED-SCRIPT-BODY"}
    stored = every_stored_byte(tenant)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in planted:
        assert secret.encode() not in stored and secret not in logs, secret


def test_a_tenant_without_a_permission_gets_those_types_forbidden_not_a_failed_run(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    # The customer's admin consented to everything the app asks for except Windows 365.
    sim.granted = frozenset(c.permission for c in CONTRACTS.values()) - {"CloudPC.Read.All"}
    register(host, tenant)
    cycle(host)
    record = runs(host, tenant)[0]
    assert record["status"] == "partial", record
    failed = {t: v["errorCode"] for t, v in record["types"].items() if v["status"] != "complete"}
    assert failed == {"cloudPcProvisioningPolicy": "forbidden", "cloudPcUserSetting": "forbidden"}
    assert record["counts"]["typesComplete"] == len(CONTRACTS) - 2
    # The selection can be narrowed to what the tenant consented to: the next run completes.
    register(host, tenant, policyTypes=sorted(set(CONTRACTS) - set(failed)))
    cycle(host)
    assert runs(host, tenant)[0]["status"] == "completed"
