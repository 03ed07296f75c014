"""Normalisation: reordering and volatile fields never change a hash; secrets never survive."""

from __future__ import annotations

import base64
import copy
import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.contracts import CONTRACTS
from shared.core.normalise import normalise_item, script_summary
from tests.core.drift.fixtures import shuffled

KEY = b"unit-key"


def _settings_policy() -> dict[str, Any]:
    return {
        "id": "pol-1",
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#x",
        "name": "Defender baseline",
        "settingCount": 3,
        "createdDateTime": "2024-01-01T00:00:00Z",
        "lastModifiedDateTime": "2024-02-01T00:00:00Z",
        "roleScopeTagIds": ["0", "7", "3"],
        "settings@odata.context": "x",
        "settings": [
            {
                "id": "0",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring",
                    "choiceSettingValue": {
                        "value": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1",
                        "children": [
                            {"settingDefinitionId": "child_b", "simpleSettingValue": {"value": 2}},
                            {"settingDefinitionId": "child_a", "simpleSettingValue": {"value": 1}},
                        ],
                    },
                },
            },
            {
                "id": "1",
                "settingInstance": {
                    "settingDefinitionId": "vendor_msft_secret",
                    "simpleSettingValue": {
                        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
                        "value": "PLANTED-SECRET-unit-1",
                        "valueState": "notEncrypted",
                    },
                },
            },
            {"id": "2", "settingInstance": {"settingDefinitionId": "empty", "simpleSettingValue": None}},
        ],
        "assignments": [
            {
                "id": "a1",
                "sourceId": "pol-1",
                "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"},
            },
            {
                "id": "a2",
                "target": {
                    "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                    "groupId": "g2",
                    "deviceAndAppManagementAssignmentFilterId": None,
                    "deviceAndAppManagementAssignmentFilterType": "none",
                },
            },
        ],
    }


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_reordering_keys_and_arrays_never_changes_the_item(seed: int) -> None:
    contract = CONTRACTS["settingsCatalogPolicy"]
    base = normalise_item(contract, _settings_policy(), KEY)
    reordered = normalise_item(contract, shuffled(_settings_policy(), random.Random(seed)), KEY)
    assert reordered == base
    assert json.dumps(reordered, sort_keys=True) == json.dumps(base, sort_keys=True)


def test_volatile_fields_annotations_and_child_ids_do_not_change_the_hash() -> None:
    contract = CONTRACTS["settingsCatalogPolicy"]
    base = normalise_item(contract, _settings_policy(), KEY)
    changed = _settings_policy()
    changed["lastModifiedDateTime"] = "2025-09-09T00:00:00Z"
    changed["version"] = 9
    changed["@odata.etag"] = "W/x"
    for i, setting in enumerate(changed["settings"]):
        setting["id"] = f"new-{i}"
    for a in changed["assignments"]:
        a["id"] = a["id"] + "-regenerated"
    assert normalise_item(contract, changed, KEY)["hash"] == base["hash"]


def test_null_missing_and_empty_are_the_same() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    a = normalise_item(contract, {"id": "x", "displayName": "n", "description": None, "list": []}, KEY)
    b = normalise_item(contract, {"id": "x", "displayName": "n", "description": ""}, KEY)
    c = normalise_item(contract, {"id": "x", "displayName": "n"}, KEY)
    assert a["hash"] == b["hash"] == c["hash"]


def test_a_real_change_changes_the_hash() -> None:
    contract = CONTRACTS["settingsCatalogPolicy"]
    base = normalise_item(contract, _settings_policy(), KEY)
    changed = _settings_policy()
    changed["settings"][0]["settingInstance"]["choiceSettingValue"]["children"][0]["simpleSettingValue"]["value"] = 3
    assert normalise_item(contract, changed, KEY)["hash"] != base["hash"]
    renamed = _settings_policy()
    renamed["name"] = "Defender baseline v2"
    item = normalise_item(contract, renamed, KEY)
    assert item["hash"] != base["hash"] and item["displayName"] == "Defender baseline v2"


def test_secret_values_are_replaced_by_a_keyed_marker_that_still_tracks_rotation() -> None:
    contract = CONTRACTS["settingsCatalogPolicy"]
    item = normalise_item(contract, _settings_policy(), KEY)
    text = json.dumps(item)
    assert "PLANTED-SECRET" not in text
    assert "<secret hmac:" in text
    rotated = _settings_policy()
    rotated["settings"][1]["settingInstance"]["simpleSettingValue"]["value"] = "PLANTED-SECRET-unit-2"
    assert normalise_item(contract, rotated, KEY)["hash"] != item["hash"]
    # Without a deployment key the marker is plain and reveals nothing.
    assert "PLANTED" not in json.dumps(normalise_item(contract, rotated, None))


