"""The comparison engine: one example per kind of drift an admin must see, with the exact change."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

import pytest

from shared.core.canonical import canonical_bytes, canonical_hash
from shared.core.contracts import CONTRACTS
from shared.core.drift import (
    MAX_VALUE_BYTES,
    compare_items,
    compare_snapshots,
    finding_id,
    snapshot_coverage,
)
from shared.core.normalise import normalise_item, script_summary
from shared.errors import ComparisonError
from tests.core.drift.fixtures import (
    EXCLUDE,
    GROUP,
    KEY,
    REALTIME,
    TENANT,
    ca_policy,
    child,
    choice,
    compare,
    defender_policy,
    raw,
    run_id,
    script,
    secret_setting,
    settings_policy,
    snapshot,
    target,
)

SC = "settingsCatalogPolicy"
CA = "conditionalAccessPolicy"


def _only(findings: Sequence[Any]) -> Any:
    assert len(findings) == 1, findings
    return findings[0]


def test_a_setting_deep_in_a_settings_catalog_policy_is_one_change_at_its_semantic_path() -> None:
    baseline = snapshot(1, {SC: [defender_policy(realtime_child=1)]})
    current = snapshot(2, {SC: [defender_policy(realtime_child=2)]})
    finding = _only(compare(baseline, current).findings)
    assert finding["changeType"] == "modified"
    assert finding["subjectId"] == "pol-defender"
    assert finding["categories"] == ["settings"]
    assert finding["severity"] == "high"  # settings catalog settings are high (contract)
    assert raw(finding["changes"]) == [
        {
            "path": f"settings/{REALTIME}/choiceSettingValue/children/{REALTIME}_scanlevel/simpleSettingValue/value",
            "category": "settings",
            "before": 1,
            "after": 2,
        }
    ]
    assert finding["contentHash"] == current["types"][SC]["items"][0]["hash"]
    assert finding["baselineRunId"] == run_id(1) and finding["currentRunId"] == run_id(2)


def test_an_added_exclusion_assignment_is_one_assignments_change_with_the_whole_assignment() -> None:
    policy = defender_policy()
    excluded = copy.deepcopy(policy)
    excluded["assignments"].append(target(EXCLUDE, "grp-vip"))
    finding = _only(compare(snapshot(1, {SC: [policy]}), snapshot(2, {SC: [excluded]})).findings)
    assert finding["categories"] == ["assignments"]
    assert finding["severity"] == "medium"
    assert raw(finding["changes"]) == [
        {
            "path": "assignments/exclusionGroupAssignmentTarget/grp-vip",
            "category": "assignments",
            "before": None,
            "after": {
                "target": {
                    "@odata.type": EXCLUDE,
                    "groupId": "grp-vip",
                    "deviceAndAppManagementAssignmentFilterType": "none",
                }
            },
        }
    ]


def test_a_rename_is_a_modification_with_one_metadata_change() -> None:
    finding = _only(
        compare(
            snapshot(1, {SC: [defender_policy(name="Defender AV")]}),
            snapshot(2, {SC: [defender_policy(name="Defender AV (old)")]}),
        ).findings
    )
    assert finding["changeType"] == "modified"
    assert finding["displayName"] == "Defender AV (old)"
    assert finding["categories"] == ["metadata"]
    assert finding["severity"] == "low"
    assert raw(finding["changes"]) == [
        {"path": "name", "category": "metadata", "before": "Defender AV", "after": "Defender AV (old)"}
    ]


def test_a_deleted_policy_is_removed_with_its_baseline_name_and_hash() -> None:
    keep = settings_policy("pol-keep", "Keep", [choice("def_a", "def_a_1")])
    baseline = snapshot(1, {SC: [defender_policy(), keep]})
    current = snapshot(2, {SC: [keep]})
    finding = _only(compare(baseline, current).findings)
    assert finding["changeType"] == "removed"
    assert finding["subjectId"] == "pol-defender"
    assert finding["displayName"] == "Defender AV"
    assert finding["contentHash"] == baseline["types"][SC]["items"][0]["hash"]
    assert finding["severity"] == "high"
    assert raw(finding["changes"]) == [] and finding["categories"] == []


def test_an_added_conditional_access_policy_is_added_and_high() -> None:
    old = ca_policy("ca-1", "Require MFA")
    new = ca_policy("ca-2", "Block legacy auth", controls=["block"])
    finding = _only(compare(snapshot(1, {CA: [old]}), snapshot(2, {CA: [old, new]})).findings)
    assert finding["changeType"] == "added"
    assert finding["subjectId"] == "ca-2" and finding["displayName"] == "Block legacy auth"
    assert finding["severity"] == "high"
    assert raw(finding["changes"]) == [] and finding["categories"] == []


def test_a_conditional_access_group_set_change_is_one_change_with_both_sets() -> None:
    before = ca_policy("ca-1", "Require MFA", exclude_groups=["grp-b", "grp-a"])
    after = ca_policy("ca-1", "Require MFA", exclude_groups=["grp-c", "grp-a", "grp-b"])
    finding = _only(compare(snapshot(1, {CA: [before]}), snapshot(2, {CA: [after]})).findings)
    assert finding["severity"] == "high"
    assert raw(finding["changes"]) == [
        {
            "path": "conditions/users/excludeGroups",
            "category": "settings",
            "before": ["grp-a", "grp-b"],
            "after": ["grp-a", "grp-b", "grp-c"],
        }
    ]


def test_a_rotated_secret_is_one_change_showing_markers_only() -> None:
    before = defender_policy(extra=[secret_setting("vendor_msft_wifi_key", "PLANTED-SECRET-old")])
    after = defender_policy(extra=[secret_setting("vendor_msft_wifi_key", "PLANTED-SECRET-new")])
    comparison = compare(snapshot(1, {SC: [before]}), snapshot(2, {SC: [after]}))
    finding = _only(comparison.findings)
    [change] = finding["changes"]
    assert change["path"] == "settings/vendor_msft_wifi_key/simpleSettingValue/value"
    assert change["before"].startswith("<secret hmac:") and change["after"].startswith("<secret hmac:")
    assert change["before"] != change["after"]
    assert b"PLANTED-SECRET" not in canonical_bytes(comparison.findings)


def test_a_changed_script_body_shows_hash_and_size_not_text() -> None:
    t = "deviceManagementScript"
    comparison = compare(
        snapshot(1, {t: [script("scr-1", "Clean temp", "Remove-Item PLANTED-SCRIPT-A")]}),
        snapshot(2, {t: [script("scr-1", "Clean temp", "Remove-Item PLANTED-SCRIPT-BB")]}),
    )
    finding = _only(comparison.findings)
    assert finding["severity"] == "high"
    assert raw(finding["changes"]) == [
        {
            "path": "scriptContent",
            "category": "settings",
            "before": script_summary("Remove-Item PLANTED-SCRIPT-A"),
            "after": script_summary("Remove-Item PLANTED-SCRIPT-BB"),
        }
    ]
    assert finding["changes"][0]["after"]["sizeBytes"] == len("Remove-Item PLANTED-SCRIPT-BB")
    assert b"PLANTED-SCRIPT" not in canonical_bytes(comparison.findings)


def test_a_type_failed_in_the_current_run_gives_no_findings_and_is_not_covered() -> None:
    baseline = snapshot(1, {SC: [defender_policy()], CA: [ca_policy("ca-1", "MFA")]})
    current = snapshot(2, {CA: [ca_policy("ca-1", "MFA", state="disabled")]}, failed={SC: "forbidden"})
    comparison = compare(baseline, current)
    # The settings catalog policy is not in the current snapshot: without coverage that is no `removed`.
    assert [(f["policyType"], f["changeType"]) for f in comparison.findings] == [(CA, "modified")]
    assert comparison.covered == [CA]
    assert comparison.not_covered == [{"policyType": SC, "errorCode": "forbidden"}]
    assert comparison.coverage() == {"complete": [CA], "failed": [{"policyType": SC, "errorCode": "forbidden"}]}


def test_types_missing_unknown_or_incomplete_in_the_baseline_are_not_covered() -> None:
    baseline = snapshot(1, {CA: [ca_policy("ca-1", "MFA")]}, failed={SC: "throttled"})
    current = snapshot(2, {CA: [], SC: [defender_policy()]})
    current["types"]["madeUpType"] = {"status": "complete", "items": []}
    comparison = compare(baseline, current)
    assert comparison.covered == [CA]
    assert comparison.not_covered == [
        {"policyType": "madeUpType", "errorCode": "unknown_policy_type"},
        {"policyType": SC, "errorCode": "baseline_incomplete"},
    ]
    assert [(f["subjectId"], f["changeType"]) for f in comparison.findings] == [("ca-1", "removed")]


def test_identical_snapshots_give_no_findings_and_full_coverage() -> None:
    items = {SC: [defender_policy()], CA: [ca_policy("ca-1", "MFA")]}
    comparison = compare(snapshot(1, items), snapshot(2, items))
    assert comparison.findings == []
    assert comparison.covered == [CA, SC] and comparison.not_covered == []


def test_an_added_setting_is_one_change_with_the_whole_element_not_one_per_leaf() -> None:
    extra = choice("def_new", "def_new_1", [child("def_new_a", 1), child("def_new_b", "x")], row="5")
    finding = _only(
        compare(snapshot(1, {SC: [defender_policy()]}), snapshot(2, {SC: [defender_policy(extra=[extra])]})).findings
    )
    [change] = finding["changes"]
    assert change["path"] == "settings/def_new"
    assert change["before"] is None
    assert change["after"]["settingInstance"]["choiceSettingValue"]["value"] == "def_new_1"


def test_severity_of_a_modification_is_the_highest_of_its_categories() -> None:
    before = ca_policy("ca-1", "MFA")
    after = ca_policy("ca-1", "MFA renamed", state="disabled")
    finding = _only(compare(snapshot(1, {CA: [before]}), snapshot(2, {CA: [after]})).findings)
    assert finding["categories"] == ["metadata", "settings"]
    assert finding["severity"] == "high"
    assert [c["path"] for c in finding["changes"]] == ["displayName", "state"]


def test_findings_are_sorted_by_type_subject_and_change_type() -> None:
    baseline = snapshot(1, {CA: [ca_policy("ca-2", "B"), ca_policy("ca-9", "Z")], SC: [defender_policy()]})
    current = snapshot(2, {CA: [ca_policy("ca-1", "A"), ca_policy("ca-2", "B2")], SC: []})
    keys = [(f["policyType"], f["subjectId"], f["changeType"]) for f in compare(baseline, current).findings]
    assert keys == [
        (CA, "ca-1", "added"),
        (CA, "ca-2", "modified"),
        (CA, "ca-9", "removed"),
        (SC, "pol-defender", "removed"),
    ]


def test_a_value_changing_only_its_json_type_is_still_a_change() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    before = normalise_item(
        contract, {"id": "c", "displayName": "C", "enabled": 1, "rules": [{"omaUri": "./A", "value": 1}]}, KEY
    )
    after = normalise_item(
        contract, {"id": "c", "displayName": "C", "enabled": True, "rules": [{"omaUri": "./A", "value": 1.0}]}, KEY
    )
    assert before["hash"] != after["hash"]
    changes = compare_items(contract, before, after)
    assert [(c["path"], c["before"], c["after"]) for c in changes] == [
        ("enabled", 1, True),
        ("rules/./A/value", 1, 1.0),
    ]
    assert [type(c["after"]) for c in changes] == [bool, float]


def test_a_huge_value_is_shown_as_hash_and_size() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    blob = "x" * (MAX_VALUE_BYTES * 2)
    before = normalise_item(contract, {"id": "c", "displayName": "C", "lockScreenFootnote": "small"}, KEY)
    after = normalise_item(contract, {"id": "c", "displayName": "C", "lockScreenFootnote": blob}, KEY)
    [change] = compare_items(contract, before, after)
    assert change["before"] == "small"
    data = canonical_bytes(blob)
    assert change["after"] == {"truncated": True, "sha256": canonical_hash(blob), "sizeBytes": len(data)}
    assert len(canonical_bytes(change)) < 512


def test_a_policy_with_thousands_of_changed_settings_gives_as_many_small_changes() -> None:
    def policy(value: int) -> dict[str, Any]:
        return settings_policy(
            "pol-big", "Big", [choice(f"def_{i:05d}", f"def_{i:05d}_{value}", row=str(i)) for i in range(5000)]
        )

    finding = _only(compare(snapshot(1, {SC: [policy(0)]}), snapshot(2, {SC: [policy(1)]})).findings)
    changes = finding["changes"]
    assert len(changes) == 5000
    assert [c["path"] for c in changes] == sorted(f"settings/def_{i:05d}/choiceSettingValue/value" for i in range(5000))
    # Each change small: its path, values and words (here ids flagged as unresolved: no references).
    assert max(len(json.dumps(c)) for c in changes) < 320


def test_paths_never_contain_array_indexes() -> None:
    before = settings_policy(
        "p",
        "P",
        [choice(f"def_{c}", "v1", row=str(i)) for i, c in enumerate("abc")],
        [target(GROUP, "g1"), target(GROUP, "g2")],
    )
    after = settings_policy(
        "p",
        "P",
        [choice(f"def_{c}", "v2", row=str(i)) for i, c in enumerate("cab")],
        [target(GROUP, "g2", "flt-1"), target(GROUP, "g1")],
    )
    finding = _only(compare(snapshot(1, {SC: [before]}), snapshot(2, {SC: [after]})).findings)
    paths = [c["path"] for c in finding["changes"]]
    assert paths == [
        "assignments/groupAssignmentTarget/g2",
        "assignments/groupAssignmentTarget/g2?filter=flt-1:include",
        "settings/def_a/choiceSettingValue/value",
        "settings/def_b/choiceSettingValue/value",
        "settings/def_c/choiceSettingValue/value",
    ]


def test_finding_id_is_the_documented_hash_of_the_six_identity_values() -> None:
    values = [TENANT, "scope", run_id(1), SC, "pol-1", "modified"]
    fid = finding_id(*values)
    assert fid == canonical_hash(values)[:32]
    for i in range(len(values)):
        other = list(values)
        other[i] = other[i] + "x"
        assert finding_id(*other) != fid
    finding = _only(compare(snapshot(1, {SC: [defender_policy(1)]}), snapshot(2, {SC: [defender_policy(2)]})).findings)
    baseline = snapshot(1, {SC: []})
    assert finding["id"] == finding_id(TENANT, baseline["scopeKey"], run_id(1), SC, "pol-defender", "modified")


def test_the_same_deviation_against_another_baseline_has_another_id() -> None:
    current = snapshot(3, {SC: [defender_policy(2)]})
    first = compare(snapshot(1, {SC: [defender_policy(1)]}), current).findings[0]
    second = compare(snapshot(2, {SC: [defender_policy(1)]}), current).findings[0]
    assert first["id"] != second["id"]
    again = compare(snapshot(1, {SC: [defender_policy(1)]}), snapshot(4, {SC: [defender_policy(2)]})).findings[0]
    assert again["id"] == first["id"]  # pinned: same baseline, same deviation, same id


def test_snapshots_of_another_tenant_or_scope_are_refused() -> None:
    baseline = snapshot(1, {SC: [defender_policy()]})
    with pytest.raises(ComparisonError) as tenant_error:
        compare_snapshots(baseline, snapshot(2, {SC: []}, tenant="other"), TENANT)
    assert tenant_error.value.code == "tenant_mismatch"
    with pytest.raises(ComparisonError) as scope_error:
        compare_snapshots(baseline, snapshot(2, {SC: [], CA: []}), TENANT)
    assert scope_error.value.code == "scope_mismatch"


def test_duplicate_ids_in_a_type_are_resolved_by_content_not_order() -> None:
    a = defender_policy(1)
    b = defender_policy(2)
    forward = snapshot(2, {SC: [a, b]})
    backward = snapshot(2, {SC: [b, a]})
    baseline = snapshot(1, {SC: [defender_policy(3)]})
    assert canonical_bytes(compare(baseline, forward).findings) == canonical_bytes(compare(baseline, backward).findings)


def test_snapshot_coverage_lists_complete_and_failed_types() -> None:
    document = snapshot(1, {CA: []}, failed={SC: "throttled"})
    assert snapshot_coverage(document) == {"complete": [CA], "failed": [{"policyType": SC, "errorCode": "throttled"}]}


def test_a_set_too_long_to_show_whole_names_each_value_that_came_or_went() -> None:
    groups = [f"0000{i:04d}-aaaa-bbbb-cccc-dddddddddddd" for i in range(200)]
    before = ca_policy("ca-1", "MFA", exclude_groups=groups)
    after = ca_policy("ca-1", "MFA", exclude_groups=[*groups[1:], "ffffffff-aaaa-bbbb-cccc-dddddddddddd"])
    finding = _only(compare(snapshot(1, {CA: [before]}), snapshot(2, {CA: [after]})).findings)
    assert raw(finding["changes"]) == [
        {
            "path": f"conditions/users/excludeGroups/{groups[0]}",
            "category": "settings",
            "before": groups[0],
            "after": None,
        },
        {
            "path": "conditions/users/excludeGroups/ffffffff-aaaa-bbbb-cccc-dddddddddddd",
            "category": "settings",
            "before": None,
            "after": "ffffffff-aaaa-bbbb-cccc-dddddddddddd",
        },
    ]
