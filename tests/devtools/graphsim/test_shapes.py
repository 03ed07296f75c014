"""The simulator's objects have Graph's shapes: every property it serves for a type of DESIGN §10
exists on that type (or the subtype its `@odata.type` names) in Microsoft's metadata, at any depth,
in the API version the scan reads it from (the checked-in extract, `devtools/graph_metadata.json`)."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.graph_metadata import Version, element_type, load_extract
from devtools.graphsim import generate_tenant
from devtools.graphsim.catalog import COLLECTIONS, TYPE_BUCKETS, TYPE_KEYS
from shared.core.contracts import CONTRACTS

EXTRACTED = load_extract()
NEW_TYPES = TYPE_KEYS[20:]
PREFIX = "#microsoft.graph."


@pytest.fixture(scope="module")
def tenant() -> Any:
    return generate_tenant(seed=17, size=400)


def _problems(version: Version, declared: str, value: Any, where: str) -> list[str]:
    """Where `value` (of the declared type) holds a property its type does not have."""
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _problems(version, declared, v, f"{where}[{i}]")]
    if not isinstance(value, dict) or declared not in version.types:
        return []
    actual = declared
    odata = value.get("@odata.type")
    if isinstance(odata, str):
        actual = odata.removeprefix(PREFIX)
        if actual not in version.types or declared not in version.lineage(actual):
            return [f"{where}: @odata.type {odata} is not a {declared}"]
    out: list[str] = []
    for name, item in value.items():
        if name.startswith("@"):
            continue
        ref = version.member(actual, name)
        if ref is None:
            out.append(f"{where}: {actual} has no property '{name}'")
        elif item is not None:
            out.extend(_problems(version, element_type(ref), item, f"{where}.{name}"))
    return out


@pytest.mark.parametrize("type_key", NEW_TYPES)
def test_every_property_served_exists_on_its_type(tenant: Any, type_key: str) -> None:
    version = EXTRACTED[CONTRACTS[type_key].api_version]
    objects = tenant.objects(type_key)
    assert objects, f"the generated tenant holds no {type_key}"
    problems: list[str] = []
    for bucket in TYPE_BUCKETS[type_key]:
        declared = COLLECTIONS[bucket].entity_type.removeprefix("microsoft.graph.")
        assert declared in version.types, declared
        for obj in objects:
            problems += _problems(version, declared, obj, f"{type_key} {obj.get('displayName', '')}")
    assert problems == []


def test_the_check_finds_an_invented_property() -> None:
    version = EXTRACTED["beta"]
    role = {"@odata.type": PREFIX + "deviceAndAppManagementRoleDefinition", "displayName": "x", "colour": "blue"}
    assert _problems(version, "roleDefinition", role, "r") == [
        "r: deviceAndAppManagementRoleDefinition has no property 'colour'"
    ]
    nested = {"rolePermissions": [{"resourceActions": [{"allowedResourceActions": [], "deny": []}]}]}
    assert _problems(version, "roleDefinition", nested, "r") == [
        "r.rolePermissions[0].resourceActions[0]: resourceAction has no property 'deny'"
    ]