def test_encrypted_oma_settings_and_secret_named_properties_are_masked() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    raw = {
        "id": "cfg",
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Custom",
        "requirePassword": True,
        "omaSettings": [
            {
                "omaUri": "./Vendor/MSFT/A",
                "isEncrypted": True,
                "secretReferenceValueId": "ref-1",
                "value": "PLANTED-SECRET-oma",
            },
            {"omaUri": "./Vendor/MSFT/B", "isEncrypted": False, "value": "visible"},
        ],
        "wifi": {"preSharedKey": "PLANTED-SECRET-psk", "ssid": "corp"},
    }
    item = normalise_item(contract, copy.deepcopy(raw), KEY)
    text = json.dumps(item)
    assert "PLANTED-SECRET" not in text
    assert "visible" in text and "ref-1" in text
    assert item["content"]["requirePassword"] is True


def test_script_bodies_become_hash_and_size() -> None:
    contract = CONTRACTS["deviceManagementScript"]
    body = "Write-Host 'PLANTED-SCRIPT-BODY-1'"
    import base64

    raw = {"id": "s", "displayName": "S", "scriptContent": base64.b64encode(body.encode()).decode()}
    item = normalise_item(contract, raw, KEY)
    assert "PLANTED-SCRIPT-BODY" not in json.dumps(item)
    assert item["content"]["scriptContent"] == script_summary(raw["scriptContent"])
    assert item["content"]["scriptContent"]["sizeBytes"] == len(body)


def test_admin_set_fields_are_kept_and_a_kiosk_exit_pin_is_a_secret() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    raw = {
        "id": "kiosk",
        "@odata.type": "#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration",
        "displayName": "Warehouse kiosk",
        "kioskModeExitCode": "PLANTED-SECRET-exit-pin",
        "deviceManagementApplicabilityRuleOsEdition": {
            "osEditionTypes": ["windows10Enterprise"],
            "ruleType": "include",
        },
        "supportsScopeTags": True,
        "version": 7,
    }
    item = normalise_item(contract, raw, KEY)
    assert "PLANTED" not in json.dumps(item)
    assert item["content"]["kioskModeExitCode"].startswith("<secret hmac:")
    assert item["content"]["deviceManagementApplicabilityRuleOsEdition"]["osEditionTypes"] == ["windows10Enterprise"]
    assert "supportsScopeTags" not in item["content"] and "version" not in item["content"]
    policy = normalise_item(
        CONTRACTS["authenticationMethodsPolicy"],
        {
            "id": "authenticationMethodsPolicy",
            "policyMigrationState": "migrationComplete",
            "reconfirmationInDays": 90,
            "policyVersion": "1.5",
        },
        KEY,
    )
    assert policy["content"] == {"policyMigrationState": "migrationComplete", "reconfirmationInDays": 90}


def test_custom_profile_payloads_are_kept_as_hash_and_size() -> None:
    contract = CONTRACTS["deviceConfiguration"]
    payload = base64.b64encode(b"<plist><key>Password</key><string>PLANTED-SECRET-wifi</string></plist>").decode()
    item = normalise_item(contract, {"id": "c", "displayName": "Wi-Fi", "payload": payload}, KEY)
    assert item["content"]["payload"] == script_summary(payload)


def test_every_contract_has_a_distinct_name_for_people() -> None:
    names = [c.display_name for c in CONTRACTS.values()]
    assert all(names) and len(set(names)) == len(names)


def test_an_app_icon_and_a_logo_become_type_hash_and_size() -> None:
    icon = {
        "@odata.type": "#microsoft.graph.mimeContent",
        "type": "image/png",
        "value": base64.b64encode(b"PNG-1").decode(),
    }
    app = {"id": "a", "@odata.type": "#microsoft.graph.webApp", "displayName": "Intranet", "largeIcon": icon}
    content = normalise_item(CONTRACTS["mobileApp"], app, KEY)["content"]
    assert content["largeIcon"] == {**script_summary(icon["value"]), "type": "image/png"}
    other = copy.deepcopy(app)
    other["largeIcon"]["value"] = base64.b64encode(b"PNG-2").decode()
    assert (
        normalise_item(CONTRACTS["mobileApp"], other, KEY)["hash"]
        != normalise_item(CONTRACTS["mobileApp"], app, KEY)["hash"]
    )


