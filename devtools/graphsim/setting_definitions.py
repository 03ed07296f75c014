"""The settings catalog definitions the simulator serves (`deviceManagement/configurationSettings` and
`…/settings?$expand=settingDefinitions`), in Graph's shapes; compliance policies of the settings
catalog have a catalogue of their own (`deviceManagement/complianceSettings`).

Their structure (kind, parent, children) comes from walking what the policy families build, so it
always matches the instances policies hold; their names and options from `setting_names`. The
catalogue is Microsoft's, the same in every tenant (like the ADMX definitions).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from devtools.graphsim.gen_base import stable_id
from devtools.graphsim.setting_names import Options, lookup
from devtools.graphsim.settings_catalog import COMPLIANCE_FAMILIES, FAMILIES, NS, Family, SettingsBuilder

Obj = dict[str, Any]
SETTING_DEFINITIONS_BUCKET = "deviceManagement/configurationSettings"
COMPLIANCE_DEFINITIONS_BUCKET = "deviceManagement/complianceSettings"
# Families pick options at random: enough seeds that every option and optional child shows up.
_SEEDS = 40
_DEFINITION_TYPES = {
    "ChoiceSettingInstance": "ChoiceSettingDefinition",
    "ChoiceSettingCollectionInstance": "ChoiceSettingCollectionDefinition",
    "SimpleSettingInstance": "SimpleSettingDefinition",
    "SimpleSettingCollectionInstance": "SimpleSettingCollectionDefinition",
    "GroupSettingCollectionInstance": "SettingGroupCollectionDefinition",
}
_GENERIC_OPTIONS: Options = {"0": "Disabled", "1": "Enabled", "false": "False", "true": "True"}


@dataclass
class _Shape:
    kind: str
    platform: str
    technologies: str
    parent: str | None = None
    parent_option: str | None = None
    children: list[str] = field(default_factory=list)
    options_seen: list[str] = field(default_factory=list)
    children_by_option: dict[str, list[str]] = field(default_factory=dict)
    value_type: str = "String"
    secret: bool = False


def _kind(instance: Obj) -> str:
    return str(instance["@odata.type"]).rsplit("Configuration", 1)[-1]


def _walk(
    instance: Obj, shapes: dict[str, _Shape], platform: str, technologies: str, parent: tuple[str, str | None] | None
) -> None:
    definition = instance["settingDefinitionId"]
    shape = shapes.setdefault(definition, _Shape(_kind(instance), platform, technologies))
    if parent is not None and shape.parent is None:
        shape.parent, shape.parent_option = parent
    choice = instance.get("choiceSettingValue")
    if choice is not None:
        option = str(choice["value"])[len(definition) + 1 :]
        if option not in shape.options_seen:
            shape.options_seen.append(option)
        for child in choice.get("children") or []:
            _add_child(shape, child["settingDefinitionId"], option)
            _walk(child, shapes, platform, technologies, (definition, choice["value"]))
    for value in instance.get("choiceSettingCollectionValue") or []:
        option = str(value["value"])[len(definition) + 1 :]
        if option not in shape.options_seen:
            shape.options_seen.append(option)
    simple = instance.get("simpleSettingValue") or next(iter(instance.get("simpleSettingCollectionValue") or []), None)
    if isinstance(simple, dict):
        kind = str(simple.get("@odata.type", "")).rsplit("Configuration", 1)[-1]
        shape.value_type = "Integer" if kind.startswith("Integer") else "String"
        shape.secret = shape.secret or kind.startswith("Secret")
    for element in instance.get("groupSettingCollectionValue") or []:
        for child in element.get("children") or []:
            _add_child(shape, child["settingDefinitionId"], None)
            _walk(child, shapes, platform, technologies, (definition, None))


def _add_child(shape: _Shape, child: str, option: str | None) -> None:
    if child not in shape.children:
        shape.children.append(child)
    if option is not None:
        listed = shape.children_by_option.setdefault(option, [])
        if child not in listed:
            listed.append(child)


def _shapes(families: tuple[Family, ...]) -> dict[str, _Shape]:
    shapes: dict[str, _Shape] = {}
    ctx = {"tenant_id": "00000000-0000-0000-0000-000000000000", "short": "SIM", "linux_scripts": ["catalogue"]}
    for seed in range(_SEEDS):
        for family in families:
            builder = SettingsBuilder(random.Random(f"definitions:{seed}:{family.name}"), lambda: "catalogue")
            for instance in family.build(builder, ctx):
                _walk(instance, shapes, family.platforms, family.technologies, None)
    return shapes


def _fallback_name(definition_id: str) -> str:
    tail = re.split(r"[_~]", definition_id)[-1] or definition_id
    return tail[:1].upper() + tail[1:]


def _option_value(definition_id: str, suffix: str) -> Obj:
    if suffix.isdigit():
        return {"@odata.type": f"{NS}IntegerSettingValue", "settingValueTemplateReference": None, "value": int(suffix)}
    return {"@odata.type": f"{NS}StringSettingValue", "settingValueTemplateReference": None, "value": suffix}


def _applicability(shape: _Shape) -> Obj:
    if shape.platform == "linux":
        return {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSettingApplicability",
            "description": None,
            "platform": "linux",
            "deviceMode": "none",
            "technologies": shape.technologies,
        }
    if shape.platform == "macOS":
        return {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationApplicationSettingApplicability",
            "description": None,
            "platform": "macOS",
            "deviceMode": "none",
            "technologies": shape.technologies,
        }
    return {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationWindowsSettingApplicability",
        "description": None,
        "platform": "windows10",
        "deviceMode": "none",
        "technologies": shape.technologies,
        "configurationServiceProviderVersion": "5.0",
        "maximumSupportedVersion": None,
        "minimumSupportedVersion": "10.0.17763",
        "requiredAzureAdTrustType": "none",
        "requiresAzureAd": False,
        "windowsSkus": [],
    }


def _definition(definition_id: str, shape: _Shape, shapes: dict[str, _Shape], usage: str) -> Obj:
    known = lookup(definition_id)
    name, options = known if known is not None else (_fallback_name(definition_id), None)
    root = definition_id
    while shapes[root].parent is not None:
        root = str(shapes[root].parent)
    body: Obj = {
        "@odata.type": f"{NS}{_DEFINITION_TYPES[shape.kind]}",
        "id": definition_id,
        "name": re.sub(r"[^A-Za-z0-9]", "", name.title())[:64] or definition_id,
        "displayName": name,
        "description": f"{name}.",
        "helpText": f"{name}. Simulated catalogue text, not Microsoft's.",
        "accessTypes": "add,delete,get,replace",
        "baseUri": "./Device/Vendor/MSFT/Policy"
        if shape.platform != "macOS"
        else "com.apple.ManagedClient.preferences",
        "offsetUri": "/Config/" + re.sub(r"[^A-Za-z0-9]", "", name.title())[:64],
        "categoryId": stable_id("settingcategory:" + root),
        "rootDefinitionId": root,
        "settingUsage": usage,
        "uxBehavior": "dropdown" if shape.kind.startswith("Choice") else "default",
        "visibility": "settingsCatalog,template",
        "keywords": [],
        "infoUrls": ["https://learn.microsoft.com/windows/client-management/mdm/policy-csp-defender"]
        if "defender" in definition_id
        else [],
        "occurrence": {"minDeviceOccurrence": 0, "maxDeviceOccurrence": 1},
        "applicability": _applicability(shape),
        "referredSettingInformationList": [],
        "riskLevel": "low",
        "version": "1",
    }
    dependent_on = []
    if shape.parent is not None:
        dependent_on = [{"dependentOn": shape.parent_option or shape.parent, "parentSettingId": shape.parent}]
    if shape.kind.startswith("Choice"):
        vocabulary = dict(options or {})
        for seen in shape.options_seen:
            vocabulary.setdefault(seen, _GENERIC_OPTIONS.get(seen, seen))
        body["options"] = [
            {
                "itemId": f"{definition_id}_{suffix}",
                "name": label,
                "displayName": label,
                "description": None,
                "helpText": None,
                # A choice names its parent through its options (the definition has no dependentOn).
                "dependentOn": dependent_on,
                "dependedOnBy": [
                    {"dependedOnBy": child, "required": False} for child in shape.children_by_option.get(suffix, [])
                ],
                "optionValue": _option_value(definition_id, suffix),
            }
            for suffix, label in vocabulary.items()
        ]
        body["defaultOptionId"] = body["options"][0]["itemId"]
    elif shape.kind.startswith("Simple"):
        if shape.value_type == "Integer":
            body["valueDefinition"] = {
                "@odata.type": f"{NS}IntegerSettingValueDefinition",
                "maximumValue": 2147483647,
                "minimumValue": 0,
            }
        else:
            body["valueDefinition"] = {
                "@odata.type": f"{NS}StringSettingValueDefinition",
                "fileTypes": [],
                "format": "none",
                "inputValidationSchema": None,
                "isSecret": shape.secret,
                "maximumLength": 87516,
                "minimumLength": 0,
            }
        body["defaultValue"] = None
        body["dependentOn"] = dependent_on
        body["dependedOnBy"] = []
    else:
        body["childIds"] = list(shape.children)
        body["dependentOn"] = dependent_on
        body["dependedOnBy"] = []
    if shape.kind.endswith("CollectionInstance"):
        body["minimumCount"] = 0
        body["maximumCount"] = 600
    return body


def definition_catalog() -> list[Obj]:
    """Every definition the settings catalog families use, sorted by id."""
    shapes = _shapes(FAMILIES)
    return [_definition(i, shapes[i], shapes, "configuration") for i in sorted(shapes)]


def compliance_catalog() -> list[Obj]:
    """Every definition compliance policies of the settings catalog use, sorted by id."""
    shapes = _shapes(COMPLIANCE_FAMILIES)
    return [_definition(i, shapes[i], shapes, "compliance") for i in sorted(shapes)]


def instance_definition_ids(instance: Any) -> list[str]:
    """The definition ids of a setting instance and every instance nested in it, in order, once each."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            definition = node.get("settingDefinitionId")
            if isinstance(definition, str) and definition not in out:
                out.append(definition)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for element in node:
                walk(element)

    walk(instance)
    return out
