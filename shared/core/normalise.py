"""Normalisation of raw Graph items (pure): stable content, no secrets, one hash (DESIGN §4)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any, Final, TypedDict

from shared.core.canonical import canonical_bytes, canonical_hash
from shared.core.contracts import GLOBAL_VOLATILE_FIELDS, PolicyContract

SECRET_MARKER: Final = "<secret>"
_SECRET_NAME_SUFFIXES: Final = (
    "password",
    "passphrase",
    "presharedkey",
    "sharedsecret",
    "privatekey",
    "clientsecret",
    "secretvalue",
    "apikey",
    "accesstoken",
    "refreshtoken",
)
_SECRET_SETTING_VALUE: Final = "#microsoft.graph.deviceManagementConfigurationSecretSettingValue"
_KEEP_ANNOTATION: Final = "@odata.type"
# Fields in a dict that identify it within a set, most semantic first.
KEY_FIELDS: Final = (
    "settingDefinitionId",
    "definitionId",
    "omaUri",
    "cidrAddress",
    "bundleId",
    "packageId",
    "ruleName",
    "payloadId",
    "locale",
)
# mobileAppIdentifier subtypes (iOS and macOS bundleId, Android packageId, Windows windowsAppId).
APP_IDENTIFIER_FIELDS: Final = ("bundleId", "packageId", "windowsAppId")
# A key this long is a value, not a name: such an element is identified by content instead.
MAX_KEY_LENGTH: Final = 200


class Item(TypedDict):
    """One normalised policy object as stored in a snapshot."""

    id: str
    displayName: str
    odataType: str | None
    hash: str
    content: dict[str, Any]
    assignments: list[dict[str, Any]]


def is_secret_name(name: str) -> bool:
    """True for property names that carry secret values (pre-shared keys, passwords, ...)."""
    lowered = name.lower()
    return lowered.endswith(_SECRET_NAME_SUFFIXES)


def secret_marker(value: Any, secret_key: bytes | None) -> str:
    """The stored stand-in for a secret: a marker, keyed-hashed when a deployment key exists."""
    if not secret_key:
        return SECRET_MARKER
    digest = hmac.new(secret_key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"<secret hmac:{digest[:32]}>"


def script_summary(value: Any) -> dict[str, Any]:
    """A script body as hash and size only (base64 as Graph sends it, or plain text).

    A `mimeContent` (`{"type", "value"}`: a logo, an app icon) keeps its type beside the hash and
    size of its bytes.
    """
    if isinstance(value, dict):
        summary = script_summary(value.get("value") or "")
        if value.get("type"):
            summary["type"] = value["type"]
        return summary
    raw: bytes
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = value.encode("utf-8")
    else:
        raw = str(value).encode("utf-8")
    return {"sha256": hashlib.sha256(raw).hexdigest(), "sizeBytes": len(raw)}


_SUMMARY_KEYS: Final = (frozenset({"sha256", "sizeBytes"}), frozenset({"sha256", "sizeBytes", "type"}))


def is_script_summary(value: Any) -> bool:
    """Whether a normalised value is a body kept as hash and size (one fact, compared whole)."""
    return isinstance(value, dict) and frozenset(value) in _SUMMARY_KEYS


def _is_annotation(name: str) -> bool:
    if name == _KEEP_ANNOTATION:
        return False
    return name.startswith("@") or "@odata." in name or name.startswith("#microsoft.graph.")


def assignment_key(target: dict[str, Any]) -> str:
    """Identity of an assignment: target type, group and filter (GRAPH.md)."""
    kind = str(target.get("@odata.type", "")).rsplit(".", 1)[-1] or "target"
    key = kind
    group = target.get("groupId")
    if group:
        key += f"/{group}"
    filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
    filter_type = target.get("deviceAndAppManagementAssignmentFilterType")
    if filter_id and filter_type not in (None, "none"):
        key += f"?filter={filter_id}:{filter_type}"
    return key


def parse_assignment_key(key: str) -> tuple[str, str | None, str | None, str | None]:
    """(target type, group id, filter id, filter type) of an `assignment_key`."""
    target, _, filtered = key.partition("?filter=")
    kind, _, group = target.partition("/")
    filter_id, _, filter_type = filtered.rpartition(":") if filtered else ("", "", "")
    return kind, group or None, filter_id or None, filter_type or None


def wrapped_scalar(element: Any) -> str | None:
    """The text of a short scalar held alone in a wrapper object, else None.

    Settings catalog collections hold their values as `{"@odata.type": …, "value": ".log"}` (and
    choice collections as `{"value": "…_1", "children": []}`): such an element is named by its value.
    """
    if not isinstance(element, dict):
        return None
    fields = {k: v for k, v in element.items() if not _is_annotation(k) and k != _KEEP_ANNOTATION and not _empty(v)}
    if set(fields) != {"value"}:
        return None
    value = fields["value"]
    if isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else canonical_bytes(value).decode("utf-8")
    return text if len(text) <= MAX_KEY_LENGTH else None


def element_key(element: Any) -> tuple[str, bool]:
    """Semantic identity of one element of an unordered array, and whether it is the `id` field.

    An empty key means the element has none (a settings catalog group collection value, say): it
    is sorted by content and paired by best match when compared.
    """
    if not isinstance(element, dict):
        return canonical_hash(element), False
    instance = element.get("settingInstance")
    if isinstance(instance, dict) and instance.get("settingDefinitionId"):
        return str(instance["settingDefinitionId"]), False
    for name in KEY_FIELDS:
        if element.get(name):
            return str(element[name]), False
    for nested in ("definition", "presentation"):
        inner = element.get(nested)
        if isinstance(inner, dict) and inner.get("id"):
            return f"{nested}:{inner['id']}", False
    target = element.get("target")
    if isinstance(target, dict):
        return assignment_key(target), False
    if element.get("actionType"):
        return f"{element['actionType']}:{element.get('notificationTemplateId') or ''}", False
    identifier = element.get("mobileAppIdentifier")
    if isinstance(identifier, dict):
        for name in APP_IDENTIFIER_FIELDS:
            if identifier.get(name):
                return str(identifier[name]), False
    if element.get("id"):
        return str(element["id"]), True
    for name in ("displayName", "name"):
        if element.get(name):
            return str(element[name]), False
    wrapped = wrapped_scalar(element)
    if wrapped is not None:
        return wrapped, False
    return "", False


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class _Normaliser:
    def __init__(self, contract: PolicyContract, secret_key: bytes | None) -> None:
        self.volatile = (GLOBAL_VOLATILE_FIELDS - contract.admin_set_fields) | contract.volatile_fields
        self.secrets = contract.secret_fields
        self.scripts = contract.script_fields
        self.script_settings = contract.script_setting_ids
        self.references = contract.reference_fields
        self.secret_key = secret_key

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self.mapping(value, drop_id=False)
        if isinstance(value, list):
            return self.array(value)
        return value

    def mapping(self, raw: dict[str, Any], drop_id: bool) -> dict[str, Any]:
        secret_value = raw.get("@odata.type") == _SECRET_SETTING_VALUE or raw.get("isEncrypted") is True
        script_setting = raw.get("settingDefinitionId") in self.script_settings
        out: dict[str, Any] = {}
        for name, value in raw.items():
            if _is_annotation(name) or name in self.volatile or (drop_id and name == "id"):
                continue
            if _empty(value):
                continue
            if name in self.references:
                out[name] = _reference(value)
            elif script_setting and name == "simpleSettingValue" and isinstance(value, dict):
                out[name] = {**self.mapping(value, drop_id=False), "value": script_summary(value.get("value") or "")}
            elif name in self.scripts:
                out[name] = script_summary(value)
            elif (
                name in self.secrets
                or (is_secret_name(name) and isinstance(value, str))
                or (secret_value and name == "value")
            ):
                out[name] = secret_marker(value, self.secret_key)
            else:
                normalised = self.value(value)
                if not _empty(normalised):
                    out[name] = normalised
        return out

    def array(self, raw: list[Any]) -> list[Any]:
        if all(not isinstance(v, (dict, list)) for v in raw):
            scalars = [v for v in raw if not _empty(v)]
            return sorted(scalars, key=lambda v: (type(v).__name__, str(v)))
        keyed: list[tuple[str, str, Any]] = []
        for element in raw:
            key, by_id = element_key(element)
            if isinstance(element, dict):
                normalised: Any = self.mapping(element, drop_id=not by_id)
            else:
                normalised = self.value(element)
            if _empty(normalised):
                continue
            keyed.append((key or canonical_hash(normalised), canonical_hash(normalised), normalised))
        keyed.sort(key=lambda entry: (entry[0], entry[1]))
        return [entry[2] for entry in keyed]


def _reference(value: Any) -> Any:
    """An expanded navigation reduced to the ids of what it points at (`{"id"}`, or a sorted list of them)."""
    if isinstance(value, dict):
        return {"id": value["id"]} if value.get("id") else {}
    if isinstance(value, list):
        ids = sorted({str(v["id"]) for v in value if isinstance(v, dict) and v.get("id")})
        return [{"id": i} for i in ids]
    return value


def normalise_item(contract: PolicyContract, raw: dict[str, Any], secret_key: bytes | None) -> Item:
    """A raw Graph object (with its expansions) as a normalised, secret-free, hashed item."""
    worker = _Normaliser(contract, secret_key)
    body = {k: v for k, v in raw.items() if k not in ("id", contract.id_field, "assignments")}
    content = worker.mapping(body, drop_id=False)
    assignments = worker.array(list(raw.get("assignments") or [])) if contract.has_assignments else []
    assignments = [{k: v for k, v in a.items() if k not in ("sourceId",)} for a in assignments]
    item_id = str(raw.get(contract.id_field) or contract.key)
    display = raw.get(contract.name_field) or raw.get("displayName") or raw.get("name") or item_id
    return Item(
        id=item_id,
        displayName=str(display),
        odataType=raw.get("@odata.type"),
        hash=canonical_hash({"content": content, "assignments": assignments}),
        content=content,
        assignments=assignments,
    )


def keyed_elements(values: list[Any]) -> dict[str, Any]:
    """A normalised unordered array as {semantic key: element}; an element without a key of its own is
    keyed by its content (a set member), and duplicates get a content suffix. Used where matching is by
    content (alignment); the drift comparison pairs keyless elements by best match instead."""
    out: dict[str, Any] = {}
    for element in values:
        key, _ = element_key(element)
        key = key or canonical_hash(element)[:16]
        if key in out:
            key = f"{key}#{canonical_hash(element)[:12]}"
        out[key] = element
    return out