def test_a_navigation_kept_as_a_reference_changes_only_when_it_points_elsewhere() -> None:
    contract = CONTRACTS["roleAssignment"]
    role = {"id": "role-1", "displayName": "Help Desk Operator", "rolePermissions": [{"resourceActions": []}]}
    assignment = {"id": "ra-1", "displayName": "Tier 1", "members": ["g2", "g1"], "roleDefinition": role}
    item = normalise_item(contract, assignment, KEY)
    assert item["content"]["roleDefinition"] == {"id": "role-1"} and item["content"]["members"] == ["g1", "g2"]
    edited_role = copy.deepcopy(assignment)
    edited_role["roleDefinition"]["displayName"] = "Renamed role"
    assert normalise_item(contract, edited_role, KEY)["hash"] == item["hash"]
    moved = copy.deepcopy(assignment)
    moved["roleDefinition"] = {"id": "role-2"}
    assert normalise_item(contract, moved, KEY)["hash"] != item["hash"]
    # An app's categories: the ids it is filed under, in any order.
    app = {
        "id": "a",
        "displayName": "x",
        "categories": [{"id": "c2", "displayName": "B"}, {"id": "c1", "displayName": "A"}],
    }
    assert normalise_item(CONTRACTS["mobileApp"], app, KEY)["content"]["categories"] == [{"id": "c1"}, {"id": "c2"}]


def test_a_discovery_script_in_a_reusable_setting_is_hash_and_size() -> None:
    body = base64.b64encode(b"#!/bin/bash\necho PLANTED-SCRIPT-BODY-unit\n").decode()
    setting = {
        "id": "r-1",
        "displayName": "Linux - ClamAV discovery",
        "settingDefinitionId": "linux_customcompliance_discoveryscript_reusablesetting",
        "settingInstance": {
            "settingDefinitionId": "linux_customcompliance_discoveryscript_reusablesetting",
            "simpleSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
                "value": body,
            },
        },
    }
    content = normalise_item(CONTRACTS["reusablePolicySetting"], setting, KEY)["content"]
    assert content["settingInstance"]["simpleSettingValue"]["value"] == script_summary(body)
    assert "PLANTED-SCRIPT-BODY" not in json.dumps(content)


def test_enrollment_tokens_and_the_qr_code_that_carries_them_are_secrets() -> None:
    profile = {
        "id": "p-1",
        "displayName": "Dedicated scanners",
        "tokenValue": "PLANTED-SECRET-token",
        "qrCodeContent": '{"EXTRA_ENROLLMENT_TOKEN": "PLANTED-SECRET-token"}',
        "qrCodeImage": {"type": "image/png", "value": "UExBTlRFRC1TRUNSRVQ="},
        "wifiPassword": "PLANTED-SECRET-wifi",
        "enrolledDeviceCount": 12,
        "tokenCreationDateTime": "2025-01-01T00:00:00Z",
        "tokenExpirationDateTime": "2026-01-01T00:00:00Z",
    }
    content = normalise_item(CONTRACTS["androidDeviceOwnerEnrollmentProfile"], profile, KEY)["content"]
    assert "PLANTED-SECRET" not in json.dumps(content)
    assert all(
        content[f].startswith("<secret hmac:") for f in ("tokenValue", "qrCodeContent", "qrCodeImage", "wifiPassword")
    )
    assert "enrolledDeviceCount" not in content and "tokenCreationDateTime" not in content
    assert content["tokenExpirationDateTime"] == "2026-01-01T00:00:00Z"  # chosen by the admin


def test_a_partner_is_keyed_by_its_tenant_id() -> None:
    partner = {"tenantId": "t-9", "isServiceProvider": True, "inboundTrust": {"isMfaAccepted": True}}
    item = normalise_item(CONTRACTS["crossTenantAccessPartner"], partner, KEY)
    assert item["id"] == item["displayName"] == "t-9" and "tenantId" not in item["content"]


def test_only_unassigned_microsoft_store_apps_are_skipped() -> None:
    contract = CONTRACTS["mobileApp"]
    assert contract.skips({"appAvailability": "global", "isAssigned": False})
    assert not contract.skips({"appAvailability": "global", "isAssigned": True})
    assert not contract.skips({"appAvailability": "lineOfBusiness", "isAssigned": False})
    assert not contract.skips({"@odata.type": "#microsoft.graph.win32LobApp", "isAssigned": False})
    assert not CONTRACTS["deviceConfiguration"].skips({"isAssigned": False})


def test_the_version_of_terms_and_conditions_is_the_admins_and_is_compared() -> None:
    terms = {"id": "t", "displayName": "Acceptable use", "bodyText": "...", "version": 2}
    raised = {**terms, "version": 3}
    contract = CONTRACTS["termsAndConditions"]
    assert normalise_item(contract, terms, KEY)["content"]["version"] == 2
    assert normalise_item(contract, raised, KEY)["hash"] != normalise_item(contract, terms, KEY)["hash"]
    # Elsewhere `version` is Intune's save counter, dropped.
    config = {"id": "c", "displayName": "x", "version": 2}
    assert "version" not in normalise_item(CONTRACTS["deviceConfiguration"], config, KEY)["content"]
