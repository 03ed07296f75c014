"""Alignment in the pure core (DESIGN §14): by content, never by name or id; each deviation exactly once."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shared.core.alignment import align, deviation_label, freeze_template, resolver_for, score, template_objects
from shared.core.contracts import CONTRACTS
from shared.errors import ValidationError
from tests.core.drift.fixtures import (
    ALL_DEVICES,
    GROUP,
    REALTIME,
    ca_policy,
    choice,
    defender_policy,
    settings_policy,
    snapshot,
    target,
)

PUA = "device_vendor_msft_policy_config_defender_puaprotection"
ARCHIVE = "device_vendor_msft_policy_config_defender_allowarchivescanning"
OTHER_TENANT = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"


def compliance(pid: str, name: str, minimum: int = 12, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
        "displayName": name,
        "description": f"{name} (our wording)",
        "passwordRequired": True,
        "passwordMinimumLength": minimum,
        "bitLockerEnabled": True,
        "roleScopeTagIds": ["0"],
        **extra,
        "assignments": [target(GROUP, "grp-all-devices")],
    }


def reference() -> dict[str, list[dict[str, Any]]]:
    return {
        "settingsCatalogPolicy": [
            defender_policy(),
            settings_policy("pol-archive", "Archive", [choice(ARCHIVE, f"{ARCHIVE}_1")]),
        ],
        "deviceCompliancePolicy": [compliance("cmp-1", "Windows compliance")],
        "conditionalAccessPolicy": [ca_policy("ca-1", "Require MFA", exclude_groups=("grp-breakglass",))],
    }


# The reference run's names, frozen with the template.
SOURCE_REFERENCES: dict[str, Any] = {
    "settingDefinitions": {ARCHIVE: {"displayName": "Allow Archive Scanning", "options": {}, "parentId": None}}
}


def template(items: dict[str, list[dict[str, Any]]] | None = None, **options: Any) -> dict[str, Any]:
    return freeze_template(
        template_id="golden",
        version=options.pop("version", 1),
        display_name="Golden",
        snapshot=snapshot(1, items or reference(), references=SOURCE_REFERENCES),
        objects=options.pop("objects", None),
        variables=options.pop("variables", {}),
        compare_assignments=options.pop("compare_assignments", False),
        created_at="2026-01-01T00:00:00Z",
    )


def renamed(items: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The same content under other ids and names (another tenant built the same way)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for policy_type, raws in items.items():
        out[policy_type] = []
        for raw in raws:
            copy_ = copy.deepcopy(raw)
            copy_["id"] = "other-" + raw["id"]
            name_field = "name" if "name" in raw else "displayName"
            copy_[name_field] = "Customer's " + str(raw[name_field])
            if "description" in raw:
                copy_["description"] = "written by the customer"
            out[policy_type].append(copy_)
    return out


def tenant(items: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return snapshot(2, items, tenant=OTHER_TENANT)


def kinds(result: Any) -> list[tuple[str, str, str]]:
    return [(d["kind"], d["policyType"], d["path"]) for d in result["deviations"]]


def test_same_content_under_other_ids_and_names_scores_100_without_deviation() -> None:
    golden = template()
    result = align(golden, tenant(renamed(reference())), {})
    assert result["deviations"] == [] and result["score"] == 100.0
    assert result["counts"]["matched"] == sum(o["settingsCount"] for o in template_objects(golden)) > 10
    assert result["counts"]["missing"] == result["counts"]["different"] == result["counts"]["conflicting"] == 0


def test_settings_split_over_two_differently_named_policies_match() -> None:
    items = reference()
    defender = items["settingsCatalogPolicy"][0]
    first, second = copy.deepcopy(defender), copy.deepcopy(defender)
    first.update(id="split-a", name="AV part 1", settings=defender["settings"][:1])
    second.update(id="split-b", name="AV part 2", settings=defender["settings"][1:])
    split = {**items, "settingsCatalogPolicy": [first, second, items["settingsCatalogPolicy"][1]]}
    result = align(template(), tenant(split), {})
    assert result["deviations"] == [] and result["score"] == 100.0


def test_one_tenant_policy_may_cover_two_template_policies() -> None:
    items = reference()
    defender, archive = items["settingsCatalogPolicy"]
    merged = copy.deepcopy(defender)
    merged.update(id="merged", name="Everything AV", settings=defender["settings"] + archive["settings"])
    result = align(template(), tenant({**items, "settingsCatalogPolicy": [merged]}), {})
    assert result["deviations"] == []


def test_a_changed_setting_is_one_different_value_with_expected_and_actual() -> None:
    items = renamed(reference())
    items["settingsCatalogPolicy"][1]["settings"] = [choice(ARCHIVE, f"{ARCHIVE}_0")]
    result = align(template(), tenant(items), {})
    (deviation,) = result["deviations"]
    assert deviation["kind"] == "different_value" and deviation["path"] == f"settings/{ARCHIVE}"
    assert deviation["expected"] == f"{ARCHIVE}_1" and deviation["actual"] == f"{ARCHIVE}_0"
    assert deviation["tenantObjectIds"] == ["other-pol-archive"] and deviation["templateObjectId"] == "pol-archive"
    # Named from the template's references: this tenant's run (built without any) cannot name it.
    assert deviation["label"] == "Allow Archive Scanning"
    assert result["counts"]["different"] == 1 and result["score"] < 100.0


def test_a_changed_child_setting_is_a_deviation_of_its_top_level_setting() -> None:
    items = renamed(reference())
    items["settingsCatalogPolicy"][0] = defender_policy(realtime_child=2, name="x")
    result = align(template(), tenant(items), {})
    assert kinds(result) == [("different_value", "settingsCatalogPolicy", f"settings/{REALTIME}")]


def test_a_missing_setting_and_a_missing_policy() -> None:
    items = renamed(reference())
    items["settingsCatalogPolicy"] = [items["settingsCatalogPolicy"][0]]  # the archive policy is gone
    items["settingsCatalogPolicy"][0]["settings"] = items["settingsCatalogPolicy"][0]["settings"][:1]  # and PUA
    result = align(template(), tenant(items), {})
    assert kinds(result) == [
        ("missing_policy", "settingsCatalogPolicy", ""),
        ("missing_setting", "settingsCatalogPolicy", f"settings/{PUA}"),
    ]
    assert result["deviations"][0]["templateObjectId"] == "pol-archive"
    assert result["deviations"][0]["expected"] == {"settings": 1}
    assert result["counts"]["missing"] == 2


def test_settings_of_another_platform_do_not_count() -> None:
    items = renamed(reference())
    for policy in items["settingsCatalogPolicy"]:
        policy["platforms"] = "macOS"
    result = align(template(), tenant(items), {})
    assert [d["kind"] for d in result["deviations"]] == ["missing_policy", "missing_policy"]


def test_two_policies_setting_one_setting_differently_conflict() -> None:
    items = renamed(reference())
    clash = settings_policy("clash", "Archive off", [choice(ARCHIVE, f"{ARCHIVE}_0")])
    items["settingsCatalogPolicy"].append(clash)
    result = align(template(), tenant(items), {})
    (deviation,) = result["deviations"]
    assert deviation["kind"] == "conflicting" and deviation["path"] == f"settings/{ARCHIVE}"
    assert deviation["tenantObjectIds"] == ["clash", "other-pol-archive"]
    assert deviation["actual"] == sorted([f"{ARCHIVE}_0", f"{ARCHIVE}_1"])
    assert result["counts"]["conflicting"] == 1


def test_a_changed_property_of_a_paired_object_is_one_different_value() -> None:
    items = renamed(reference())
    items["deviceCompliancePolicy"][0]["passwordMinimumLength"] = 8
    result = align(template(), tenant(items), {})
    (deviation,) = result["deviations"]
    assert deviation["kind"] == "different_value" and deviation["path"] == "passwordMinimumLength"
    assert (deviation["expected"], deviation["actual"]) == (12, 8)
    assert deviation["label"] == "Password minimum length"
    assert deviation["tenantObjectIds"] == ["other-cmp-1"]


def test_an_enrollment_token_is_each_tenants_own_and_no_deviation() -> None:
    def profile(pid: str, token: str, expires: str, template: str) -> dict[str, Any]:
        return {
            "id": pid,
            "@odata.type": "#microsoft.graph.androidDeviceOwnerEnrollmentProfile",
            "displayName": "Android - Corporate fully managed",
            "enrollmentMode": "corporateOwnedFullyManaged",
            "deviceNameTemplate": template,
            "tokenValue": token,
            "qrCodeContent": '{"token": "' + token + '"}',
            "tokenExpirationDateTime": expires,
        }

    golden = template(
        {"androidDeviceOwnerEnrollmentProfile": [profile("p1", "TOKEN-A", "2026-03-01T00:00:00Z", "AND-{{SERIAL}}")]}
    )
    same = {"androidDeviceOwnerEnrollmentProfile": [profile("q1", "TOKEN-B", "2027-01-01T00:00:00Z", "AND-{{SERIAL}}")]}
    assert align(golden, tenant(same), {})["deviations"] == []
    other = {
        "androidDeviceOwnerEnrollmentProfile": [profile("q1", "TOKEN-B", "2027-01-01T00:00:00Z", "KIOSK-{{SERIAL}}")]
    }
    assert kinds(align(golden, tenant(other), {})) == [
        ("different_value", "androidDeviceOwnerEnrollmentProfile", "deviceNameTemplate")
    ]


def test_pairing_takes_the_least_different_object_and_each_only_once() -> None:
    items = reference()
    items["deviceCompliancePolicy"] = [
        compliance("cmp-strict", "Strict", 14),
        compliance("cmp-lax", "Lax", 6, passwordRequired=False),
    ]
    golden = template(items)
    tenant_items = renamed(items)
    tenant_items["deviceCompliancePolicy"][0]["passwordMinimumLength"] = 15  # strict drifted by one
    result = align(golden, tenant(tenant_items), {})
    (deviation,) = result["deviations"]
    assert deviation["templateObjectId"] == "cmp-strict" and deviation["tenantObjectIds"] == ["other-cmp-strict"]
    # With one tenant policy left, the second template policy has no partner.
    tenant_items["deviceCompliancePolicy"] = tenant_items["deviceCompliancePolicy"][:1]
    result = align(golden, tenant(tenant_items), {})
    assert [(d["kind"], d["templateObjectId"]) for d in result["deviations"]] == [
        ("missing_policy", "cmp-lax"),
        ("different_value", "cmp-strict"),
    ]


def test_a_deleted_policy_of_a_paired_type_is_a_missing_policy() -> None:
    items = renamed(reference())
    items["conditionalAccessPolicy"] = []
    result = align(template(), tenant(items), {})
    (deviation,) = result["deviations"]
    assert deviation["kind"] == "missing_policy" and deviation["templateObjectId"] == "ca-1"
    assert deviation["label"] == "Whole policy" and deviation["tenantObjectIds"] == []


def test_variables_are_substituted_before_comparing_and_a_missing_one_is_its_deviation() -> None:
    golden = template(variables={"breakGlass": "grp-breakglass"})
    items = renamed(reference())
    items["conditionalAccessPolicy"] = [ca_policy("other-ca", "MFA for all", exclude_groups=("grp-customer-bg",))]
    assert align(golden, tenant(items), {"breakGlass": "grp-customer-bg"})["deviations"] == []
    result = align(golden, tenant(items), {})
    (deviation,) = result["deviations"]
    assert deviation["kind"] == "different_value" and deviation["path"] == "conditions/users/excludeGroups"
    assert deviation["expected"] == ["{{breakGlass}}"] and deviation["actual"] == ["grp-customer-bg"]
    # A tenant value for a name the template does not have is ignored.
    assert align(golden, tenant(items), {"breakGlass": "grp-customer-bg", "gone": "x"})["deviations"] == []


def test_a_variable_naming_nothing_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        template(variables={"pilot": "grp-nowhere"})
    assert error.value.code == "variable_names_nothing"
    # A group that is only in assignments names nothing unless assignments are compared.
    with pytest.raises(ValidationError):
        template(variables={"devices": "grp-all-devices"})
    assert template(variables={"devices": "grp-all-devices"}, compare_assignments=True)["variables"] == {
        "devices": "grp-all-devices"
    }


def test_assignments_count_only_when_the_template_asks() -> None:
    items = renamed(reference())
    for raws in items.values():
        for raw in raws:
            if "assignments" in raw:
                raw["assignments"] = [target(ALL_DEVICES)]
    assert align(template(), tenant(items), {})["deviations"] == []
    result = align(template(compare_assignments=True), tenant(items), {})
    paths = {(d["policyType"], d["path"]) for d in result["deviations"]}
    assert paths == {
        ("settingsCatalogPolicy", "assignments/groupAssignmentTarget/grp-all-devices"),
        ("deviceCompliancePolicy", "assignments/groupAssignmentTarget/grp-all-devices"),
    }
    assert {d["label"] for d in result["deviations"]} == {"Included group: grp-all-devices"}


def test_types_the_tenant_run_did_not_read_are_not_covered_and_not_scored() -> None:
    items = renamed(reference())
    del items["conditionalAccessPolicy"]
    result = align(
        template(), snapshot(2, items, tenant=OTHER_TENANT, failed={"conditionalAccessPolicy": "forbidden"}), {}
    )
    assert result["notCovered"] == ["conditionalAccessPolicy"] and result["deviations"] == []


def test_freezing_picks_objects_and_refuses_unknown_ones() -> None:
    golden = template(objects=[{"policyType": "conditionalAccessPolicy", "id": "ca-1"}])
    assert [(o["policyType"], o["id"]) for o in template_objects(golden)] == [("conditionalAccessPolicy", "ca-1")]
    for objects, code in (
        ([{"policyType": "conditionalAccessPolicy", "id": "nope"}], "unknown_object"),
        ([{"policyType": "notAType", "id": "x"}], "unknown_policy_type"),
        ([{"policyType": "conditionalAccessPolicy", "id": "ca-1"}] * 2, "duplicate_object"),
    ):
        with pytest.raises(ValidationError) as error:
            template(objects=objects)
        assert error.value.code == code


def test_score_is_rounded_down_so_100_means_nothing_missing() -> None:
    assert score({"matched": 1999, "missing": 1, "different": 0, "conflicting": 0}) == 99.9
    assert score({"matched": 1, "missing": 2, "different": 0, "conflicting": 0}) == 33.3
    assert score({"matched": 0, "missing": 0, "different": 0, "conflicting": 0}) == 100.0


def test_labels_are_words_and_names_from_the_tenant_run_then_the_template() -> None:
    g1 = "11111111-1111-4111-8111-111111111111"
    tenant_refs = {"names": {"group": {g1: "Pilot devices"}, "assignmentFilter": {"f1": "Corporate laptops"}}}
    template_refs = {"settingDefinitions": {ARCHIVE: {"displayName": "Allow Archive Scanning", "options": {}}}}
    names = resolver_for({"references": tenant_refs}, {"references": template_refs})
    ca, sc = CONTRACTS["conditionalAccessPolicy"], CONTRACTS["settingsCatalogPolicy"]
    compliance = CONTRACTS["deviceCompliancePolicy"]
    assert deviation_label(compliance, "passwordMinimumLength", names) == "Password minimum length"
    assert deviation_label(compliance, "requireMFA", names) == "Require MFA"
    assert deviation_label(ca, "conditions/users/excludeGroups", names) == "Conditions › Users › Exclude groups"
    assert (
        deviation_label(sc, f"assignments/groupAssignmentTarget/{g1}?filter=f1:include", names)
        == "Included group: Pilot devices (filter: Corporate laptops, include)"
    )
    assert deviation_label(sc, f"settings/{ARCHIVE}", names) == "Allow Archive Scanning"
    unknown = resolver_for({}, {})
    assert deviation_label(sc, f"settings/{ARCHIVE}", unknown) == f"{ARCHIVE} (name not found)"
    assert deviation_label(sc, "", unknown) == "Whole policy"


def test_a_conflict_the_reference_has_too_is_no_deviation_but_a_new_one_is() -> None:
    items = reference()
    items["settingsCatalogPolicy"].append(
        settings_policy("pol-archive-off", "Archive off", [choice(ARCHIVE, f"{ARCHIVE}_0")])
    )
    golden = template(items)
    assert align(golden, tenant(renamed(items)), {})["deviations"] == []
    # The tenant adds a third value: now its policies disagree beyond what the template holds.
    more = renamed(items)
    more["settingsCatalogPolicy"].append(settings_policy("x", "Archive 2", [choice(ARCHIVE, f"{ARCHIVE}_2")]))
    kinds_found = {d["kind"] for d in align(golden, tenant(more), {})["deviations"]}
    assert kinds_found == {"conflicting"}
