"""What alignment compares of an item (pure): its settings, or its properties, as units.

A template object is measured unit by unit (DESIGN §14). For a settings-based type (its contract
has a `SettingsLayout`) a unit is one setting: its definition id and its whole value (children
included). For any other type a unit is one property at a semantic path, the same paths the drift
comparison uses (`conditions/users/excludeGroups`, `scheduledActionsForRule/PasswordRequired/...`),
where an array of scalars is one value. Names, descriptions and scope tags are not units: matching
is by content, never by name or by anything that only means something inside one tenant. When the
template asks for it, each assignment (keyed by target, group and filter) is a unit too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from shared.core.canonical import canonical_bytes
from shared.core.contracts import PolicyContract
from shared.core.drift import METADATA_FIELDS
from shared.core.normalise import element_key, keyed_elements

ASSIGNMENTS: Final = "assignments"
# Values that only mean something inside one tenant: the id under which Intune keeps an encrypted
# value (the value itself is compared through its marker), and an Android Enterprise enrollment
# profile's token (what enrolls a device into that tenant), its QR code and when it expires.
TENANT_LOCAL_FIELDS: Final = frozenset(
    {"secretReferenceValueId", "tokenValue", "qrCodeContent", "qrCodeImage", "tokenExpirationDateTime"}
)
# Which template the portal used to create a setting, not what the device receives.
_TEMPLATE_REFERENCES: Final = frozenset({"settingInstanceTemplateReference", "settingValueTemplateReference"})
_INSTANCE: Final = "settingInstance"


def value_key(value: Any) -> bytes:
    """The identity of a value for comparison, exact about JSON types (1, 1.0 and true differ): a
    scalar's type and repr, anything else its canonical JSON (which never starts with a type name)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return f"{type(value).__name__}:{value!r}".encode()
    return canonical_bytes(value)


def _ignored_top_level(contract: PolicyContract) -> frozenset[str]:
    return METADATA_FIELDS | {contract.name_field, "@odata.type"}


def _walk(path: str, value: Any, atomic: frozenset[str], out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            # A type annotation goes with the values beside it: it is not a setting of its own.
            if key in TENANT_LOCAL_FIELDS or key == "@odata.type":
                continue
            child = f"{path}/{key}"
            if key in atomic:
                out[child] = value[key]
            else:
                _walk(child, value[key], atomic, out)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            out[path] = sorted(value, key=lambda v: (type(v).__name__, str(v)))
        else:
            for key, element in sorted(keyed_elements(value).items()):
                _walk(f"{path}/{key}", element, atomic, out)
    else:
        out[path] = value


def property_units(contract: PolicyContract, content: Mapping[str, Any]) -> dict[str, Any]:
    """Path → value of every property alignment compares (types without a settings layout)."""
    out: dict[str, Any] = {}
    ignored = _ignored_top_level(contract)
    for key in sorted(content):
        if key in ignored or key in TENANT_LOCAL_FIELDS:
            continue
        if key in contract.script_fields:
            out[key] = content[key]
        else:
            _walk(key, content[key], contract.script_fields, out)
    return out


def assignment_units(assignments: list[Any]) -> dict[str, Any]:
    """`assignments/<target key>` → the assignment (target, group, filter, intent)."""
    return {f"{ASSIGNMENTS}/{key}": element for key, element in keyed_elements(assignments).items()}


def _strip_references(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_references(v) for k, v in value.items() if k not in _TEMPLATE_REFERENCES}
    if isinstance(value, list):
        return [_strip_references(v) for v in value]
    return value


def settings_of(content: Mapping[str, Any], collection: str) -> Iterator[tuple[str, Any, bytes]]:
    """(definition id, comparable value, its value key) of every setting in a settings-based item."""
    for element in content.get(collection) or []:
        definition, _ = element_key(element)
        if not definition:
            continue
        instance = element.get(_INSTANCE, element) if isinstance(element, dict) else element
        key = canonical_bytes(instance)
        if b"TemplateReference" in key:  # rare: most settings carry none, and copying them all is costly
            instance = _strip_references(instance)
            key = canonical_bytes(instance)
        yield definition, instance, key


def setting_display(instance: Any) -> Any:
    """A setting's value as people read it: the chosen option or the simple value when that is all
    there is, else the instance without its type annotations and definition id."""
    if not isinstance(instance, dict):
        return instance
    body = {k: v for k, v in instance.items() if k not in ("@odata.type", "settingDefinitionId")}
    if len(body) == 1:
        ((kind, value),) = body.items()
        if kind in ("choiceSettingValue", "simpleSettingValue") and isinstance(value, dict):
            plain = {k: v for k, v in value.items() if k != "@odata.type"}
            if set(plain) == {"value"}:
                return plain["value"]
    return body


def partition_value(value: Any) -> Any:
    """A partition field as compared: flag lists (`mdm,microsoftSense`) as a sorted set."""
    if isinstance(value, str) and "," in value:
        return ",".join(sorted(part.strip() for part in value.split(",")))
    return value
