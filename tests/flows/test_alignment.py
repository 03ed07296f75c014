"""Templates and alignment through the registered functions (DESIGN §14), against the Graph simulator
and Azurite: a reference tenant, a twin configured the same way under other ids and names, and the
deviations a technician's edits in the twin cause, each exactly once, gone again once fixed."""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.graphsim import clone_tenant, generate_tenant
from devtools.graphsim.setting_names import lookup
from devtools.graphsim.store import SimTenant
from devtools.host import LocalHost
from shared.core.alignment.template import compared_values
from shared.core.alignment.variables import strings_in
from shared.core.contracts import CONTRACTS
from shared.settings import ALIGNMENT_QUEUE
from tests.pipeline import JSON, cycle, make_host, new_tenant_id, open_stores, register, runs, snapshot

CHOICE = "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"


def _template_id() -> str:
    """Template blobs live in one container for the whole test session: each test names its own."""
    return f"golden-{uuid.uuid4().hex[:12]}"


def _body(response: Any) -> Any:
    return json.loads(response.get_body())


def _variables(reference_id: str, run_id: str, ids: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """One variable per tenant-specific id the reference's compared settings use: (template values, twin values)."""
    present: set[str] = set()
    for policy_type, entry in snapshot(reference_id, run_id)["types"].items():
        for item in entry["items"]:
            present.update(strings_in(compared_values(CONTRACTS[policy_type], item, False)))
    used = sorted(old for old in ids if old in present)
    return {f"v{n}": old for n, old in enumerate(used)}, {f"v{n}": ids[old] for n, old in enumerate(used)}


@pytest.fixture
def world(app_env: dict[str, str], azurite: Azurite, graph_sim: Any) -> dict[str, Any]:
    """A reference tenant and its twin, both scanned, a whole-tenant template assigned to both."""
    host = make_host(azurite.connection_string)
    reference_id, twin_id = new_tenant_id(), new_tenant_id()
    reference = generate_tenant(seed=61, size=100, name="Reference Dental", tenant_id=reference_id)
    twin, ids = clone_tenant(reference, "Twin Dental", twin_id, name_prefix="Twin · ", seed=62)
    graph_sim.add_tenant(reference_id, reference)
    graph_sim.add_tenant(twin_id, twin)
    register(host, reference_id, "Reference Dental")
    register(host, twin_id, "Twin Dental")
    cycle(host)
    run_id = runs(host, reference_id)[0]["runId"]
    source_values, twin_values = _variables(reference_id, run_id, ids)
    assert len(source_values) >= 3  # groups, named locations and the tenant id itself
    template_id = _template_id()
    response = host.http(
        "PUT",
        f"/api/templates/{template_id}",
        {"displayName": "Golden dental", "sourceTenantId": reference_id, "variables": source_values},
    )
    assert response.status_code == 201, response.get_body()
    template = _body(response)
    assert template["version"] == 1 and template["runId"] == run_id
    return {
        "host": host, "reference": reference_id, "twin": twin_id, "ids": ids, "sim": graph_sim,
        "template": template, "twin_values": twin_values, "id": template_id,
    }  # fmt: skip


def assign(world: dict[str, Any], tenant: str, variables: dict[str, str]) -> dict[str, Any]:
    response = world["host"].http("PUT", f"/api/tenants/{tenant}/templates/{world['id']}", {"variables": variables})
    assert response.status_code in (200, 201), response.get_body()
    return dict(_body(response)["alignment"])


def alignment(world: dict[str, Any], tenant: str) -> dict[str, Any]:
    response = world["host"].http("GET", f"/api/tenants/{tenant}/alignment")
    assert response.status_code == 200, response.get_body()
    (result,) = _body(response)["templates"]
    return dict(result)


def _top_level_choices(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        row["settingInstance"]
        for row in policy.get("settings") or []
        if row["settingInstance"].get("@odata.type") == CHOICE
    ]


def _unique_choices(sim: SimTenant) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(policy, top-level choice setting) whose definition no other policy of the tenant sets."""
    policies = sim.objects("settingsCatalogPolicy")
    seen = Counter(i["settingDefinitionId"] for p in policies for i in _top_level_choices(p))
    return [(p, i) for p in policies for i in _top_level_choices(p) if seen[i["settingDefinitionId"]] == 1]


def _flipped(value: str) -> str:
    return value[:-1] + ("0" if value.endswith("_1") else "1")


def _reference_id(world: dict[str, Any], twin_object_id: str) -> str:
    (old,) = [old for old, new in world["ids"].items() if new == twin_object_id]
    return old


def test_a_twin_with_other_ids_and_names_scores_100_and_so_does_the_reference(world: dict[str, Any]) -> None:
    result = assign(world, world["twin"], world["twin_values"])
    assert result["deviations"] == [] and result["score"] == 100.0, result["deviations"][:5]
    assert result["counts"]["matched"] == sum(o["settingsCount"] for o in world["template"]["objects"]) > 100
    assert result["runId"] == runs(world["host"], world["twin"])[0]["runId"]
    itself = assign(world, world["reference"], {})  # the source tenant's values are the template's own
    assert itself["deviations"] == [] and itself["score"] == 100.0
    assert alignment(world, world["twin"]) == result  # stored: the read returns what was computed


def test_settings_split_over_two_differently_named_policies_give_no_deviation(world: dict[str, Any]) -> None:
    assign(world, world["twin"], world["twin_values"])
    sim = world["sim"].tenant(world["twin"])
    policy = max(sim.objects("settingsCatalogPolicy"), key=lambda p: len(p.get("settings") or []))
    assert len(policy["settings"]) >= 4
    half = len(policy["settings"]) // 2
    for part, rows in (("Part A", policy["settings"][:half]), ("Part B", policy["settings"][half:])):
        piece = copy.deepcopy(policy)
        piece.pop("id")
        piece.update(name=f"Split {part}", settings=rows, assignments=[])
        sim.add("settingsCatalogPolicy", piece)
    sim.delete("settingsCatalogPolicy", policy["id"])
    cycle(world["host"])
    result = alignment(world, world["twin"])
    assert result["deviations"] == [] and result["score"] == 100.0
    assert result["runId"] == runs(world["host"], world["twin"])[0]["runId"]


def test_each_edit_gives_exactly_its_deviation_and_fixing_one_removes_it(world: dict[str, Any]) -> None:
    sim = world["sim"].tenant(world["twin"])
    values = dict(world["twin_values"])
    (changed_policy, changed), (other_policy, clashing) = _unique_choices(sim)[0], _unique_choices(sim)[-1]
    assert (
        changed_policy["id"] != other_policy["id"] or changed["settingDefinitionId"] != clashing["settingDefinitionId"]
    )
    # 1. a changed setting
    original = changed["choiceSettingValue"]["value"]
    sim.set_setting_value(changed_policy["id"], changed["settingDefinitionId"], _flipped(original))
    # 2. a deleted policy
    deleted = sim.objects("conditionalAccessPolicy")[0]
    sim.delete("conditionalAccessPolicy", deleted["id"])
    # 3. a changed property
    compliance = next(p for p in sim.objects("deviceCompliancePolicy") if p.get("passwordMinimumLength"))
    sim.update("deviceCompliancePolicy", compliance["id"], lambda p: p.update(passwordMinimumLength=4))
    # 4. a conflicting pair: a second, differently named policy sets one setting the other way
    extra = copy.deepcopy(other_policy)
    extra.pop("id")
    extra.update(
        name="Local override",
        settings=[
            {
                "id": "0",
                "settingInstance": {
                    **copy.deepcopy(clashing),
                    "choiceSettingValue": {
                        **clashing["choiceSettingValue"],
                        "value": _flipped(clashing["choiceSettingValue"]["value"]),
                    },
                },
            }
        ],
        assignments=[],
    )
    sim.add("settingsCatalogPolicy", extra)
    # 5. a missing variable: the twin's value for one of them is not given
    missing = min(values, key=lambda n: (world["template"]["variables"][n] == world["reference"], n))
    del values[missing]
    assign(world, world["twin"], values)
    cycle(world["host"])

    result = alignment(world, world["twin"])
    found = Counter((d["kind"], d["policyType"], d["templateObjectId"], d["path"]) for d in result["deviations"])
    marker = "{{" + missing + "}}"
    by_variable = [d for d in result["deviations"] if marker in json.dumps(d["expected"]) or marker in d["path"]]
    assert by_variable and all(d["kind"] in ("different_value", "missing_setting") for d in by_variable)
    for d in by_variable:
        found[(d["kind"], d["policyType"], d["templateObjectId"], d["path"])] -= 1
    expected = {
        ("different_value", "settingsCatalogPolicy", _reference_id(world, changed_policy["id"]),
         f"settings/{changed['settingDefinitionId']}"): 1,
        ("missing_policy", "conditionalAccessPolicy", _reference_id(world, deleted["id"]), ""): 1,
        ("different_value", "deviceCompliancePolicy", _reference_id(world, compliance["id"]), "passwordMinimumLength"): 1,
        ("conflicting", "settingsCatalogPolicy", _reference_id(world, other_policy["id"]),
         f"settings/{clashing['settingDefinitionId']}"): 1,
    }  # fmt: skip
    assert +found == expected
    by_path = {d["path"]: d for d in result["deviations"]}
    assert by_path["passwordMinimumLength"]["actual"] == 4
    assert by_path["passwordMinimumLength"]["label"] == "Password minimum length"
    assert by_path[f"settings/{changed['settingDefinitionId']}"]["expected"] == original
    assert by_path[f"settings/{changed['settingDefinitionId']}"]["tenantObjectIds"] == [changed_policy["id"]]
    # Deviations read in words like findings (DESIGN §11): the setting by its definition's name.
    named = lookup(changed["settingDefinitionId"])
    assert named is not None
    assert by_path[f"settings/{changed['settingDefinitionId']}"]["label"].endswith(named[0])
    assert result["score"] < 100.0
    assert result["counts"]["conflicting"] == 1 and result["counts"]["missing"] >= 1

    # Fix the setting in the tenant and scan again: that deviation is gone, the others stay.
    sim.set_setting_value(changed_policy["id"], changed["settingDefinitionId"], original)
    cycle(world["host"])
    again = alignment(world, world["twin"])
    paths = {d["path"] for d in again["deviations"]}
    assert f"settings/{changed['settingDefinitionId']}" not in paths
    assert {"", "passwordMinimumLength", f"settings/{clashing['settingDefinitionId']}"} <= paths
    assert len(again["deviations"]) == len(result["deviations"]) - 1
    assert again["counts"]["matched"] == result["counts"]["matched"] + 1
    assert again["counts"]["different"] == result["counts"]["different"] - 1
    assert again["score"] >= result["score"]


def test_a_new_template_version_is_picked_up_and_old_versions_are_kept(world: dict[str, Any]) -> None:
    host = world["host"]
    assign(world, world["twin"], world["twin_values"])
    sim = world["sim"].tenant(world["twin"])
    deleted = sim.objects("conditionalAccessPolicy")[0]
    sim.delete("conditionalAccessPolicy", deleted["id"])
    cycle(host)
    assert [d["kind"] for d in alignment(world, world["twin"])["deviations"]] == ["missing_policy"]

    # Version 2 holds the settings catalog only: the twin's missing CA policy no longer counts.
    run_id = world["template"]["runId"]
    objects = [
        {"policyType": "settingsCatalogPolicy", "id": o["id"]}
        for o in world["template"]["objects"]
        if o["policyType"] == "settingsCatalogPolicy"
    ]
    variables = {n: v for n, v in world["template"]["variables"].items() if v == world["reference"]}
    response = host.http(
        "PUT",
        f"/api/templates/{world['id']}",
        {"displayName": "Golden v2", "sourceTenantId": world["reference"], "runId": run_id, "objects": objects,
         "variables": variables},
    )  # fmt: skip
    assert response.status_code == 200, response.get_body()
    assert _body(response)["version"] == 2
    # The route asked for the twin's alignment (queue output); the alignment function computes it.
    assert host.drain_queue(ALIGNMENT_QUEUE) == 1
    result = alignment(world, world["twin"])
    assert result["version"] == 2 and result["displayName"] == "Golden v2"
    assert result["deviations"] == [] and result["score"] == 100.0
    assert len(open_stores().templates.version_names(world["id"])) == 2


def test_unassign_and_delete_take_the_alignment_with_them(world: dict[str, Any]) -> None:
    host = world["host"]
    assign(world, world["twin"], world["twin_values"])
    assign(world, world["reference"], {})
    template = world["id"]
    assert host.http("DELETE", f"/api/tenants/{world['twin']}/templates/{template}", headers=JSON).status_code == 204
    assert _body(host.http("GET", f"/api/tenants/{world['twin']}/alignment"))["templates"] == []
    assert host.http("DELETE", f"/api/tenants/{world['twin']}/templates/{template}", headers=JSON).status_code == 404
    assert host.http("DELETE", f"/api/templates/{template}", headers=JSON).status_code == 204
    assert _body(host.http("GET", f"/api/tenants/{world['reference']}/alignment"))["templates"] == []
    assert open_stores().assignments.for_template(template) == []
    assert open_stores().templates.version_names(template) == []
    assert host.http("GET", f"/api/templates/{template}").status_code == 404
    # Portfolio: no alignment left for either tenant.
    tenants = _body(host.http("GET", "/api/tenants"))["tenants"]
    assert all(t["alignment"] == [] for t in tenants)


def test_the_portfolio_shows_each_tenants_score(world: dict[str, Any]) -> None:
    assign(world, world["twin"], world["twin_values"])
    tenants = {t["tenantId"]: t for t in _body(world["host"].http("GET", "/api/tenants"))["tenants"]}
    (score,) = tenants[world["twin"]]["alignment"]
    assert score["templateId"] == world["id"] and score["score"] == 100.0 and score["version"] == 1
    assert tenants[world["reference"]]["alignment"] == []


def test_a_tenant_without_a_completed_run_waits(world: dict[str, Any], graph_sim: Any) -> None:
    host: LocalHost = world["host"]
    fresh = new_tenant_id()
    graph_sim.add_tenant(fresh, generate_tenant(seed=63, size=20))
    register(host, fresh, "Not yet scanned")
    result = assign(world, fresh, {})
    assert result["state"] == "no_completed_run" and result["score"] is None and result["runId"] is None
    cycle(host)
    result = alignment(world, fresh)
    assert result["state"] == "ready" and result["score"] is not None and result["score"] < 100.0


def test_a_stale_write_of_an_alignment_is_refused(world: dict[str, Any]) -> None:
    from shared.errors import ConcurrentUpdateError

    assign(world, world["twin"], world["twin_values"])
    stores = open_stores()
    read = stores.alignments.get(world["twin"])
    assert read is not None and read.results
    stores.alignments.put(world["twin"], read.results, "2026-01-01T00:00:00.000Z", read.etag)  # another writer
    with pytest.raises(ConcurrentUpdateError):
        stores.alignments.put(world["twin"], [], "2026-01-01T00:00:01.000Z", read.etag)
    assert alignment(world, world["twin"]) == read.results[0]
