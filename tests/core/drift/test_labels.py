"""Findings in words (DESIGN §11): each change's label and values from the snapshots' references,
while paths, raw values, identities and hashes stay what they were."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shared.core.canonical import canonical_bytes
from shared.core.drift.labels import Resolver, change_summary, humanise
from tests.core.drift.fixtures import (
    ALL_DEVICES,
    CHOICE,
    EXCLUDE,
    GROUP,
    GROUP_COLLECTION,
    SIMPLE,
    SIMPLE_COLLECTION,
    STRING,
    ca_policy,
    choice,
    compare,
    settings_policy,
    snapshot,
    target,
)

SC = "settingsCatalogPolicy"
CA = "conditionalAccessPolicy"
ABM = "device_vendor_msft_policy_config_defender_allowbehaviormonitoring"
ENC = "device_vendor_msft_bitlocker_encryptionmethodbydrivetype"
CIPHER = f"{ENC}_encryptionmethodwithxtsosdropdown_name"
FW = "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}"
EXT = "device_vendor_msft_policy_config_defender_excludedextensions"
PILOT = "5b0c9d2e-8f41-4a73-b6c5-0d1e2f3a4b5c"
GONE = "0d0d0d0d-0000-4000-8000-000000000000"
LAPTOPS = "f17e0000-0000-4000-8000-000000000001"
TRUSTED = "1c000000-0000-4000-8000-0000000000aa"

REFERENCES: dict[str, Any] = {
    "names": {
        "group": {PILOT: "Pilot devices"},
        "assignmentFilter": {LAPTOPS: "Corporate laptops"},
        "roleScopeTag": {"0": "Default", "7": "Region-EMEA"},
        "namedLocation": {TRUSTED: "HQ Egress IPs"},
        "authenticationStrength": {"0004": "Phishing-resistant MFA", "0002": "Multifactor authentication"},
        "groupPolicyDefinition": {"d-edge": "Configure the list of enterprise sites"},
        "groupPolicyPresentation": {"p-list": "Enterprise Mode Site List"},
    },
    "settingDefinitions": {
        ABM: {
            "displayName": "Allow Behavior Monitoring",
            "options": {f"{ABM}_0": "Not allowed", f"{ABM}_1": "Allowed"},
        },
        ENC: {"displayName": "Choose drive encryption method", "options": {f"{ENC}_1": "Enabled"}},
        CIPHER: {
            "displayName": "Encryption for operating system drives",
            "options": {f"{CIPHER}_6": "XTS-AES 128-bit", f"{CIPHER}_7": "XTS-AES 256-bit"},
            "parentId": ENC,
        },
        FW: {"displayName": "Firewall Rules", "options": {}},
        f"{FW}_name": {"displayName": "Name", "options": {}},
        f"{FW}_direction": {
            "displayName": "Direction",
            "options": {f"{FW}_direction_in": "Inbound", f"{FW}_direction_out": "Outbound"},
        },
        EXT: {"displayName": "Excluded Extensions", "options": {}},
    },
    "unresolved": {},
    "errors": {},
}


def _changes(before: dict[str, Any], after: dict[str, Any], policy_type: str = SC, **refs: Any) -> list[dict[str, Any]]:
    old = snapshot(1, {policy_type: [before]}, references=refs.get("baseline", REFERENCES))
    new = snapshot(2, {policy_type: [after]}, references=refs.get("current", REFERENCES))
    (finding,) = compare(old, new).findings
    return [dict(c) for c in finding["changes"]]


def _words(change: dict[str, Any]) -> tuple[str, str | None, str | None]:
    return change["label"], change["beforeLabel"], change["afterLabel"]


def _rule(name: str, direction: str) -> list[dict[str, Any]]:
    return [
        {"@odata.type": SIMPLE, "settingDefinitionId": f"{FW}_name", "simpleSettingValue": {"@odata.type": STRING, "value": name}},
        {"@odata.type": CHOICE, "settingDefinitionId": f"{FW}_direction", "choiceSettingValue": {"value": f"{FW}_direction_{direction}", "children": []}},
    ]  # fmt: skip


def _rules(*rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "0",
        "settingInstance": {
            "@odata.type": GROUP_COLLECTION,
            "settingDefinitionId": FW,
            "groupSettingCollectionValue": [{"children": children} for children in rules],
        },
    }


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("passwordMinimumLength", "Password minimum length"),
        ("osMinimumVersion", "OS minimum version"),
        ("roleScopeTagIds", "Scope tags"),
        ("bitLockerEncryptDevice", "Bit locker encrypt device"),
        ("storageRequireEncryption", "Storage require encryption"),
        ("./Device/Vendor/MSFT/Policy/Config/Camera", "./Device/Vendor/MSFT/Policy/Config/Camera"),
        ("com.microsoft.outlook", "com.microsoft.outlook"),
    ],
)
def test_property_names_read_as_words(key: str, words: str) -> None:
    assert humanise(key) == words


def test_a_choice_setting_reads_with_its_name_and_both_options() -> None:
    (change,) = _changes(
        settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")]),
        settings_policy("p", "Defender", [choice(ABM, f"{ABM}_0")]),
    )
    assert change["path"] == f"settings/{ABM}/choiceSettingValue/value"
    assert (change["before"], change["after"]) == (f"{ABM}_1", f"{ABM}_0")
    assert _words(change) == ("Allow Behavior Monitoring", "Allowed", "Not allowed")
    assert change["unresolved"] == []


def test_a_child_setting_reads_with_its_parent_first() -> None:
    def policy(cipher: str) -> dict[str, Any]:
        child_instance = {"@odata.type": CHOICE, "settingDefinitionId": CIPHER, "choiceSettingValue": {"value": f"{CIPHER}_{cipher}", "children": []}}  # fmt: skip
        return settings_policy("p", "BitLocker", [choice(ENC, f"{ENC}_1", [child_instance])])

    (change,) = _changes(policy("6"), policy("7"))
    assert _words(change) == (
        "Choose drive encryption method › Encryption for operating system drives",
        "XTS-AES 128-bit",
        "XTS-AES 256-bit",
    )
    # The resolver walks definition parents too, for callers without a path (template deviations).
    assert Resolver(REFERENCES).setting(CIPHER, parents=True) == change["label"]


def test_one_changed_firewall_rule_reads_with_the_rule_name_between_setting_names() -> None:
    before = settings_policy("p", "Rules", [_rules(_rule("Allow DNS", "out"), _rule("Allow RDP", "in"))])
    after = settings_policy("p", "Rules", [_rules(_rule("Allow DNS", "in"), _rule("Allow RDP", "in"))])
    (change,) = _changes(before, after)
    assert (
        change["path"]
        == f"settings/{FW}/groupSettingCollectionValue/Allow DNS/children/{FW}_direction/choiceSettingValue/value"
    )
    assert _words(change) == ("Firewall Rules › Allow DNS › Direction", "Outbound", "Inbound")


def test_an_added_firewall_rule_reads_as_its_settings_in_words() -> None:
    before = settings_policy("p", "Rules", [_rules(_rule("Allow DNS", "out"), _rule("Allow RDP", "in"))])
    after = settings_policy(
        "p", "Rules", [_rules(_rule("Allow DNS", "out"), _rule("Allow RDP", "in"), _rule("Block SMB", "out"))]
    )
    (change,) = _changes(before, after)
    # The rule's settings in their stored order (by definition id).
    assert _words(change) == ("Firewall Rules › Block SMB", None, "Direction: Outbound; Name: Block SMB")


def test_values_added_to_a_collection_read_as_the_values_and_a_whole_setting_as_its_option() -> None:
    ext = {
        "id": "1",
        "settingInstance": {
            "@odata.type": SIMPLE_COLLECTION,
            "settingDefinitionId": EXT,
            "simpleSettingCollectionValue": [{"@odata.type": STRING, "value": ".log"}],
        },
    }
    more = copy.deepcopy(ext)
    more["settingInstance"]["simpleSettingCollectionValue"].append({"@odata.type": STRING, "value": ".pst"})
    changes = _changes(
        settings_policy("p", "AV", [ext]), settings_policy("p", "AV", [more, choice(ABM, f"{ABM}_0", row="2")])
    )
    assert [_words(c) for c in changes] == [
        ("Allow Behavior Monitoring", None, "Not allowed"),
        ("Excluded Extensions", None, ".pst"),
    ]


def test_an_unknown_definition_or_option_shows_the_id_and_says_so() -> None:
    unknown = "vendor_msft_brand_new_setting"
    (change,) = _changes(
        settings_policy("p", "P", [choice(unknown, f"{unknown}_a"), choice(ABM, f"{ABM}_1", row="1")]),
        settings_policy("p", "P", [choice(unknown, f"{unknown}_b"), choice(ABM, f"{ABM}_1", row="1")]),
    )
    assert _words(change) == (
        f"{unknown} (name not found)",
        f"{unknown}_a (name not found)",
        f"{unknown}_b (name not found)",
    )
    assert change["unresolved"] == [unknown]  # the definition, not each of its options again
    (option,) = _changes(
        settings_policy("p", "P", [choice(ABM, f"{ABM}_1")]), settings_policy("p", "P", [choice(ABM, f"{ABM}_2")])
    )
    assert _words(option) == ("Allow Behavior Monitoring", "Allowed", f"{ABM}_2 (name not found)")
    assert option["unresolved"] == [f"{ABM}_2"]


def test_an_exclusion_group_reads_with_the_group_name() -> None:
    policy = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")])
    excluded = copy.deepcopy(policy)
    excluded["assignments"] = [target(EXCLUDE, PILOT)]
    (change,) = _changes(policy, excluded)
    assert change["path"] == f"assignments/exclusionGroupAssignmentTarget/{PILOT}"
    assert _words(change) == ("Excluded group: Pilot devices", "Not assigned", "Assigned")


def test_a_filtered_assignment_reads_with_the_filter_name_and_mode() -> None:
    policy = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")])
    filtered = copy.deepcopy(policy)
    filtered["assignments"] = [target(ALL_DEVICES, None, LAPTOPS)]
    (change,) = _changes(policy, filtered)
    assert _words(change) == ("All devices (filter: Corporate laptops, include)", "Not assigned", "Assigned")


def test_a_group_gone_since_the_baseline_keeps_its_old_name_and_one_never_known_says_so() -> None:
    baseline = {
        **REFERENCES,
        "names": {**REFERENCES["names"], "group": {**REFERENCES["names"]["group"], GONE: "Old pilot"}},
    }
    policy = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")], [target(GROUP, GONE)])
    unassigned = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")])
    (change,) = _changes(policy, unassigned, baseline=baseline, current=REFERENCES)
    assert _words(change) == ("Included group: Old pilot", "Assigned", "Not assigned")
    assert change["unresolved"] == []
    (unknown,) = _changes(policy, unassigned)
    assert unknown["label"] == f"Included group: {GONE} (name not found)"
    assert unknown["unresolved"] == [GONE]


def test_a_renamed_group_is_no_finding_of_the_policies_assigned_to_it() -> None:
    policy = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")], [target(EXCLUDE, PILOT)])
    renamed = {**REFERENCES, "names": {**REFERENCES["names"], "group": {PILOT: "Pilot devices (old)"}}}
    old = snapshot(1, {SC: [policy]}, references=renamed)
    new = snapshot(2, {SC: [policy]}, references=REFERENCES)
    assert old["types"] == new["types"]  # names never reach an item or its hash
    assert compare(old, new).findings == []


def test_a_plain_property_reads_as_words_and_its_values_as_they_are() -> None:
    before = {"id": "c1", "displayName": "Baseline", "passwordMinimumLength": 8, "passwordRequired": True}
    after = {**before, "passwordMinimumLength": 12}
    (change,) = _changes(before, after, "deviceCompliancePolicy")
    assert (change["path"], change["before"], change["after"]) == ("passwordMinimumLength", 8, 12)
    assert _words(change) == ("Password minimum length", None, None)


def test_conditional_access_ids_read_as_names() -> None:
    before = ca_policy("ca", "MFA", exclude_groups=[PILOT])
    before["conditions"]["locations"] = {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]}
    before["grantControls"]["authenticationStrength"] = {"id": "0002", "displayName": "Multifactor authentication"}
    after = copy.deepcopy(before)
    after["conditions"]["users"]["excludeGroups"] = [PILOT, GONE]
    after["conditions"]["locations"]["excludeLocations"] = ["AllTrusted", TRUSTED]
    after["grantControls"]["authenticationStrength"] = {"id": "0004", "displayName": "Phishing-resistant MFA"}
    changes = {c["path"]: c for c in _changes(before, after, CA)}
    assert _words(changes["conditions/users/excludeGroups"]) == (
        "Conditions › Users › Exclude groups",
        "Pilot devices",
        f"{GONE} (name not found), Pilot devices",  # a set, in its stored (sorted) order
    )
    assert changes["conditions/users/excludeGroups"]["unresolved"] == [GONE]
    assert _words(changes["conditions/locations/excludeLocations"]) == (
        "Conditions › Locations › Exclude locations",
        "All trusted locations",
        "HQ Egress IPs, All trusted locations",
    )
    assert _words(changes["grantControls/authenticationStrength/id"]) == (
        "Grant controls › Authentication strength › ID",
        "Multifactor authentication",
        "Phishing-resistant MFA",
    )
    # The strength's own name is a value that reads well as it is.
    assert _words(changes["grantControls/authenticationStrength/displayName"])[1:] == (None, None)


def test_scope_tags_and_admin_template_values_read_as_names() -> None:
    before = {
        "id": "gp",
        "displayName": "Edge",
        "roleScopeTagIds": ["0"],
        "definitionValues": [
            {
                "enabled": True,
                "definition": {"id": "d-edge", "displayName": "Configure the list of enterprise sites"},
                "presentationValues": [
                    {
                        "@odata.type": "#microsoft.graph.groupPolicyPresentationValueText",
                        "value": "https://intranet/a.xml",
                        "presentation": {"id": "p-list", "label": "Enterprise Mode Site List"},
                    }
                ],
            }
        ],
    }
    after = copy.deepcopy(before)
    after["roleScopeTagIds"] = ["0", "7"]
    after["definitionValues"][0]["enabled"] = False
    after["definitionValues"][0]["presentationValues"][0]["value"] = "https://intranet/b.xml"
    changes = {c["path"]: c for c in _changes(before, after, "groupPolicyConfiguration")}
    assert _words(changes["roleScopeTagIds"]) == ("Scope tags", "Default", "Default, Region-EMEA")
    assert _words(changes["definitionValues/definition:d-edge/enabled"]) == (
        "Configure the list of enterprise sites",
        "Enabled",
        "Disabled",
    )
    assert _words(changes["definitionValues/definition:d-edge/presentationValues/presentation:p-list/value"]) == (
        "Configure the list of enterprise sites › Enterprise Mode Site List",
        None,
        None,
    )


def test_snapshots_without_references_still_compare_and_show_ids() -> None:
    old = snapshot(1, {SC: [settings_policy("p", "P", [choice(ABM, f"{ABM}_1")])]})
    new = snapshot(2, {SC: [settings_policy("p", "P", [choice(ABM, f"{ABM}_0")])]})
    assert "references" not in old  # written before references existed
    ((change,),) = [f["changes"] for f in compare(old, new).findings]
    assert change["label"] == f"{ABM} (name not found)"


def test_labels_are_the_same_in_any_order_and_for_the_same_snapshots() -> None:
    policies = [
        settings_policy(f"p{i}", "P", [choice(ABM, f"{ABM}_{i % 2}")], [target(EXCLUDE, PILOT)]) for i in range(4)
    ]
    changed = [settings_policy(f"p{i}", "P", [choice(ABM, f"{ABM}_{(i + 1) % 2}")]) for i in range(4)]
    forward = compare(
        snapshot(1, {SC: policies}, references=REFERENCES), snapshot(2, {SC: changed}, references=REFERENCES)
    )
    backward = compare(
        snapshot(1, {SC: policies[::-1]}, references=REFERENCES),
        snapshot(2, {SC: changed[::-1]}, references=REFERENCES),
    )
    assert canonical_bytes(forward.findings) == canonical_bytes(backward.findings)


def test_the_list_summary_is_the_first_setting_change_with_its_values_and_how_many_more() -> None:
    policy = settings_policy("p", "Defender", [choice(ABM, f"{ABM}_1")])
    changed = settings_policy("p", "Defender (v2)", [choice(ABM, f"{ABM}_0")], [target(EXCLUDE, PILOT)])
    old = snapshot(1, {SC: [policy]}, references=REFERENCES)
    (finding,) = compare(old, snapshot(2, {SC: [changed]}, references=REFERENCES)).findings
    assert finding["changeSummary"] == "Allow Behavior Monitoring: Allowed → Not allowed (+2 more)"
    long = [{"label": "Description", "before": "x" * 60, "after": "y", "category": "metadata"}]
    assert change_summary(long) == "Description"
    assert change_summary([]) is None
