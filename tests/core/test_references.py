"""What a scan must name (DESIGN §11), decided in the pure core: referred ids, names items carry,
which setting definitions to read and through which policies, and the snapshot's section."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.core.contracts import CONTRACTS
from shared.core.contracts.model import SettingsLayout, Source
from shared.core.normalise import normalise_item
from shared.core.references import (
    NOT_FOUND,
    CachedDefinition,
    build_references,
    collect,
    definition_records,
    definitions_to_read,
    listed_kinds_to_read,
    rows_to_read,
)
from shared.core.snapshot import TypeResult
from tests.core.drift.fixtures import ALL_DEVICES, EXCLUDE, GROUP, ca_policy, choice, settings_policy, target

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CATALOG = "deviceManagement/configurationSettings"
G1 = "11111111-1111-4111-8111-111111111111"
G2 = "22222222-2222-4222-8222-222222222222"
FILTER = "33333333-3333-4333-8333-333333333333"
LOCATION = "44444444-4444-4444-8444-444444444444"


def result(policy_type: str, raws: list[dict[str, Any]], status: str = "complete") -> TypeResult:
    contract = CONTRACTS[policy_type]
    items = [normalise_item(contract, raw, None) for raw in raws] if status == "complete" else []
    return TypeResult(policy_type, status, items=items)  # type: ignore[arg-type]


def policy_with(pid: str, definitions: list[str]) -> dict[str, Any]:
    return settings_policy(pid, pid, [choice(d, f"{d}_1", row=str(i)) for i, d in enumerate(definitions)])


def cached(record: dict[str, Any], age: timedelta) -> CachedDefinition:
    return CachedDefinition(record, (NOW - age).isoformat().replace("+00:00", "Z"))


def test_ids_are_collected_by_the_fields_that_hold_them_and_special_values_are_not_ids() -> None:
    policy = settings_policy(
        "p1",
        "P",
        [choice("def_a", "def_a_1")],
        [target(GROUP, G1, FILTER), target(EXCLUDE, G2), target(ALL_DEVICES)],
    )
    ca = ca_policy("ca-1", "MFA", exclude_groups=[G2, "not-a-guid"])
    ca["conditions"]["locations"] = {"includeLocations": ["All"], "excludeLocations": ["AllTrusted", LOCATION]}
    ca["grantControls"]["authenticationStrength"] = {"id": "0004", "displayName": "Phishing-resistant MFA"}
    methods = {
        "id": "authenticationMethodsPolicy",
        "authenticationMethodConfigurations": [
            {
                "id": "Fido2",
                "includeTargets": [
                    {"targetType": "group", "id": "all_users"},
                    {"targetType": "group", "id": G1},
                ],
            }
        ],
    }
    wanted = collect(
        [
            result("settingsCatalogPolicy", [policy]),
            result("conditionalAccessPolicy", [ca]),
            result("authenticationMethodsPolicy", [methods]),
        ]
    )
    # getByIds refuses anything but GUIDs: "not-a-guid" and "all_users" are never asked for.
    assert wanted.ids == {
        "group": {G1, G2},
        "assignmentFilter": {FILTER},
        "roleScopeTag": {"0"},
        "namedLocation": {LOCATION},
        "authenticationStrength": {"0004"},
    }
    # An authentication strength comes with its name inside the Conditional Access policy.
    assert wanted.names["authenticationStrength"] == {"0004": "Phishing-resistant MFA"}
    assert wanted.definitions == {CATALOG: {"def_a": {"def_a_1"}}}


def test_the_types_that_name_a_kind_give_its_names_when_read_whole_and_only_then() -> None:
    filters = [{"id": FILTER, "displayName": "Corporate laptops", "platform": "windows10AndLater", "rule": "x"}]
    whole = collect([result("assignmentFilter", filters)])
    assert whole.names["assignmentFilter"] == {FILTER: "Corporate laptops"}
    assert "assignmentFilter" in whole.complete_kinds
    policy = settings_policy("p1", "P", [], [target(GROUP, G1, FILTER)])
    failed = collect([result("assignmentFilter", filters, status="failed"), result("settingsCatalogPolicy", [policy])])
    # Filters referred to but not read in this run: their names are listed alone.
    assert listed_kinds_to_read(failed) == ["assignmentFilter", "roleScopeTag"]
    read = collect([result("assignmentFilter", filters), result("settingsCatalogPolicy", [policy])])
    assert listed_kinds_to_read(read) == ["roleScopeTag"]


def test_strengths_and_role_assignment_groups_are_referred_to_and_named_without_listing_what_items_name() -> None:
    strength = {"id": "0004", "displayName": "Phishing-resistant MFA"}
    ca = ca_policy("ca-1", "MFA")
    ca["grantControls"] = {"operator": "OR", "builtInControls": [], "authenticationStrength": strength}
    unnamed = ca_policy("ca-2", "Admins")
    unnamed["grantControls"] = {"operator": "OR", "builtInControls": [], "authenticationStrength": {"id": "c0ffee"}}
    # Every strength the Conditional Access policies refer to comes with its name: nothing to list.
    assert listed_kinds_to_read(collect([result("conditionalAccessPolicy", [ca])])) == []
    # One without its name: the strengths are listed alone, unless their type was read whole.
    assert listed_kinds_to_read(collect([result("conditionalAccessPolicy", [ca, unnamed])])) == [
        "authenticationStrength"
    ]
    strengths = [
        {**strength, "policyType": "builtIn"},
        {"id": "c0ffee", "displayName": "Admin keys", "policyType": "custom"},
    ]
    both = collect(
        [result("conditionalAccessPolicy", [ca, unnamed]), result("authenticationStrengthPolicy", strengths)]
    )
    assert listed_kinds_to_read(both) == []
    assert both.names["authenticationStrength"]["c0ffee"] == "Admin keys"
    # An Intune role assignment's member and scope groups are group ids (names through getByIds).
    role = {
        "id": "ra-1",
        "displayName": "Helpdesk",
        "members": [G1],
        "scopeMembers": [G2],
        "scopeType": "resourceScope",
    }
    assert collect([result("roleAssignment", [role])]).ids == {"group": {G1, G2}}


def test_definitions_are_read_when_unknown_stale_or_missing_an_option_in_use() -> None:
    wanted = collect([result("settingsCatalogPolicy", [policy_with("p1", ["a", "b", "c", "d", "e", "f", "g"])])])
    fresh = {"displayName": "A", "options": {"a_1": "On"}, "parentId": None}
    cache = {
        (CATALOG, "a"): cached(fresh, timedelta(days=2)),
        (CATALOG, "b"): cached({**fresh, "options": {"b_1": "On"}}, timedelta(days=31)),  # stale
        (CATALOG, "c"): cached({**fresh, "options": {}}, timedelta(days=2)),  # lacks c_1, a day old
        (CATALOG, "d"): cached({**fresh, "options": {}}, timedelta(hours=3)),  # lacks d_1, read today
        (CATALOG, "e"): cached(dict(NOT_FOUND), timedelta(hours=3)),  # the catalogue did not have it today
        (CATALOG, "f"): cached(dict(NOT_FOUND), timedelta(days=2)),
    }
    assert definitions_to_read(wanted, cache, NOW) == {CATALOG: {"b", "c", "f", "g"}}


def test_the_fewest_policies_are_read_for_the_missing_definitions() -> None:
    wanted = collect(
        [
            result(
                "settingsCatalogPolicy",
                [
                    policy_with("p1", ["a", "b"]),
                    policy_with("p2", ["a", "b", "c", "d"]),
                    policy_with("p3", ["d", "e"]),
                    policy_with("p4", ["a"]),
                ],
            )
        ]
    )
    chosen = rows_to_read(wanted, {CATALOG: {"a", "b", "c", "d", "e"}})
    assert [h.owner for h in chosen] == [
        "deviceManagement/configurationPolicies/p2",
        "deviceManagement/configurationPolicies/p3",
    ]
    assert rows_to_read(wanted, {CATALOG: {"e"}})[0].owner.endswith("/p3")
    assert rows_to_read(wanted, {}) == []


def test_a_settings_based_contract_is_named_from_its_own_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    # Compliance v2 (`compliancePolicies`) is told by its contract, not by its type key.
    catalog = "deviceManagement/complianceSettings"
    compliance = dataclasses.replace(
        CONTRACTS["settingsCatalogPolicy"],
        key="compliancePolicyV2",
        sources=(Source("deviceManagement/compliancePolicies", "$expand=assignments,settings"),),
        settings_layout=SettingsLayout(catalog=catalog),
    )
    monkeypatch.setitem(CONTRACTS, "compliancePolicyV2", compliance)
    wanted = collect([result("compliancePolicyV2", [policy_with("c1", ["x"])])])
    assert wanted.definitions == {catalog: {"x": {"x_1"}}}
    (holder,) = rows_to_read(wanted, definitions_to_read(wanted, {}, NOW))
    assert (holder.catalog, holder.owner, holder.policy_type) == (
        catalog,
        "deviceManagement/compliancePolicies/c1",
        "compliancePolicyV2",
    )


def test_definition_records_keep_names_options_and_parents() -> None:
    raw = [
        {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
            "id": "parent",
            "displayName": "Encrypt devices",
            "options": [{"itemId": "parent_1", "displayName": "Enabled"}, {"itemId": "parent_0", "name": "Off"}],
        },
        {
            "id": "child",
            "displayName": "Cipher",
            "options": [
                {
                    "itemId": "child_7",
                    "displayName": "XTS-AES 256-bit",
                    "dependentOn": [{"dependentOn": "parent_1", "parentSettingId": "parent"}],
                }
            ],
        },
        {"id": "group", "displayName": "Firewall rules", "childIds": ["rule_name"]},
        {"id": "rule_name", "displayName": "Name"},
        {"id": "simple", "name": "SimpleName", "dependentOn": [{"dependentOn": "group", "parentSettingId": "group"}]},
        {"displayName": "no id"},
    ]
    records = definition_records(raw)
    assert records["parent"] == {
        "displayName": "Encrypt devices",
        "options": {"parent_1": "Enabled", "parent_0": "Off"},
        "parentId": None,
    }
    assert records["child"]["parentId"] == "parent"
    assert records["rule_name"]["parentId"] == "group"
    assert records["simple"] == {"displayName": "SimpleName", "options": {}, "parentId": "group"}
    assert set(records) == {"parent", "child", "group", "rule_name", "simple"}


def test_the_section_names_what_was_found_and_flags_the_rest() -> None:
    policy = settings_policy(
        "p1", "P", [choice("a", "a_1"), choice("b", "b_1")], [target(GROUP, G1), target(GROUP, G2)]
    )
    wanted = collect([result("settingsCatalogPolicy", [policy])])
    section = build_references(
        wanted,
        {"group": {G1: "Pilot devices", "99999999-9999-4999-8999-999999999999": "Not referred to"}},
        {(CATALOG, "a"): {"displayName": "A", "options": {}, "parentId": None}, (CATALOG, "b"): dict(NOT_FOUND)},
        {"roleScopeTag": "forbidden"},
    )
    assert section == {
        "names": {"group": {G1: "Pilot devices"}},
        "settingDefinitions": {"a": {"displayName": "A", "options": {}, "parentId": None}},
        "unresolved": {"group": [G2], "roleScopeTag": ["0"], "settingDefinition": ["b"]},
        "errors": {"roleScopeTag": "forbidden"},
    }
